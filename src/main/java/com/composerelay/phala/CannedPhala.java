package com.composerelay.phala;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * A {@code java.net.http} client that answers the fleet calls of a rollout task offline, at once:
 * {@code POST /status/batch} (every vm_uuid asked for {@code running}, not in progress) and
 * {@code GET /cvms/{id}} (running {@link #HASH}). Under {@link HttpPhalaApi} it runs the real call
 * path (the request built with its body, the answer's head and body through the relay's bounded
 * body subscriber, its JSON read into the answer's values) with nothing sent and no TLS context made:
 * priming's Phala, as {@code Priming}'s canned answers are the SDK's. Any other call fails as
 * unreachable.
 */
public final class CannedPhala extends HttpClient {
    /** The compose hash every CVM read here runs. */
    public static final String HASH = "00".repeat(32);

    /** A Phala API over this client, at an address nothing listens on. */
    public static HttpPhalaApi api(String apiVersion, java.time.Clock clock) {
        return new HttpPhalaApi(new CannedPhala(), URI.create("http://127.0.0.1:9"), apiVersion, clock);
    }

    private static String answer(HttpRequest request, String body) {
        String path = request.uri().getPath();
        if (request.method().equals("POST") && path.endsWith("/status/batch")) {
            StringBuilder out = new StringBuilder("{");
            java.util.regex.Matcher uuid = java.util.regex.Pattern.compile("\"([A-Za-z0-9_-]{1,128})\"")
                    .matcher(body.substring(Math.max(0, body.indexOf('['))));
            while (uuid.find()) {
                out.append(out.length() > 1 ? "," : "").append('"').append(uuid.group(1)).append("\":{\"vm_uuid\":\"")
                        .append(uuid.group(1)).append("\",\"status\":\"running\",\"uptime\":\"1m\",\"in_progress\":false,"
                                + "\"boot_progress\":null,\"boot_error\":null,\"shutdown_progress\":null,\"events\":[],"
                                + "\"operation_type\":null,\"operation_started_at\":null,\"correlation_id\":null}");
            }
            return out.append('}').toString();
        }
        if (request.method().equals("GET") && path.matches("/api/v1/cvms/[^/]+")) {
            String id = path.substring(path.lastIndexOf('/') + 1);
            return "{\"id\":\"" + id + "\",\"name\":\"priming\",\"app_id\":\"priming\",\"vm_uuid\":\"" + id
                    + "\",\"status\":\"running\",\"in_progress\":false,\"progress\":null,\"compose_hash\":\"" + HASH
                    + "\",\"kms_info\":{\"encrypted_env_pubkey\":null,\"chain_id\":null}}";
        }
        return null;
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        String sent = request.bodyPublisher().map(CannedPhala::drain).orElse("");
        String body = answer(request, sent);
        if (body == null) {
            return CompletableFuture.failedFuture(new java.net.ConnectException("priming has no canned answer for "
                    + request.method() + " " + request.uri().getPath()));
        }
        HttpHeaders headers = HttpHeaders.of(Map.of("Content-Type", List.of("application/json"),
                "X-Request-ID", List.of("priming")), (a, b) -> true);
        HttpResponse.ResponseInfo info = new HttpResponse.ResponseInfo() {
            @Override
            public int statusCode() {
                return 200;
            }

            @Override
            public HttpHeaders headers() {
                return headers;
            }

            @Override
            public HttpClient.Version version() {
                return HttpClient.Version.HTTP_1_1;
            }
        };
        HttpResponse.BodySubscriber<T> subscriber = handler.apply(info);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        subscriber.onSubscribe(new Flow.Subscription() {
            private boolean sent;

            @Override
            public void request(long n) {
                if (!sent && n > 0) {
                    sent = true;
                    subscriber.onNext(List.of(ByteBuffer.wrap(bytes)));
                    subscriber.onComplete();
                }
            }

            @Override
            public void cancel() {
            }
        });
        return subscriber.getBody().toCompletableFuture().thenApply(value -> response(request, info, value));
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                                            HttpResponse.PushPromiseHandler<T> push) {
        return sendAsync(request, handler);
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
        return sendAsync(request, handler).join();
    }

    /** The request's body as sent, read from its publisher. */
    private static String drain(HttpRequest.BodyPublisher publisher) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        CompletableFuture<Void> done = new CompletableFuture<>();
        publisher.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                byte[] b = new byte[item.remaining()];
                item.get(b);
                out.writeBytes(b);
            }

            @Override
            public void onError(Throwable throwable) {
                done.completeExceptionally(throwable);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        done.join();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static <T> HttpResponse<T> response(HttpRequest request, HttpResponse.ResponseInfo info, T body) {
        return new HttpResponse<>() {
            @Override
            public int statusCode() {
                return info.statusCode();
            }

            @Override
            public HttpRequest request() {
                return request;
            }

            @Override
            public Optional<HttpResponse<T>> previousResponse() {
                return Optional.empty();
            }

            @Override
            public HttpHeaders headers() {
                return info.headers();
            }

            @Override
            public T body() {
                return body;
            }

            @Override
            public Optional<SSLSession> sslSession() {
                return Optional.empty();
            }

            @Override
            public URI uri() {
                return request.uri();
            }

            @Override
            public HttpClient.Version version() {
                return info.version();
            }
        };
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
        return Optional.empty();
    }

    @Override
    public Optional<Duration> connectTimeout() {
        return Optional.empty();
    }

    @Override
    public Redirect followRedirects() {
        return Redirect.NEVER;
    }

    @Override
    public Optional<ProxySelector> proxy() {
        return Optional.empty();
    }

    /** Never made: priming makes no TLS context. */
    @Override
    public SSLContext sslContext() {
        throw new UnsupportedOperationException("priming makes no TLS context");
    }

    @Override
    public SSLParameters sslParameters() {
        return new SSLParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
        return Optional.empty();
    }

    @Override
    public HttpClient.Version version() {
        return HttpClient.Version.HTTP_1_1;
    }

    @Override
    public Optional<Executor> executor() {
        return Optional.empty();
    }
}
