package io.elector.azure;

import com.azure.core.http.HttpHeader;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The Azure SDK's HTTP client interface on the JDK's {@link HttpClient} (HTTP/1.1), so that this
 * module needs no Netty (the SDK's default client brings Netty 4.1, which clashes with Lettuce's
 * Netty 4.2 in one application). Every request is bounded by the request timeout; bodies here are
 * small (lease calls and metadata), so they are buffered whole.
 */
final class JdkHttpClient implements com.azure.core.http.HttpClient {
    /** Headers the JDK client sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    private final HttpClient client;
    private final Duration requestTimeout;

    JdkHttpClient(Duration connectTimeout, Duration requestTimeout, Executor executor) {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
        this.requestTimeout = requestTimeout;
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request) {
        return Mono.defer(() -> {
            java.net.http.HttpRequest jdk = toJdk(request);
            return Mono.fromFuture(() -> client.sendAsync(jdk, java.net.http.HttpResponse.BodyHandlers.ofByteArray()))
                    .map(r -> (HttpResponse) new Response(request, r));
        });
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request, Context context) {
        return send(request);
    }

    @Override
    public HttpResponse sendSync(HttpRequest request, Context context) {
        java.net.http.HttpRequest jdk = toJdk(request);
        try {
            return new Response(request, client.send(jdk, java.net.http.HttpResponse.BodyHandlers.ofByteArray()));
        } catch (HttpTimeoutException e) {
            throw new UncheckedIOException(new HttpTimeoutException(
                    "no answer from " + request.getUrl().getHost() + ":"
                            + request.getUrl().getPort() + " within " + requestTimeout.toMillis() + " ms"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Azure Storage", e);
        }
    }

    private java.net.http.HttpRequest toJdk(HttpRequest request) {
        java.net.http.HttpRequest.Builder b;
        try {
            b = java.net.http.HttpRequest.newBuilder(request.getUrl().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("bad request URL", e);
        }
        b.timeout(requestTimeout);
        BinaryData body = request.getBodyAsBinaryData();
        byte[] bytes = body == null ? new byte[0] : body.toBytes();
        b.method(
                request.getHttpMethod().toString(),
                bytes.length == 0
                        ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofByteArray(bytes));
        for (HttpHeader h : request.getHeaders()) {
            if (RESTRICTED.contains(h.getName().toLowerCase(Locale.ROOT))) {
                continue;
            }
            for (String v : h.getValuesList()) {
                b.header(h.getName(), v);
            }
        }
        return b.build();
    }

    private static final class Response extends HttpResponse {
        private final int status;
        private final HttpHeaders headers = new HttpHeaders();
        private final byte[] body;

        Response(HttpRequest request, java.net.http.HttpResponse<byte[]> r) {
            super(request);
            this.status = r.statusCode();
            for (Map.Entry<String, List<String>> e : r.headers().map().entrySet()) {
                if (!e.getKey().startsWith(":")) {
                    headers.set(e.getKey(), e.getValue());
                }
            }
            this.body = r.body() == null ? new byte[0] : r.body();
        }

        @Override
        public int getStatusCode() {
            return status;
        }

        @Override
        public String getHeaderValue(String name) {
            return headers.getValue(name);
        }

        @Override
        public HttpHeaders getHeaders() {
            return headers;
        }

        @Override
        public Flux<ByteBuffer> getBody() {
            return body.length == 0
                    ? Flux.empty()
                    : Flux.just(ByteBuffer.wrap(body).asReadOnlyBuffer());
        }

        @Override
        public BinaryData getBodyAsBinaryData() {
            return BinaryData.fromBytes(body);
        }

        @Override
        public Mono<byte[]> getBodyAsByteArray() {
            return body.length == 0 ? Mono.empty() : Mono.just(body.clone());
        }

        @Override
        public Mono<String> getBodyAsString() {
            return getBodyAsString(StandardCharsets.UTF_8);
        }

        @Override
        public Mono<String> getBodyAsString(Charset charset) {
            return Mono.just(new String(body, charset));
        }
    }
}
