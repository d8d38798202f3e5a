package io.elector.azure;

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
 * One benchmark candidate process: {@code AzureBenchCandidate <container> <id> <election>}, with the
 * connection string in env {@code AZURE_STORAGE_CONNECTION_STRING}. Joins with {@link
 * AzureBackend#defaultSettings()} and prints {@code READY}, {@code ELECTED token}, {@code REVOKED
 * token}. Reads commands from stdin ({@code RESIGN}); exits when stdin closes, so it never outlives
 * the benchmark.
 */
public final class AzureBenchCandidate {
    private AzureBenchCandidate() {}

    public static void main(String[] args) throws Exception {
        String container = args[0];
        String id = args[1];
        String name = args[2];
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        AzureStoreConfig config = AzureStoreConfig.connectionString(System.getenv("AZURE_STORAGE_CONNECTION_STRING"))
                .withContainer(container);
        try (Elector elector = Elector.builder(AzureBackend.create(config))
                .candidateId(id)
                .settings(AzureBackend.defaultSettings())
                .closeBackendOnClose(true)
                .build()) {
            Election e = elector.join(name);
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
            String line;
            while ((line = in.readLine()) != null) {
                if (line.equals("RESIGN")) {
                    e.resign();
                }
            }
        }
    }
}
