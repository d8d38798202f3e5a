package io.elector.spring;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts application contexts ("instances") of one test application in this JVM and closes them after the test. */
final class Instances implements AutoCloseable {
    private final Class<?> app;
    private final Map<String, Object> common;
    private final List<ConfigurableApplicationContext> started = new ArrayList<>();

    Instances(Class<?> app, Map<String, Object> common) {
        this.app = app;
        this.common = common;
    }

    /** Starts an instance with candidate id {@code id} and the given extra properties. */
    ConfigurableApplicationContext start(String id, String... properties) {
        return start(WebApplicationType.NONE, id, properties);
    }

    /** Starts a web instance on a free loopback port (read it with {@link #port}). */
    ConfigurableApplicationContext startWeb(String id, String... properties) {
        String[] all = java.util.Arrays.copyOf(properties, properties.length + 2);
        all[properties.length] = "server.port=0";
        all[properties.length + 1] = "server.address=127.0.0.1";
        return start(WebApplicationType.SERVLET, id, all);
    }

    static int port(ConfigurableApplicationContext ctx) {
        return Integer.parseInt(ctx.getEnvironment().getRequiredProperty("local.server.port"));
    }

    private ConfigurableApplicationContext start(WebApplicationType web, String id, String... properties) {
        List<String> args = new ArrayList<>();
        common.forEach((k, v) -> args.add("--" + k + "=" + v));
        args.add("--elector.candidate-id=" + id);
        args.add("--spring.application.name=" + id);
        for (String p : properties) {
            args.add("--" + p);
        }
        ConfigurableApplicationContext ctx =
                new SpringApplicationBuilder(app).web(web).logStartupInfo(false).run(args.toArray(String[]::new));
        started.add(ctx);
        return ctx;
    }

    @Override
    public void close() {
        for (ConfigurableApplicationContext c : started) {
            c.close();
        }
    }
}
