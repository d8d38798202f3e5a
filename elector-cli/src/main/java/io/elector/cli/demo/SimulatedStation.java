package io.elector.cli.demo;

import java.time.Clock;
import java.time.Instant;

/**
 * A deterministic simulated weather station: the reading for a given second is always the same
 * (a daily temperature curve plus a slow wobble), whichever node produces it. Labelled {@code
 * simulated} everywhere it is shown.
 */
public final class SimulatedStation implements WeatherSource {
    private final String station;
    private final Clock clock;

    public SimulatedStation(String station, Clock clock) {
        this.station = station;
        this.clock = clock;
    }

    /** The simulated station "Simulated Station (Oslo)" on the system clock. */
    public static SimulatedStation standard() {
        return new SimulatedStation("Simulated Station (Oslo)", Clock.systemUTC());
    }

    @Override
    public String label() {
        return "simulated";
    }

    @Override
    public WeatherReading fetch() {
        return at(clock.instant());
    }

    /** The reading for the second containing {@code t}. */
    public WeatherReading at(Instant t) {
        long s = t.getEpochSecond();
        double dayAngle = 2 * Math.PI * (s % 86_400) / 86_400.0;
        double temperature = 8 - 6 * Math.cos(dayAngle) + 1.5 * Math.sin(s / 7.0);
        int humidity = (int) Math.round(70 + 15 * Math.cos(dayAngle) + 5 * Math.sin(s / 11.0));
        return new WeatherReading(
                station, Math.round(temperature * 10) / 10.0, humidity, Instant.ofEpochSecond(s), label());
    }
}
