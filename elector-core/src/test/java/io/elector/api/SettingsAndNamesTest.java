package io.elector.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Validation messages name the field, the value and the range; cron schedules fire when they should. */
class SettingsAndNamesTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        ElectionSettings d = ElectionSettings.defaults();
        assertThat(d.leaseDuration()).isEqualTo(Duration.ofSeconds(5));
        assertThat(d.renewInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(d.retryInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(d.clockDriftBound()).isEqualTo(0.01);
    }

    @Test
    void eachSettingIsRangeChecked() {
        assertThatThrownBy(() -> ElectionSettings.defaults().withLeaseDuration(Duration.ofHours(2)))
                .hasMessage("leaseDuration must be between 100ms and 1h: PT2H");
        assertThatThrownBy(() -> ElectionSettings.defaults().withRenewInterval(Duration.ZERO))
                .hasMessageContaining("renewInterval must be > 0");
        assertThatThrownBy(() -> ElectionSettings.defaults().withRenewInterval(Duration.ofMillis(2500)))
                .hasMessageContaining("at most half of leaseDuration");
        assertThatThrownBy(() -> ElectionSettings.defaults().withRetryInterval(Duration.ofSeconds(6)))
                .hasMessage("retryInterval must be > 0 and at most leaseDuration (PT5S): PT6S");
        assertThatThrownBy(() -> ElectionSettings.defaults().withClockDriftBound(-0.1))
                .hasMessage("clockDriftBound must be between 0 and 0.1 (10%): -0.1");
        assertThatThrownBy(() -> ElectionSettings.defaults().withClockDriftBound(Double.NaN))
                .isInstanceOf(InvalidSettingException.class);
        assertThat(ElectionSettings.defaults().withLease(Duration.ofSeconds(1)).renewInterval())
                .isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void namesAreChecked() {
        assertThat(Names.election("weather-writer.v2_eu")).isEqualTo("weather-writer.v2_eu");
        assertThatThrownBy(() -> Names.election(null)).hasMessageContaining("null");
        assertThatThrownBy(() -> Names.election("-x")).hasMessageContaining("'-x'");
        assertThatThrownBy(() -> Names.election("a/b")).hasMessageContaining("'a/b'");
        assertThat(Names.candidate("node-1@host:7001")).isEqualTo("node-1@host:7001");
        assertThatThrownBy(() -> Names.candidate("a b")).hasMessageContaining("candidate id");
        assertThatThrownBy(() -> Names.metadata(Map.of("bad key", "v"))).hasMessageContaining("metadata key");
        assertThat(Names.metadata(Map.of("priority", "10"))).containsEntry("priority", "10");
    }

    @Test
    void cronFiresOnMatchingMinutes() {
        ZonedDateTime t = ZonedDateTime.of(2030, 1, 1, 10, 7, 30, 0, ZoneOffset.UTC); // a Tuesday
        CronSchedule every5 = new CronSchedule("*/5 * * * *", ZoneOffset.UTC);
        assertThat(every5.next(t)).isEqualTo(t.withMinute(10).withSecond(0));
        assertThat(every5.nextDelay(t, null)).isEqualTo(Duration.ofSeconds(150));
        CronSchedule nightly = new CronSchedule("30 2 * * *", ZoneOffset.UTC);
        assertThat(nightly.next(t)).isEqualTo(ZonedDateTime.of(2030, 1, 2, 2, 30, 0, 0, ZoneOffset.UTC));
        CronSchedule weekdays = new CronSchedule("0 9 * * 1-5", ZoneOffset.UTC);
        assertThat(weekdays.next(ZonedDateTime.of(2030, 1, 4, 10, 0, 0, 0, ZoneOffset.UTC))) // Friday after 9
                .isEqualTo(ZonedDateTime.of(2030, 1, 7, 9, 0, 0, 0, ZoneOffset.UTC)); // Monday
        CronSchedule sunday = new CronSchedule("0 0 * * 7", ZoneOffset.UTC);
        assertThat(sunday.next(t).getDayOfWeek()).isEqualTo(java.time.DayOfWeek.SUNDAY);
        CronSchedule list = new CronSchedule("0,30 * 1 1,6 *", ZoneOffset.UTC);
        assertThat(list.next(t)).isEqualTo(t.withMinute(30).withSecond(0));
    }

    @Test
    void badCronIsRefusedWithTheField() {
        assertThatThrownBy(() -> Schedule.cron("* * *")).hasMessageContaining("5 fields");
        assertThatThrownBy(() -> Schedule.cron("61 * * * *")).hasMessageContaining("minute must be 0-59");
        assertThatThrownBy(() -> Schedule.cron("* * * x *")).hasMessageContaining("month is not a number");
        assertThatThrownBy(() -> Schedule.cron("5-1 * * * *")).hasMessageContaining("reversed");
        assertThatThrownBy(() ->
                        Schedule.cron("0 0 31 2 *", ZoneOffset.UTC).nextDelay(ZonedDateTime.now(ZoneOffset.UTC), null))
                .hasMessageContaining("never fires");
    }

    @Test
    void fixedRateMeasuresStartToStart() {
        Schedule s = Schedule.fixedRate(Duration.ofMillis(10), Duration.ofMillis(100));
        assertThat(s.nextDelay(null, null)).isEqualTo(Duration.ofMillis(10));
        assertThat(s.nextDelay(null, Duration.ofMillis(30))).isEqualTo(Duration.ofMillis(70));
        assertThat(s.nextDelay(null, Duration.ofMillis(300))).isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> Schedule.fixedRate(Duration.ZERO, Duration.ZERO))
                .hasMessageContaining("period");
    }
}
