package com.composerelay.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * A stand-in for Phala's API on 127.0.0.1 (the JDK's own HTTP server): records every request as it arrived and
 * answers from routes, the route added last among those matching method and path winning (so a test overrides
 * the usual answers by adding its own); unmatched requests get 404.
 */
public final class RecordingPhala implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpServer server;
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final List<Route> routes = new CopyOnWriteArrayList<>();

    private RecordingPhala(HttpServer server) {
        this.server = server;
    }

    /** Starts on an ephemeral loopback port. */
    public static RecordingPhala start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            RecordingPhala phala = new RecordingPhala(server);
            server.createContext("/", phala::handle);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
            return phala;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:<port>/api/v1}, what the clients take as {@code PHALA_CLOUD_API_PREFIX}. */
    public URI apiPrefix() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1");
    }

    /** Answers {@code method} on paths matching {@code pathRegex} (the whole raw path) with {@code status} and a JSON body. */
    public RecordingPhala answer(String method, String pathRegex, int status, String jsonBody) {
        routes.addFirst(new Route(method, Pattern.compile(pathRegex), status, jsonBody));
        return this;
    }

    /** Answers every request with {@code status} and a JSON body (until a later route says otherwise). */
    public RecordingPhala answerEverything(int status, String jsonBody) {
        routes.addFirst(new Route(null, Pattern.compile(".*"), status, jsonBody));
        return this;
    }

    /** The requests in the order they arrived. */
    public List<Recorded> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
            String path = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            requests.add(new Recorded(exchange.getRequestMethod(), query == null ? path : path + "?" + query, headers,
                    new String(body, StandardCharsets.UTF_8)));
            Route route = routes.stream().filter(r -> r.matches(exchange.getRequestMethod(), path)).findFirst()
                    .orElse(new Route(null, null, 404, "{\"detail\":\"Not Found\"}"));
            byte[] answer = route.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("X-Request-ID", "req-standin-" + requests.size());
            exchange.sendResponseHeaders(route.status(), answer.length == 0 ? -1 : answer.length);
            exchange.getResponseBody().write(answer);
        }
    }

    private record Route(String method, Pattern path, int status, String body) {
        boolean matches(String requestMethod, String requestPath) {
            return (method == null || method.equals(requestMethod)) && path.matcher(requestPath).matches();
        }
    }

    /** One request as it arrived: method, raw path (with query), headers (names case-insensitive), body text. */
    public record Recorded(String method, String path, Map<String, List<String>> headers, String body) {
        /** The only value of header {@code name}, or null when absent. */
        public String header(String name) {
            List<String> values = headers.get(name);
            if (values != null && values.size() > 1) {
                throw new AssertionError("header " + name + " sent " + values.size() + " times: " + values);
            }
            return values == null ? null : values.getFirst();
        }

        /** The body parsed as JSON. */
        public JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("body of " + method + " " + path + " is not JSON: " + body, e);
            }
        }

        /** {@code METHOD path}, for comparing the order of requests at a glance. */
        public String line() {
            return method + " " + path;
        }

        /** The header names sent, in lower case, sorted. */
        public List<String> headerNames() {
            List<String> names = new ArrayList<>();
            headers.keySet().forEach(n -> names.add(n.toLowerCase(java.util.Locale.ROOT)));
            return names.stream().sorted().toList();
        }
    }
}
