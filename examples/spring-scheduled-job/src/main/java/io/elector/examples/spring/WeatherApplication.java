package io.elector.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Run two or more of these against one database: only the leader writes readings, each under its
 * fencing token; stop the leader and another instance takes over within about one round trip.
 */
@SpringBootApplication
@EnableScheduling
public class WeatherApplication {
    public static void main(String[] args) {
        SpringApplication.run(WeatherApplication.class, args);
    }
}
