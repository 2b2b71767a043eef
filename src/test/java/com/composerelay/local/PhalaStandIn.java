package com.composerelay.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small Phala Cloud stand-in for local runs, end-to-end tests and benchmarks: answers
 * {@code PATCH /api/v1/cvms/{id}/compose_file} with 202, except that a {@code cvm_id} starting
 * with {@code down_} always gets 503, {@code gone_} gets 404, and a configurable share of requests
 * get 503 or a slow answer. {@code GET /_stats} counts PATCHes. Only the JDK is used.
 *
 * <p>Usage: {@code java -cp target/test-classes com.composerelay.local.PhalaStandIn [port]
 * [share503=0.0] [shareSlow=0.0] [slowMillis=0]}.
 */
public final class PhalaStandIn {
    private final HttpServer server;
    private final double share503;
    private final double shareSlow;
    private final long slowMillis;
    private final AtomicLong patches = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final Map<String, AtomicLong> perBody = new ConcurrentHashMap<>();

    public PhalaStandIn(int port, double share503, double shareSlow, long slowMillis) throws IOException {
        this.share503 = share503;
        this.shareSlow = shareSlow;
        this.slowMillis = slowMillis;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
    }

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8089;
        PhalaStandIn standIn = new PhalaStandIn(port,
                args.length > 1 ? Double.parseDouble(args[1]) : 0.0,
                args.length > 2 ? Double.parseDouble(args[2]) : 0.0,
                args.length > 3 ? Long.parseLong(args[3]) : 0);
        standIn.start();
        System.out.println("phala stand-in: listening on http://127.0.0.1:" + standIn.port());
    }

    public void start() {
        server.start();
    }

    public void stop() {
        server.stop(0);
    }

    /** PATCHes answered 202. */
    public long accepted() {
        return accepted.get();
    }

    /** Distinct (cvm_id, body) pairs answered 202, and how many 202s repeated one of them. */
    public long distinctAccepted() {
        return perBody.size();
    }

    public long repeatedAccepted() {
        return perBody.values().stream().mapToLong(v -> Math.max(0, v.get() - 1)).sum();
    }

    /** PATCHes received so far, whatever they were answered. */
    public long patches() {
        return patches.get();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            if (exchange.getRequestMethod().equals("GET") && path.equals("/_stats")) {
                StringBuilder bodies = new StringBuilder();
                perBody.forEach((k, v) -> bodies.append(bodies.isEmpty() ? "" : ",").append(v.get()));
                long duplicates = perBody.values().stream().mapToLong(v -> Math.max(0, v.get() - 1)).sum();
                reply(exchange, 200, "{\"patches\":" + patches.get() + ",\"accepted\":" + accepted.get()
                        + ",\"distinct_bodies\":" + perBody.size() + ",\"repeated_patches\":" + duplicates + "}");
                return;
            }
            if (!exchange.getRequestMethod().equals("PATCH") || !path.matches("/api/v1/cvms/[^/]+/compose_file")) {
                reply(exchange, 404, "{\"detail\":\"Not Found\"}");
                return;
            }
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            patches.incrementAndGet();
            String key = exchange.getRequestHeaders().getFirst("X-API-Key");
            if (key == null || key.isBlank()) {
                reply(exchange, 401, "{\"detail\":\"Authentication required\"}");
                return;
            }
            String cvm = path.substring("/api/v1/cvms/".length(), path.length() - "/compose_file".length());
            ThreadLocalRandom random = ThreadLocalRandom.current();
            if (cvm.startsWith("down_") || random.nextDouble() < share503) {
                exchange.getResponseHeaders().add("Retry-After", "0");
                reply(exchange, 503, "{\"detail\":\"Node under maintenance\"}");
                return;
            }
            if (cvm.startsWith("gone_")) {
                reply(exchange, 404, "{\"detail\":{\"error_code\":\"ERR-03-001\",\"message\":\"CVM not found\"}}");
                return;
            }
            if (slowMillis > 0 && random.nextDouble() < shareSlow) {
                Thread.sleep(slowMillis);
            }
            perBody.computeIfAbsent(cvm + " " + body, k -> new AtomicLong()).incrementAndGet();
            accepted.incrementAndGet();
            reply(exchange, 202, "{}");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("X-Request-ID", "standin-" + Long.toHexString(System.nanoTime()));
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
