package io.elector.raft;

import io.elector.api.Election;
import io.elector.api.Leadership;
import io.elector.api.LeadershipListener;
import io.elector.api.Revocation;
import io.elector.core.Elector;
import io.elector.testkit.history.HistoryRecorder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * One Raft node in its own JVM, for multi-process tests and the benchmark. Arguments: the backend
 * URI ({@code raft://...?node=N&state=DIR}), the process name, a history file, and the number of
 * elections ({@code e0..eK-1}). Prints {@code READY}, then {@code ELECTED <election> <token>
 * <nanoTime>} and {@code REVOKED <election> <token> <nanoTime> <reason>} lines (System.nanoTime is
 * CLOCK_MONOTONIC, comparable across the processes of one Linux machine). Reads commands on
 * stdin: {@code RESIGN <election>}, {@code EXIT}; exits when stdin closes (its parent is gone).
 */
public final class RaftNodeProcess {
    private RaftNodeProcess() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: RaftNodeProcess <raft-uri> <process-name> <history-file> <elections>");
            System.exit(2);
        }
        String uri = args[0];
        String process = args[1];
        int count = Integer.parseInt(args[3]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        RaftBackend backend = RaftUri.parse(uri).build();
        Map<String, Election> elections = new HashMap<>();
        try (HistoryRecorder recorder = HistoryRecorder.toFile(process, Path.of(args[2]));
                Elector elector = Elector.builder(backend)
                        .candidateId("n" + backend.nodeId())
                        .build()) {
            for (int i = 0; i < count; i++) {
                String name = "e" + i;
                Election e = elector.join(name);
                elections.put(name, e);
                // The line the benchmark times is printed by the first listener, so that the
                // history recorder's JSON writing (slow on a fresh JVM's first leadership) is
                // not counted as failover time.
                e.addListener(new LeadershipListener() {
                    @Override
                    public void elected(Leadership l) {
                        out.println("ELECTED " + name + " " + l.fencingToken() + " " + System.nanoTime());
                    }

                    @Override
                    public void revoked(Leadership l, Revocation r) {
                        out.println("REVOKED " + name + " " + l.fencingToken() + " " + System.nanoTime() + " "
                                + r.reason());
                    }
                });
            }
            for (Map.Entry<String, Election> en : elections.entrySet()) {
                recorder.record(en.getValue(), elector.runtime().time());
            }
            out.println("READY " + ProcessHandle.current().pid());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.equals("EXIT")) {
                    break;
                }
                if (line.startsWith("RESIGN ")) {
                    Election e = elections.get(line.substring(7).trim());
                    if (e != null) {
                        e.resign();
                    }
                }
            }
        }
        System.exit(0);
    }
}
