package io.elector.cli.demo;

import java.time.Instant;

/**
 * One weather observation.
 *
 * @param station where it was observed
 * @param temperatureC air temperature in degrees Celsius
 * @param humidityPct relative humidity in percent
 * @param observedAt when the station observed it
 * @param source {@code simulated} or {@code openweathermap}
 */
public record WeatherReading(String station, double temperatureC, int humidityPct, Instant observedAt, String source) {}
