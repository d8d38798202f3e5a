package io.elector.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * The OpenWeatherMap current-weather API ({@code GET /data/2.5/weather?q=CITY&appid=KEY&units=metric}).
 * Every request has a timeout; an error status or a body without {@code main.temp} is an {@link
 * IOException} whose message never contains the API key.
 */
public final class OpenWeatherMapSource implements WeatherSource {
    /** The public API; tests point the source at a local server instead. */
    public static final String DEFAULT_BASE_URL = "https://api.openweathermap.org";

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client;
    private final String baseUrl;
    private final String apiKey;
    private final String city;
    private final Duration timeout;

    public OpenWeatherMapSource(String baseUrl, String apiKey, String city, Duration timeout) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.apiKey = apiKey;
        this.city = city;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public String label() {
        return "openweathermap";
    }

    @Override
    public WeatherReading fetch() throws IOException, InterruptedException {
        URI uri = URI.create(baseUrl + "/data/2.5/weather?q=" + URLEncoder.encode(city, StandardCharsets.UTF_8)
                + "&units=metric&appid=" + URLEncoder.encode(apiKey, StandardCharsets.UTF_8));
        HttpResponse<String> r;
        try {
            r = client.send(
                    HttpRequest.newBuilder(uri)
                            .timeout(timeout)
                            .header("Accept", "application/json")
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IOException("OpenWeatherMap unreachable at " + baseUrl + ": "
                    + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage().replace(apiKey, "****")));
        }
        if (r.statusCode() != 200) {
            throw new IOException("OpenWeatherMap answered HTTP " + r.statusCode() + " for city '" + city + "'"
                    + (r.statusCode() == 401 ? " (invalid API key?)" : ""));
        }
        return parse(r.body());
    }

    /** Parses a current-weather response. */
    WeatherReading parse(String body) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new IOException("OpenWeatherMap sent a body that is not JSON");
        }
        JsonNode main = root.path("main");
        if (!main.path("temp").isNumber()) {
            throw new IOException("OpenWeatherMap response has no main.temp");
        }
        String name = root.path("name").asText(city);
        long dt = root.path("dt").asLong(Instant.now().getEpochSecond());
        return new WeatherReading(
                name.isBlank() ? city : name,
                main.path("temp").asDouble(),
                main.path("humidity").asInt(0),
                Instant.ofEpochSecond(dt),
                label());
    }
}
