package com.composerelay.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Authenticator;
import java.net.ConnectException;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
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
 * Phala behind the relay's own {@code HttpPhalaApi}: a {@code java.net.http} client that answers
 * each PATCH from the script of its cvm_id (raw path segment), taking time on a {@link MutableClock}.
 * Answers go through the relay's real reading of statuses, headers and bodies; an answer slower
 * than the request's timeout is a timeout, as with the real client. A cvm_id without a script
 * (or past its end) gets 202.
 */
public final class ScriptedHttpPhala extends HttpClient {

    /** One step of a script. */
    public sealed interface Step {}

    /** An answer that takes {@code takes} of the clock before it is whole. */
    public record Reply(int status, Map<String, List<String>> headers, String body, Duration takes) implements Step {
        @Override
        public String toString() {
            return "Reply[" + status + ", headers=" + headers + ", body=" + body + ", takes=" + takes.toMillis() + "ms]";
        }
    }

    /** No whole answer within the request's timeout. */
    public record TimesOut() implements Step {}

    /** The connection is refused. */
    public record Refused() implements Step {}

    /** The connection breaks before a whole answer. */
    public record Reset() implements Step {}

    /** One PATCH as the relay sent it, and the step that answered it. */
    public record Sent(HttpRequest request, String segment, Step step) {}

    private final MutableClock clock;
    private final Map<String, Deque<Step>> scripts = new HashMap<>();
    private final List<Sent> sent = new ArrayList<>();

    public ScriptedHttpPhala(MutableClock clock) {
        this.clock = clock;
    }

    /** The answers to the PATCHes of {@code segment} (the cvm_id as it appears in the path), in order. */
    public synchronized ScriptedHttpPhala script(String segment, List<Step> steps) {
        scripts.put(segment, new ArrayDeque<>(steps));
        return this;
    }

    public synchronized List<Sent> sent() {
        return List.copyOf(sent);
    }

    public synchronized List<Sent> sentFor(String segment) {
        return sent.stream().filter(s -> s.segment().equals(segment)).toList();
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
                                                                         HttpResponse.BodyHandler<T> handler) {
        String[] parts = request.uri().getRawPath().split("/");
        String segment = parts.length > 4 ? parts[4] : "";
        Deque<Step> script = scripts.get(segment);
        Step step = script == null || script.isEmpty() ? new Reply(202, Map.of(), "{}", Duration.ZERO) : script.poll();
        sent.add(new Sent(request, segment, step));
        Duration timeout = request.timeout().orElseThrow(() -> new AssertionError("every PATCH has a timeout"));
        return switch (step) {
            case Reply r when r.takes().compareTo(timeout) > 0 -> {
                clock.advance(timeout);
                yield CompletableFuture.failedFuture(new HttpTimeoutException("request timed out"));
            }
            case Reply r -> {
                clock.advance(r.takes());
                HttpHeaders headers = HttpHeaders.of(r.headers(), (name, value) -> true);
                yield read(handler, r.status(), headers, r.body())
                        .thenApply(body -> (HttpResponse<T>) new Response(r.status(), request, headers, (String) body));
            }
            case TimesOut t -> {
                clock.advance(timeout);
                yield CompletableFuture.failedFuture(new HttpTimeoutException("request timed out"));
            }
            case Refused f -> CompletableFuture.failedFuture(new ConnectException("Connection refused"));
            case Reset x -> CompletableFuture.failedFuture(new IOException("Connection reset"));
        };
    }

    /** The body as the relay's own body handler reads it, fed in chunks of 8 KiB as a connection would. */
    private static <T> CompletableFuture<Object> read(HttpResponse.BodyHandler<T> handler, int status, HttpHeaders headers,
                                                      String body) {
        HttpResponse.BodySubscriber<T> subscriber = handler.apply(new HttpResponse.ResponseInfo() {
            @Override public int statusCode() { return status; }
            @Override public HttpHeaders headers() { return headers; }
            @Override public HttpClient.Version version() { return HttpClient.Version.HTTP_1_1; }
        });
        byte[] bytes = body == null ? new byte[0] : body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.util.concurrent.atomic.AtomicBoolean cancelled = new java.util.concurrent.atomic.AtomicBoolean();
        subscriber.onSubscribe(new java.util.concurrent.Flow.Subscription() {
            @Override public void request(long n) { }
            @Override public void cancel() { cancelled.set(true); }
        });
        for (int at = 0; at < bytes.length && !cancelled.get(); at += 8192) {
            subscriber.onNext(List.of(java.nio.ByteBuffer.wrap(bytes, at, Math.min(8192, bytes.length - at))));
        }
        if (!cancelled.get()) {
            subscriber.onComplete();
        }
        return subscriber.getBody().toCompletableFuture().thenApply(b -> b);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                                            HttpResponse.PushPromiseHandler<T> push) {
        return sendAsync(request, handler);
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        throw new UnsupportedOperationException("the relay sends asynchronously, with a bound on the whole exchange");
    }

    private record Response(int statusCode, HttpRequest request, HttpHeaders headers, String body)
            implements HttpResponse<String> {
        @Override public Optional<HttpResponse<String>> previousResponse() { return Optional.empty(); }
        @Override public Optional<SSLSession> sslSession() { return Optional.empty(); }
        @Override public URI uri() { return request.uri(); }
        @Override public HttpClient.Version version() { return HttpClient.Version.HTTP_1_1; }
    }

    @Override public Optional<CookieHandler> cookieHandler() { return Optional.empty(); }
    @Override public Optional<Duration> connectTimeout() { return Optional.of(Duration.ofSeconds(3)); }
    @Override public Redirect followRedirects() { return Redirect.NEVER; }
    @Override public Optional<ProxySelector> proxy() { return Optional.empty(); }
    @Override public SSLContext sslContext() { return null; }
    @Override public SSLParameters sslParameters() { return new SSLParameters(); }
    @Override public Optional<Authenticator> authenticator() { return Optional.empty(); }
    @Override public HttpClient.Version version() { return HttpClient.Version.HTTP_1_1; }
    @Override public Optional<Executor> executor() { return Optional.empty(); }

    /** The body a PATCH carries, as Phala would read it. */
    public static String bodyOf(HttpRequest request) {
        var publisher = request.bodyPublisher().orElseThrow(() -> new AssertionError("a PATCH has a body"));
        var bytes = new ByteArrayOutputStream();
        var done = new CompletableFuture<String>();
        publisher.subscribe(new Flow.Subscriber<ByteBuffer>() {
            @Override public void onSubscribe(Flow.Subscription s) { s.request(Long.MAX_VALUE); }
            @Override public void onNext(ByteBuffer b) {
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                bytes.writeBytes(chunk);
            }
            @Override public void onError(Throwable t) { done.completeExceptionally(t); }
            @Override public void onComplete() { done.complete(bytes.toString(StandardCharsets.UTF_8)); }
        });
        return done.join();
    }
}
