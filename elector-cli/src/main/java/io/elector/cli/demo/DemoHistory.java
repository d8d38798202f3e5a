package io.elector.cli.demo;

import io.elector.api.Leadership;
import io.elector.api.Revocation;
import io.elector.cli.http.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A demo node's history file: one JSON object per line, in the testkit's history format ({@code
 * kind} leadership/write/killed; times in nanoseconds since the epoch on the machine's wall clock),
 * so the demo's summary and the tests' history checker judge the same records.
 */
final class DemoHistory implements AutoCloseable {
    private final BufferedWriter out;
    private final String process;

    DemoHistory(Path file, String process) {
        this.process = process;
        try {
            this.out = Files.newBufferedWriter(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open history file " + file, e);
        }
    }

    static long wallNanos() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /** Wall time of a monotonic instant of this JVM ({@code System.nanoTime()} based runtime). */
    static long toWall(long monoNanos) {
        return wallNanos() - (System.nanoTime() - monoNanos);
    }

    void elected(Leadership l) {
        Map<String, Object> m = base("leadership");
        m.put("election", l.election());
        m.put("candidate", l.candidateId());
        m.put("process", process);
        m.put("token", l.fencingToken());
        m.put("start", toWall(l.electedAtNanos()));
        append(m);
    }

    void revoked(Leadership l, Revocation r) {
        Map<String, Object> m = base("leadership");
        m.put("election", l.election());
        m.put("candidate", l.candidateId());
        m.put("process", process);
        m.put("token", l.fencingToken());
        m.put("start", toWall(l.electedAtNanos()));
        m.put("end", toWall(r.atMonotonicNanos()));
        m.put("reason", r.reason().name());
        append(m);
    }

    void write(String resource, String candidate, long token, boolean accepted) {
        Map<String, Object> m = base("write");
        m.put("resource", resource);
        m.put("candidate", candidate);
        m.put("process", process);
        m.put("token", token);
        m.put("at", wallNanos());
        m.put("accepted", accepted);
        append(m);
    }

    private static Map<String, Object> base(String kind) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind);
        return m;
    }

    private synchronized void append(Map<String, Object> m) {
        try {
            out.write(Json.write(m));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write history", e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            // Closing at exit; nothing left to save.
        }
    }
}
