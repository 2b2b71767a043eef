package com.composerelay.aws;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullResponse;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * The SDK's synchronous HTTP client on {@code java.net.http}, the client the relay already uses for
 * Phala (one TLS context, one connection pool). The SDK's URL-connection client writes a request's
 * head and body as separate small packets, and each AWS call then waited for a delayed ACK: about
 * 1.2 ms on loopback in the benchmark, and up to 40 ms on a real network.
 */
public final class JdkSdkHttpClient implements SdkHttpClient {
    /** Headers {@code java.net.http} sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    /** How long one AWS call may take, its body included, before the SDK's retry policy takes over. */
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Supplier<HttpClient> client;

    /** Over a client made when first asked for (the deployed relay makes it on a start-up thread). */
    public JdkSdkHttpClient(Supplier<HttpClient> client) {
        this.client = client;
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        SdkHttpRequest http = request.httpRequest();
        HttpRequest.BodyPublisher body = request.contentStreamProvider()
                .map(provider -> {
                    try (InputStream in = provider.newStream()) {
                        return HttpRequest.BodyPublishers.ofByteArray(in.readAllBytes());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .orElse(HttpRequest.BodyPublishers.noBody());
        HttpRequest.Builder builder = HttpRequest.newBuilder(http.getUri())
                .method(http.method().name(), body)
                .timeout(TIMEOUT);
        http.forEachHeader((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> builder.header(name, value));
            }
        });
        HttpRequest jdkRequest = builder.build();
        return new ExecutableHttpRequest() {
            private volatile CompletableFuture<HttpResponse<InputStream>> exchange;

            @Override
            public HttpExecuteResponse call() throws IOException {
                exchange = client.get().sendAsync(jdkRequest, HttpResponse.BodyHandlers.ofInputStream());
                HttpResponse<InputStream> response;
                try {
                    response = exchange.get();
                } catch (InterruptedException e) {
                    exchange.cancel(true);
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                } catch (CancellationException e) {
                    throw new IOException("aborted", e);
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                }
                return HttpExecuteResponse.builder()
                        .response(SdkHttpFullResponse.builder()
                                .statusCode(response.statusCode())
                                .headers(response.headers().map())
                                .build())
                        .responseBody(AbortableInputStream.create(response.body()))
                        .build();
            }

            @Override
            public void abort() {
                CompletableFuture<HttpResponse<InputStream>> running = exchange;
                if (running != null) {
                    running.cancel(true);
                }
            }
        };
    }

    @Override
    public String clientName() {
        return "JdkHttpClient";
    }

    @Override
    public void close() {
        // The java.net.http client is shared with the Phala client and lives as long as the function.
    }
}
