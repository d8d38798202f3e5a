package io.elector.cli;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options of a command that takes part in an election: who, with what lease, and its HTTP endpoint. */
public final class CandidateOptions {
    @Option(
            names = "--candidate",
            paramLabel = "ID",
            description = "Candidate id, unique among candidates (default: host-pid).")
    String candidate;

    @Option(
            names = "--lease",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            defaultValue = "5s",
            description = "Lease of lease-style backends (renew every lease/5, retry every lease/10;"
                    + " default: ${DEFAULT-VALUE}). Raft uses its own timing.")
    Duration lease;

    @Option(
            names = "--metadata",
            paramLabel = "KEY=VALUE",
            description = "Metadata published with this candidate's leaderships (repeatable).")
    Map<String, String> metadata = new LinkedHashMap<>();

    @Option(
            names = "--http",
            paramLabel = "PORT",
            description = "Serve /health, /leader, /metrics and a status page on this port (0: any free port).")
    Integer httpPort;

    @Option(
            names = "--http-bind",
            paramLabel = "ADDRESS",
            defaultValue = "127.0.0.1",
            description = "Address the HTTP endpoint binds to (default: ${DEFAULT-VALUE}).")
    String httpBind;

    /** Options given in code: a candidate id, the default lease and an HTTP port (null: none). */
    public static CandidateOptions of(String candidate, Integer httpPort) {
        CandidateOptions o = new CandidateOptions();
        o.candidate = candidate;
        o.lease = Duration.ofSeconds(5);
        o.httpPort = httpPort;
        o.httpBind = "127.0.0.1";
        return o;
    }

    /** The lease given with {@code --lease}. */
    public Duration lease() {
        return lease;
    }
}
