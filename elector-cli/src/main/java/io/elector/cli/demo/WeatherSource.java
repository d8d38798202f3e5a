package io.elector.cli.demo;

import java.io.IOException;

/** Where the demo's leader gets its readings. */
public interface WeatherSource {

    /** A short label for output: {@code simulated} or {@code openweathermap}. */
    String label();

    /**
     * The current reading.
     *
     * @throws IOException when the source cannot be reached or answers with something unusable
     * @throws InterruptedException when the calling thread is interrupted (leadership lost)
     */
    WeatherReading fetch() throws IOException, InterruptedException;
}
