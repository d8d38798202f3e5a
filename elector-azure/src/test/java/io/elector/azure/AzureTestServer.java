package io.elector.azure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The blob service the tests share: {@code ELECTOR_AZURE_CONNECTION_STRING} if set (its
 * BlobEndpoint must be on loopback), else one Azurite started for this JVM and stopped by PID when
 * the JVM exits. Missing azurite-blob skips the test, or fails it when {@code CI=true}.
 */
final class AzureTestServer {
    static final String CONNECTION_ENV = "ELECTOR_AZURE_CONNECTION_STRING";
    private static final Pattern BLOB_ENDPOINT = Pattern.compile("(?i)BlobEndpoint=([^;]+)");

    private static AzuriteProcess shared;

    private AzureTestServer() {}

    static synchronized String connectionString() {
        String env = System.getenv(CONNECTION_ENV);
        if (env != null && !env.isBlank()) {
            return env;
        }
        if (shared == null) {
            try {
                shared = AzuriteProcess.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            AzuriteProcess p = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(p::close, "stop-azurite"));
        }
        return shared.connectionString();
    }

    /** The blob endpoint of a connection string (host and port, for a proxy). */
    static URI blobEndpoint(String connectionString) {
        Matcher m = BLOB_ENDPOINT.matcher(connectionString);
        if (!m.find()) {
            throw new IllegalStateException(CONNECTION_ENV + " needs a BlobEndpoint=http://127.0.0.1:PORT/ACCOUNT");
        }
        return URI.create(m.group(1).trim());
    }

    static InetSocketAddress address(String connectionString) {
        URI u = blobEndpoint(connectionString);
        return new InetSocketAddress(u.getHost(), u.getPort() < 0 ? 80 : u.getPort());
    }

    /** The same connection string with its blob endpoint moved to {@code port} on 127.0.0.1. */
    static String viaPort(String connectionString, int port) {
        URI u = blobEndpoint(connectionString);
        String moved = "http://127.0.0.1:" + port + (u.getPath() == null ? "" : u.getPath());
        return BLOB_ENDPOINT.matcher(connectionString).replaceFirst(Matcher.quoteReplacement("BlobEndpoint=" + moved));
    }

    static String uniqueContainer() {
        return "t-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }
}
