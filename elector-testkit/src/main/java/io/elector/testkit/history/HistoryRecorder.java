package io.elector.testkit.history;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.elector.api.Election;
import io.elector.api.Leadership;
import io.elector.api.LeadershipListener;
import io.elector.api.Registration;
import io.elector.api.Revocation;
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

    private HistoryRecorder(String process, Writer out) {
        this.process = process;
        this.out = out;
    }

    /** A recorder that keeps records in memory only. */
    public static HistoryRecorder inMemory(String process) {
        return new HistoryRecorder(process, null);
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
            @Override
            public void elected(Leadership l) {
                append(HistoryRecord.leadershipStart(
                        l.election(), l.candidateId(), process, l.fencingToken(), toWall(time, l.electedAtNanos())));
            }

            @Override
            public void revoked(Leadership l, Revocation r) {
                append(HistoryRecord.leadership(
                        l.election(),
                        l.candidateId(),
                        process,
                        l.fencingToken(),
                        toWall(time, l.electedAtNanos()),
                        toWall(time, r.atMonotonicNanos()),
                        r.reason().name()));
            }
        });
    }

    /** Records a fenced write attempt made now. */
    public void write(String resource, String candidate, long token, boolean accepted) {
        append(HistoryRecord.write(resource, candidate, process, token, Wall.nowNanos(), accepted));
    }

    /** Records a fenced write attempt made at {@code atWallNanos}. */
    public void write(String resource, String candidate, long token, boolean accepted, long atWallNanos) {
        append(HistoryRecord.write(resource, candidate, process, token, atWallNanos, accepted));
    }

    /** Records that the harness killed {@code process} now. */
    public void killed(String killedProcess) {
        append(HistoryRecord.killed(killedProcess, Wall.nowNanos()));
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

    static long toWall(TimeSource time, long monoEvent) {
        long monoNow = time.monotonicNanos();
        long wallNow = Wall.nowNanos();
        return wallNow - (monoNow - monoEvent);
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
