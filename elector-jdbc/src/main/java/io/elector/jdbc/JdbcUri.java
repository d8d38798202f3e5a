package io.elector.jdbc;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A database backend URI as the CLI, config files and Spring properties write it, parsed into a
 * JDBC URL and credentials:
 *
 * <ul>
 *   <li>{@code postgresql://127.0.0.1:5432/test?user=postgres} (also {@code postgres://})
 *   <li>{@code mysql://root@127.0.0.1:3306/test} (also {@code mariadb://}; MariaDB Connector/J)
 *   <li>{@code h2:tcp://127.0.0.1:9092/./elector}, {@code h2:mem:name}, {@code h2:file:/path}
 *   <li>any {@code jdbc:postgresql:}, {@code jdbc:mariadb:}, {@code jdbc:mysql:} or {@code jdbc:h2:} URL
 * </ul>
 *
 * <p>The user and password come from the URI ({@code user:password@host} or {@code ?user=&password=}),
 * else from the environment: {@code ELECTOR_DB_USER} / {@code ELECTOR_DB_PASSWORD}, then {@code
 * PGUSER} / {@code PGPASSWORD} (PostgreSQL) or {@code MYSQL_PWD} (MySQL). Query options {@code
 * table} (lease table) and {@code statementTimeout} (milliseconds or ISO-8601) configure the store;
 * any other query option is passed to the driver. {@link #toString()} never shows the password.
 */
public final class JdbcUri {
    private final String kind;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String table;
    private final Duration statementTimeout;
    private final Map<String, String> driverProperties;
    private final String redacted;

    private JdbcUri(
            String kind,
            String jdbcUrl,
            String user,
            String password,
            String table,
            Duration statementTimeout,
            Map<String, String> driverProperties,
            String redacted) {
        this.kind = kind;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.table = table;
        this.statementTimeout = statementTimeout;
        this.driverProperties = Map.copyOf(driverProperties);
        this.redacted = redacted;
    }

    /** True if {@code uri} names a database this module serves. */
    public static boolean handles(String uri) {
        if (uri == null) {
            return false;
        }
        String u = uri.toLowerCase(Locale.ROOT);
        return u.startsWith("postgresql://")
                || u.startsWith("postgres://")
                || u.startsWith("mysql://")
                || u.startsWith("mariadb://")
                || u.startsWith("h2:")
                || u.startsWith("jdbc:postgresql:")
                || u.startsWith("jdbc:mysql:")
                || u.startsWith("jdbc:mariadb:")
                || u.startsWith("jdbc:h2:");
    }

    /** Parses {@code uri}, taking credentials missing from it from the process environment. */
    public static JdbcUri parse(String uri) {
        return parse(uri, System::getenv);
    }

    /** Parses {@code uri}, taking credentials missing from it from {@code env}. */
    public static JdbcUri parse(String uri, Function<String, String> env) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(env, "env");
        if (!handles(uri)) {
            throw new IllegalArgumentException("not a database backend URI (expected postgresql://, mysql://,"
                    + " mariadb://, h2: or jdbc:...): " + redact(uri));
        }
        String u = uri.startsWith("jdbc:") ? uri.substring(5) : uri;
        String lower = u.toLowerCase(Locale.ROOT);
        if (lower.startsWith("h2:")) {
            return parseH2(u, env);
        }
        String kind = lower.startsWith("postgres") ? "postgresql" : "mysql";
        URI parsed;
        try {
            parsed = new URI(u);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("malformed database URI: " + redact(uri) + " (" + e.getReason() + ")");
        }
        if (parsed.getHost() == null) {
            throw new IllegalArgumentException("database URI needs a host: " + redact(uri));
        }
        Map<String, String> query = query(parsed.getRawQuery());
        String user = query.remove("user");
        String password = query.remove("password");
        if (parsed.getRawUserInfo() != null) {
            String[] ui = parsed.getRawUserInfo().split(":", 2);
            user = decode(ui[0]);
            if (ui.length == 2) {
                password = decode(ui[1]);
            }
        }
        if (user == null) {
            user = firstNonEmpty(env.apply("ELECTOR_DB_USER"), kind.equals("postgresql") ? env.apply("PGUSER") : null);
        }
        if (password == null) {
            password = firstNonEmpty(
                    env.apply("ELECTOR_DB_PASSWORD"),
                    kind.equals("postgresql") ? env.apply("PGPASSWORD") : env.apply("MYSQL_PWD"));
        }
        String table = Schema.checkTableName("table", query.getOrDefault("table", JdbcLeaseStore.DEFAULT_TABLE));
        query.remove("table");
        Duration timeout = timeout(query.remove("statementTimeout"));
        int port = parsed.getPort() > 0 ? parsed.getPort() : (kind.equals("postgresql") ? 5432 : 3306);
        String path = parsed.getRawPath() == null ? "" : parsed.getRawPath();
        String jdbc = "jdbc:" + (kind.equals("postgresql") ? "postgresql" : "mariadb") + "://" + parsed.getHost() + ":"
                + port + path;
        return new JdbcUri(kind, jdbc, user, password, table, timeout, query, redact(uri));
    }

    private static JdbcUri parseH2(String u, Function<String, String> env) {
        String rest = u.substring(3);
        Map<String, String> query = new LinkedHashMap<>();
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = query(rest.substring(q + 1));
            rest = rest.substring(0, q);
        }
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("h2 URI needs a database, e.g. h2:mem:elector: h2:");
        }
        if (rest.startsWith("mem:") && !rest.toUpperCase(Locale.ROOT).contains("DB_CLOSE_DELAY")) {
            // Keep an in-memory database alive while the pool cycles its connections.
            rest = rest + ";DB_CLOSE_DELAY=-1";
        }
        String user = firstNonEmpty(query.remove("user"), env.apply("ELECTOR_DB_USER"));
        String password = firstNonEmpty(query.remove("password"), env.apply("ELECTOR_DB_PASSWORD"));
        String table = Schema.checkTableName("table", query.getOrDefault("table", JdbcLeaseStore.DEFAULT_TABLE));
        query.remove("table");
        Duration timeout = timeout(query.remove("statementTimeout"));
        return new JdbcUri("h2", "jdbc:h2:" + rest, user, password, table, timeout, query, redact("h2:" + rest));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.put(k, v);
        }
        return out;
    }

    private static Duration timeout(String s) {
        if (s == null) {
            return JdbcLeaseStore.DEFAULT_STATEMENT_TIMEOUT;
        }
        try {
            return s.startsWith("P") || s.startsWith("p") ? Duration.parse(s) : Duration.ofMillis(Long.parseLong(s));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "statementTimeout must be milliseconds or an ISO-8601 duration (PT2S): '" + s + "'");
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String firstNonEmpty(String a, String b) {
        if (a != null && !a.isEmpty()) {
            return a;
        }
        return b != null && !b.isEmpty() ? b : null;
    }

    /** {@code uri} with any password replaced by {@code ***}, safe to log. */
    public static String redact(String uri) {
        if (uri == null) {
            return "null";
        }
        String s = uri.replaceAll("(?i)(password=)[^&;]*", "$1***");
        return s.replaceAll("(://[^/@:?#]*):[^/@?#]*@", "$1:***@");
    }

    /** {@code postgresql}, {@code mysql} or {@code h2}. */
    public String kind() {
        return kind;
    }

    /** The JDBC URL, without credentials. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The user, or null to let the driver decide. */
    public String user() {
        return user;
    }

    /** The password, or null. Never logged. */
    public String password() {
        return password;
    }

    /** The lease table. */
    public String table() {
        return table;
    }

    /** The bound on every database call. */
    public Duration statementTimeout() {
        return statementTimeout;
    }

    /** Other query options, passed to the driver. */
    public Map<String, String> driverProperties() {
        return driverProperties;
    }

    /** The same target at another JDBC URL (a test proxy) with another statement timeout. */
    JdbcUri withJdbcUrl(String url, Duration timeout) {
        return new JdbcUri(kind, url, user, password, table, timeout, driverProperties, redact(url));
    }

    Dialect dialect() {
        return switch (kind) {
            case "postgresql" -> Dialect.POSTGRESQL;
            case "mysql" -> Dialect.MYSQL;
            default -> Dialect.H2;
        };
    }

    /** The URI as given, with the password replaced by {@code ***}. */
    @Override
    public String toString() {
        return redacted;
    }
}
