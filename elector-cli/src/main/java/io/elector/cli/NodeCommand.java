package io.elector.cli;

import io.elector.api.Leadership;
import io.elector.api.LeadershipListener;
import io.elector.api.Revocation;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code elector node}: one long-running candidate, typically one node of the embedded Raft cluster. */
@Command(
        name = "node",
        mixinStandardHelpOptions = true,
        description = {
            "Runs one candidate until stopped (SIGTERM/SIGINT), logging each leadership change:"
                    + " typically one node of an embedded Raft cluster. With --http it serves /health, /leader,"
                    + " /metrics and a live status page.",
            "The Raft cluster secret comes from ELECTOR_RAFT_SECRET (or ?secret= in the URI)."
        },
        footer = {
            "",
            "Example (three terminals, N = 1, 2, 3):",
            "  export ELECTOR_RAFT_SECRET=change-me-to-16-bytes-or-more",
            "  elector node -b 'raft://127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003?node=N' -e weather \\",
            "      --candidate node-N --http 808N",
            "",
            "Exit codes: 0 stopped, 2 bad usage or configuration (e.g. port in use, no secret)."
        })
public final class NodeCommand implements Callable<Integer> {
    @Mixin
    BackendOption where;

    @Mixin
    CandidateOptions who;

    @Override
    public Integer call() throws InterruptedException {
        Candidacy candidacy = Candidacy.join(where, who);
        EventLog log = new EventLog(System.out, candidacy.election().candidateId());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            log.event("stopping");
                            candidacy.close();
                            stopped.countDown();
                        },
                        "elector-shutdown"));
        candidacy.server().ifPresent(s -> log.event("status page at " + s.url() + "/"));
        log.event("candidate in election '" + candidacy.election().name() + "' on " + candidacy.backendRedacted());
        candidacy.election().addListener(new LeadershipListener() {
            @Override
            public void elected(Leadership l) {
                log.event("elected: token=" + l.fencingToken());
            }

            @Override
            public void revoked(Leadership l, Revocation r) {
                log.event("revoked: token=" + l.fencingToken() + " reason=" + r.reason());
            }
        });
        candidacy
                .election()
                .watchLeader(v -> log.event(v.map(i -> "leader is " + i.candidateId() + " token=" + i.fencingToken())
                        .orElse("no leader")));
        stopped.await();
        return Main.OK;
    }
}
