package io.elector.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.springframework.context.ConfigurableApplicationContext;

/** JSON over HTTP to a web instance on loopback; every call bounded by a timeout. */
final class Http {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Http() {}

    /** GET; null on 404. */
    static JsonNode get(ConfigurableApplicationContext ctx, String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(ctx, path)).GET());
    }

    /** POST with an empty JSON body; null on 404. */
    static JsonNode post(ConfigurableApplicationContext ctx, String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(ctx, path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
    }

    private static URI uri(ConfigurableApplicationContext ctx, String path) {
        return URI.create("http://127.0.0.1:" + Instances.port(ctx) + path);
    }

    private static JsonNode send(HttpRequest.Builder b) throws IOException, InterruptedException {
        HttpResponse<String> r =
                CLIENT.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 404) {
            return null;
        }
        // Health answers 503 when DOWN, with the same body.
        assertThat(r.statusCode()).as(r.body()).isIn(200, 503);
        return JSON.readTree(r.body());
    }
}
