package io.elector.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.elector.api.Election;
import io.elector.api.ElectionSettings;
import io.elector.api.Leadership;
import io.elector.api.LeadershipListener;
import io.elector.api.Revocation;
import io.elector.core.Elector;
import io.elector.core.LeaseBackend;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One candidate process of {@link JdbcBenchmark}: joins elections on a database and reports on
 * stdout. Lines: {@code ELECTED <election> <token> <epochMicros>}, {@code REVOKED ...}, {@code
 * RESIGNING <epochMicros>}, {@code STATS <held> <lost> <statements> <cpuNanos> <epochMicros>}.
 * Reads {@code RESIGN} and {@code QUIT} on stdin.
 *
 * <p>Args: uri id elections leaseMillis(0 = defaults) statementTimeoutMillis verbose(true|false)
 */
public final class BenchCandidate {
    private BenchCandidate() {}

    static long micros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }

    public static void main(String[] args) throws Exception {
        String uriText = args[0];
        String id = args[1];
        int elections = Integer.parseInt(args[2]);
        long leaseMillis = Long.parseLong(args[3]);
        Duration timeout = Duration.ofMillis(Long.parseLong(args[4]));
        boolean verbose = Boolean.parseBoolean(args[5]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

        JdbcUri uri = JdbcUri.parse(uriText);
        uri = uri.withJdbcUrl(uri.jdbcUrl(), timeout);
        HikariDataSource pool = JdbcBackend.dataSource(uri);
        CountingDataSource counting = new CountingDataSource(pool);
        JdbcLeaseStore store = JdbcLeaseStore.builder(counting)
                .table(uri.table())
                .statementTimeout(timeout)
                // ELECTOR_RELEASE_NOTIFICATIONS=false: the polling-only control run.
                .releaseNotifications(!"false".equalsIgnoreCase(System.getenv("ELECTOR_RELEASE_NOTIFICATIONS")))
                .closing(pool)
                .build();
        ElectionSettings settings = leaseMillis == 0
                ? ElectionSettings.defaults()
                : ElectionSettings.defaults().withLease(Duration.ofMillis(leaseMillis));
        Elector elector = Elector.builder(LeaseBackend.of(store))
                .candidateId(id)
                .settings(settings)
                .closeBackendOnClose(true)
                .build();
        AtomicInteger held = new AtomicInteger();
        AtomicLong lost = new AtomicLong();
        List<Election> joined = new ArrayList<>();
        LeadershipListener listener = new LeadershipListener() {
            @Override
            public void elected(Leadership l) {
                held.incrementAndGet();
                if (verbose) {
                    out.println("ELECTED " + l.election() + " " + l.fencingToken() + " " + micros());
                }
            }

            @Override
            public void revoked(Leadership l, Revocation r) {
                held.decrementAndGet();
                lost.incrementAndGet();
                if (verbose) {
                    out.println("REVOKED " + l.election() + " " + l.fencingToken() + " " + micros() + " " + r);
                }
            }
        };
        for (int i = 0; i < elections; i++) {
            Election e = elector.join("bench-" + i);
            e.addListener(listener);
            joined.add(e);
        }
        Thread stats = new Thread(() -> {
            var bean = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            while (!Thread.currentThread().isInterrupted()) {
                out.println("STATS " + held.get() + " " + lost.get() + " " + counting.statements() + " "
                        + bean.getProcessCpuTime() + " " + micros());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        stats.setDaemon(true);
        stats.start();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("RESIGN")) {
                out.println("RESIGNING " + micros());
                for (Election e : joined) {
                    if (e.isLeader()) {
                        e.resign();
                    }
                }
            } else if (line.equals("QUIT")) {
                break;
            }
        }
        elector.close();
        System.exit(0);
    }
}
