package io.elector.examples.spring;

import io.elector.jdbc.JdbcFencedResource;
import io.elector.spring.CurrentLeadership;
import io.elector.spring.Elections;
import io.elector.spring.LeaderOnly;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The job that must run on one instance only: every second the leader writes a reading. The write
 * is fenced: the guard inside the transaction refuses it if a newer leader has written, so an
 * instance paused past its lease cannot write over its successor.
 */
@Component
public class ReadingWriter {
    private final DataSource dataSource;
    private final JdbcFencedResource readings;
    private final String instance;
    private final AtomicLong written = new AtomicLong();

    public ReadingWriter(DataSource dataSource, Elections elections) throws SQLException {
        this.dataSource = dataSource;
        this.readings = JdbcFencedResource.create(dataSource, "weather-readings");
        this.instance = elections.candidateId();
    }

    @Scheduled(fixedRateString = "${weather.rate:1s}")
    @LeaderOnly("weather-writer")
    public void writeReading() throws SQLException {
        long token = CurrentLeadership.fencingToken();
        try (Connection c = dataSource.getConnection()) {
            readings.guard(token).write(c, tx -> {
                try (PreparedStatement ps = tx.prepareStatement(
                        "INSERT INTO reading (token, written_by, written_at, celsius) VALUES (?, ?, ?, ?)")) {
                    ps.setLong(1, token);
                    ps.setString(2, instance);
                    ps.setTimestamp(3, Timestamp.from(Instant.now()));
                    ps.setDouble(4, 20 + Math.random() * 5);
                    return ps.executeUpdate();
                }
            });
        }
        written.incrementAndGet();
    }

    /** Readings this instance wrote. */
    public long written() {
        return written.get();
    }
}
