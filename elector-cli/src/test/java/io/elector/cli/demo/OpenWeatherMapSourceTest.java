package io.elector.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OpenWeatherMap client against a local HTTP server that answers as the real API does. */
class OpenWeatherMapSourceTest {
    private static final String KEY = "test-key-123";
    private HttpServer server;
    private final List<String> queries = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String body = "";

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/data/2.5/weather", ex -> {
            queries.add(ex.getRequestURI().getRawQuery());
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private OpenWeatherMapSource source() {
        return new OpenWeatherMapSource(
                "http://127.0.0.1:" + server.getAddress().getPort(), KEY, "Bergen", Duration.ofSeconds(5));
    }

    @Test
    void readsTemperatureHumidityStationAndTimeFromTheCurrentWeatherResponse() throws Exception {
        body = "{\"coord\":{\"lon\":5.32,\"lat\":60.39},\"weather\":[{\"main\":\"Rain\"}],"
                + "\"main\":{\"temp\":7.25,\"feels_like\":4.1,\"humidity\":93,\"pressure\":1003},"
                + "\"dt\":1764120000,\"name\":\"Bergen\",\"cod\":200}";
        WeatherReading r = source().fetch();
        assertThat(r.station()).isEqualTo("Bergen");
        assertThat(r.temperatureC()).isEqualTo(7.25);
        assertThat(r.humidityPct()).isEqualTo(93);
        assertThat(r.observedAt()).isEqualTo(Instant.ofEpochSecond(1764120000));
        assertThat(r.source()).isEqualTo("openweathermap");
        assertThat(queries).singleElement().asString().contains("q=Bergen", "units=metric", "appid=" + KEY);
    }

    @Test
    void aRejectedKeyIsAnErrorThatDoesNotShowTheKey() {
        status = 401;
        body = "{\"cod\":401,\"message\":\"Invalid API key\"}";
        assertThatThrownBy(() -> source().fetch())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("invalid API key")
                .hasMessageNotContaining(KEY);
    }

    @Test
    void aBodyWithoutATemperatureIsAnError() {
        body = "{\"cod\":200,\"name\":\"Bergen\"}";
        assertThatThrownBy(() -> source().fetch())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("main.temp");
        body = "<html>gateway error</html>";
        assertThatThrownBy(() -> source().fetch())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not JSON");
    }

    @Test
    void anUnreachableServerIsAnErrorThatDoesNotShowTheKey() {
        int port = server.getAddress().getPort();
        server.stop(0);
        OpenWeatherMapSource s =
                new OpenWeatherMapSource("http://127.0.0.1:" + port, KEY, "Bergen", Duration.ofSeconds(2));
        assertThatThrownBy(s::fetch)
                .isInstanceOf(IOException.class)
                .hasMessageContaining("unreachable")
                .hasMessageNotContaining(KEY);
    }

    @Test
    void theSimulatedStationIsDeterministicAndLabelled() {
        SimulatedStation a = SimulatedStation.standard();
        Instant t = Instant.parse("2026-11-26T12:00:00.700Z");
        assertThat(a.at(t)).isEqualTo(a.at(Instant.parse("2026-11-26T12:00:00Z")));
        assertThat(a.at(t).source()).isEqualTo("simulated");
        assertThat(a.at(t).station()).contains("Simulated");
        assertThat(a.at(t).temperatureC()).isBetween(-10.0, 30.0);
        assertThat(a.at(t).humidityPct()).isBetween(0, 100);
    }
}
