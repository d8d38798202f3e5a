package io.elector.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
    private final DurationConverter c = new DurationConverter();

    @Test
    void parsesShortFormsAndIso() {
        assertThat(c.convert("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(c.convert("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.convert("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(c.convert("PT1.5S")).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void rejectsWhatIsNotADuration() {
        assertThatThrownBy(() -> c.convert("5 seconds"))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("'5 seconds' is not a duration");
        assertThatThrownBy(() -> c.convert("-5s")).isInstanceOf(TypeConversionException.class);
    }
}
