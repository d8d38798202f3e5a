package io.elector.etcd;

import io.elector.api.Election;
import io.elector.api.Leadership;
import io.elector.api.LeadershipListener;
import io.elector.api.Revocation;
import io.elector.core.Elector;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One benchmark candidate JVM: {@code EtcdBenchCandidate <host:port> <id> <election>}, our backend
 * with its defaults (TTL 3 s). Prints {@code READY}, then {@code ELECTED <token>} / {@code REVOKED
 * <token>}; exits when stdin closes.
 */
public final class EtcdBenchCandidate {
    private EtcdBenchCandidate() {}

    public static void main(String[] args) throws Exception {
        String endpoint = args[0];
        String id = args[1];
        String election = args[2];
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (Elector elector = Elector.builder(EtcdBackend.create(EtcdConfig.of(endpoint)))
                .candidateId(id)
                .closeBackendOnClose(true)
                .build()) {
            Election e = elector.join(election);
            e.addListener(new LeadershipListener() {
                @Override
                public void elected(Leadership l) {
                    out.println("ELECTED " + l.fencingToken());
                }

                @Override
                public void revoked(Leadership l, Revocation r) {
                    out.println("REVOKED " + l.fencingToken());
                }
            });
            out.println("READY");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                // no commands
            }
        }
    }
}
