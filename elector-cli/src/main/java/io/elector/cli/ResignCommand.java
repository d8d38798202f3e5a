package io.elector.cli;

import io.elector.api.LeaderInfo;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code elector resign}: asks the current leader to step down. The leader must serve its HTTP
 * endpoint ({@code elector run --http PORT}); it publishes the address in its metadata.
 */
@Command(
        name = "resign",
        mixinStandardHelpOptions = true,
        description = {
            "Asks the current leader to resign, so that another candidate takes over at once.",
            "The leader must run with --http (it publishes its endpoint in its metadata); or name the endpoint"
                    + " with --endpoint."
        },
        footer = {
            "",
            "Examples:",
            "  elector resign -b postgresql://127.0.0.1:5432/test?user=postgres -e nightly",
            "  elector resign --endpoint http://127.0.0.1:8081",
            "",
            "Exit codes: 0 the leader resigned, 1 nobody leads or the leader did not resign, 2 bad usage."
        })
public final class ResignCommand implements Callable<Integer> {
    @Mixin
    BackendOption where;

    @Option(
            names = "--endpoint",
            paramLabel = "URL",
            description = "The leader's HTTP endpoint; skips looking the leader up in the backend.")
    String endpoint;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            defaultValue = "3s",
            description = "How long to wait for the backend and the leader (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws InterruptedException {
        String target = endpoint;
        if (target == null) {
            try (Observation o = Observation.open(where)) {
                Optional<LeaderInfo> leader = o.awaitLeader(timeout);
                if (leader.isEmpty()) {
                    System.out.println("election " + where.election() + ": nobody leads");
                    return Main.FAILED;
                }
                target = leader.get().metadata().get("endpoint");
                if (target == null) {
                    System.out.println("leader " + leader.get().candidateId()
                            + " publishes no endpoint (start it with --http PORT); cannot ask it to resign");
                    return Main.FAILED;
                }
            }
        }
        URI uri;
        try {
            uri = URI.create(target.replaceAll("/+$", "") + "/resign");
        } catch (IllegalArgumentException e) {
            throw new UsageException("malformed endpoint '" + target + "': " + e.getMessage());
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
        try {
            HttpResponse<String> r = client.send(
                    HttpRequest.newBuilder(uri)
                            .timeout(timeout)
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            boolean resigned = r.statusCode() == 200 && r.body().contains("\"resigned\":true");
            System.out.println(resigned ? "resigned: " + target : "not resigned (" + r.statusCode() + "): " + r.body());
            return resigned ? Main.OK : Main.FAILED;
        } catch (IOException e) {
            System.out.println("cannot reach " + target + ": " + e.getMessage());
            return Main.FAILED;
        }
    }
}
