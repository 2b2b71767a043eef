package com.composerelay.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * A recording HTTP proxy in front of a Phala (the stand-in): each request forwarded as it came
 * (method, path and query, the Phala headers, the body), its answer passed back, and the request
 * written down as {@code METHOD /path?query body} (the body left out when empty), in order.
 */
public final class PhalaJournal implements AutoCloseable {
    private static final List<String> FORWARDED = List.of("X-API-Key", "X-Phala-Version", "Content-Type", "Accept");
    private static final List<String> PASSED_BACK = List.of("Content-Type", "X-Request-ID", "Retry-After");

    private final HttpServer server;
    private final URI target;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<String> calls = new ArrayList<>();

    public PhalaJournal(URI target) throws IOException {
        this.target = target;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::forward);
        server.start();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Every request so far, in order. */
    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    /** The requests so far that {@code which} keeps, in order. */
    public synchronized List<String> calls(Predicate<String> which) {
        return calls.stream().filter(which).toList();
    }

    /** Forgets the requests so far. */
    public synchronized void clear() {
        calls.clear();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            String pathAndQuery = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            byte[] body = exchange.getRequestBody().readAllBytes();
            synchronized (this) {
                calls.add(exchange.getRequestMethod() + " " + pathAndQuery
                        + (body.length == 0 ? "" : " " + new String(body, StandardCharsets.UTF_8)));
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + pathAndQuery))
                    .timeout(Duration.ofSeconds(5))
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            for (String name : FORWARDED) {
                String value = exchange.getRequestHeaders().getFirst(name);
                if (value != null) {
                    request.header(name, value);
                }
            }
            HttpResponse<byte[]> answer;
            try {
                answer = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            for (String name : PASSED_BACK) {
                answer.headers().firstValue(name).ifPresent(v -> exchange.getResponseHeaders().add(name, v));
            }
            exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer.body());
            }
        }
    }
}
