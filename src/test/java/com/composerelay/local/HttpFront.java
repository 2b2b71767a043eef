package com.composerelay.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What {@code sam local start-api} does, without Docker: an HTTP server on 127.0.0.1 that serves the
 * function's HttpApi routes from the built template the way API Gateway's HTTP API does (route
 * selection, payload format 2.0 event, response), invoking the function through the given invoker
 * (the emulator's {@link FunctionUnderEmulator#invoke} in a local run, a fake in tests).
 *
 * <p>Not checked locally: SigV4. A request on an {@code AWS_IAM} route is passed on as if signed by one
 * local caller ({@link HttpApiEvent#LOCAL_CALLER_ARN} in account {@link HttpApiEvent#LOCAL_ACCOUNT},
 * in {@code requestContext.authorizer.iam}), whatever it carries. Nor are API Gateway's limits (30 s
 * integration timeout, 10 MB payload) or CORS applied. A function error, as the emulator reports it
 * (an {@code errorType}/{@code errorMessage} document), or an invoker that throws, is API Gateway's 500.
 */
public final class HttpFront implements AutoCloseable {
    private final HttpApiRoutes routes;
    private final Function<String, String> invoker;
    private final Consumer<String> accessLog;
    private HttpServer server;
    private ExecutorService executor;

    public HttpFront(HttpApiRoutes routes, Function<String, String> invoker) {
        this(routes, invoker, line -> {});
    }

    /** With one line per request to {@code accessLog}: method, path, route, status, milliseconds. */
    public HttpFront(HttpApiRoutes routes, Function<String, String> invoker, Consumer<String> accessLog) {
        this.routes = routes;
        this.invoker = invoker;
        this.accessLog = accessLog;
    }

    /** Listens on 127.0.0.1 at {@code port} (0: any free port) and serves until {@link #close()}. */
    public synchronized HttpFront start(int port) {
        if (server != null) {
            throw new IllegalStateException("already started on port " + port());
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
        }
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::serve);
        server.start();
        return this;
    }

    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port>}, without a trailing slash. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public HttpApiRoutes routes() {
        return routes;
    }

    /** Stops listening at once; an invocation under way is not waited for. */
    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }

    private void serve(HttpExchange exchange) throws IOException {
        long began = System.nanoTime();
        try (exchange) {
            String requestId = HttpApiEvent.newRequestId();
            HttpApiEvent.Request request = request(exchange);
            Optional<HttpApiRoutes.Match> match = routes.select(request.method(), request.rawPath());
            HttpApiAnswer answer = match.map(m -> invoke(request, m, requestId)).orElse(HttpApiAnswer.NOT_FOUND);
            write(exchange, answer, requestId);
            accessLog.accept(String.format("%s %s -> %d (%s, %d ms)", request.method(), request.rawPath(), answer.status(),
                    match.map(m -> m.route().routeKey()).orElse("no route"), (System.nanoTime() - began) / 1_000_000));
        }
    }

    private HttpApiAnswer invoke(HttpApiEvent.Request request, HttpApiRoutes.Match match, String requestId) {
        String event = HttpApiEvent.of(request, match, requestId, Instant.now());
        String output;
        try {
            output = invoker.apply(event);
        } catch (RuntimeException e) {
            accessLog.accept("invocation failed: " + e.getMessage());
            return HttpApiAnswer.INTERNAL_SERVER_ERROR;
        }
        return HttpApiAnswer.of(output);
    }

    private static HttpApiEvent.Request request(HttpExchange exchange) throws IOException {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        exchange.getRequestHeaders().forEach((name, values) -> values.forEach(v -> headers.add(Map.entry(name, v))));
        URI uri = exchange.getRequestURI();
        return new HttpApiEvent.Request(exchange.getRequestMethod(), uri.getRawPath(), uri.getRawQuery(), headers,
                exchange.getRequestBody().readAllBytes(), exchange.getProtocol(),
                exchange.getRemoteAddress().getAddress().getHostAddress(), exchange.getLocalAddress().getPort());
    }

    private static void write(HttpExchange exchange, HttpApiAnswer answer, String requestId) throws IOException {
        answer.headers().forEach(h -> exchange.getResponseHeaders().add(h.getKey(), h.getValue()));
        exchange.getResponseHeaders().set("Apigw-Requestid", requestId);
        boolean noBody = answer.body().length == 0 || exchange.getRequestMethod().equalsIgnoreCase("HEAD")
                || answer.status() == 204 || answer.status() == 304;
        exchange.sendResponseHeaders(answer.status(), noBody ? -1 : answer.body().length);
        if (!noBody) {
            exchange.getResponseBody().write(answer.body());
        }
    }
}
