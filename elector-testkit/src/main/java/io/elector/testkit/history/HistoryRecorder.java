package io.elector.testkit.history;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.elector.api.Election;
import io.elector.api.Leadership;
import io.elector.api.LeadershipListener;
import io.elector.api.Registration;
import io.elector.api.Revocation;
import io.elector.time.DriftingTimeSource;
import io.elector.time.TimeSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Records one process's leaderships and fenced writes, in memory and optionally as JSON lines in a
 * file (flushed per line, so a killed process loses nothing it recorded).
 *
 * <p>Leadership times are converted from the elector's monotonic clock to real wall time at the
 * moment of recording: {@code wall = wallNow - (monoNow - monoEvent)}. The start is when the
 * process began to treat the leadership as valid; the end is when it stopped, or its deadline if
 * that came first.
 */
public final class HistoryRecorder implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String process;
    private final Writer out;
    private final List<HistoryRecord> records = new ArrayList<>();
    private final TimeSource truth;

    private HistoryRecorder(String process, Writer out, TimeSource truth) {
        this.process = process;
        this.out = out;
        this.truth = truth;
    }

    private HistoryRecorder(String process, Writer out) {
        this(process, out, null);
    }

    /** A recorder that keeps records in memory only. */
    public static HistoryRecorder inMemory(String process) {
        return new HistoryRecorder(process, null);
    }

    /**
     * A recorder in memory whose notion of real time is {@code truth} (a fake clock standing for
     * real time in a simulation) instead of the machine's wall clock.
     */
    public static HistoryRecorder simulated(String process, TimeSource truth) {
        return new HistoryRecorder(process, null, truth);
    }

    /** A recorder that also appends JSON lines to {@code file}. */
    public static HistoryRecorder toFile(String process, Path file) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Writer w = Files.newBufferedWriter(
                    file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return new HistoryRecorder(process, w);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open history file " + file, e);
        }
    }

    /** Records every leadership of {@code election}, whose monotonic clock is {@code time}. */
    public Registration record(Election election, TimeSource time) {
        return election.addListener(new LeadershipListener() {
            // The start is converted when it is heard, not at the end: converting a long span of a
            // drifting monotonic clock would carry the drift into the record.
            private long start;

            @Override
            public void elected(Leadership l) {
                start = toWall(time, l.electedAtNanos());
                append(HistoryRecord.leadershipStart(l.election(), l.candidateId(), process, l.fencingToken(), start));
            }

            @Override
            public void revoked(Leadership l, Revocation r) {
                append(HistoryRecord.leadership(
                        l.election(),
                        l.candidateId(),
                        process,
                        l.fencingToken(),
                        start,
                        toWall(time, r.atMonotonicNanos()),
                        r.reason().name()));
            }
        });
    }

    /** Records a fenced write attempt made now. */
    public void write(String resource, String candidate, long token, boolean accepted) {
        append(HistoryRecord.write(resource, candidate, process, token, nowNanos(), accepted));
    }

    /** Records a fenced write attempt made at {@code atWallNanos}. */
    public void write(String resource, String candidate, long token, boolean accepted, long atWallNanos) {
        append(HistoryRecord.write(resource, candidate, process, token, atWallNanos, accepted));
    }

    /** Records that the harness killed {@code process} now. */
    public void killed(String killedProcess) {
        append(HistoryRecord.killed(killedProcess, nowNanos()));
    }

    /** Appends a raw record. */
    public synchronized void append(HistoryRecord r) {
        records.add(r);
        if (out != null) {
            try {
                out.write(JSON.writeValueAsString(r));
                out.write('\n');
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write history", e);
            }
        }
    }

    /** Everything recorded so far. */
    public synchronized List<HistoryRecord> records() {
        return List.copyOf(records);
    }

    /**
     * The real wall time of {@code monoEvent}, a reading of {@code time}'s monotonic clock. For a
     * {@link DriftingTimeSource} (verify's clock faults) the event is first mapped back to the true
     * clock: a revocation heard long after its deadline (a process paused past it) would otherwise
     * be dated off by the drift over that span (1 % of a 1 s pause is 10 ms), enough to show an
     * overlap that did not happen or to hide one that did.
     */
    long toWall(TimeSource time, long monoEvent) {
        if (time instanceof DriftingTimeSource d) {
            TimeSource base = d.base();
            return nowNanos() - (base.monotonicNanos() - d.baseNanos(monoEvent));
        }
        long monoNow = time.monotonicNanos();
        return nowNanos() - (monoNow - monoEvent);
    }

    private long nowNanos() {
        if (truth == null) {
            return Wall.nowNanos();
        }
        java.time.Instant i = truth.wallTime();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
