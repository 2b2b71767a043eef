package com.composerelay.bench.warm;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Everything the relay talks to, on one loopback port and answering at once, so a warm benchmark
 * measures the relay and not its upstreams: Phala's {@code PATCH /api/v1/cvms/{id}/compose_file}
 * (202; a {@code cvm_id} starting with {@code slow_} waits {@code slowMillis} first), Secrets
 * Manager's {@code GetSecretValue} (JSON protocol), SNS {@code Publish} (query protocol) and
 * DynamoDB's item calls for the idempotency record (every claim succeeds: each request is new).
 */
public final class LoopbackStub implements AutoCloseable {
    static final String SECRET = "{\"api_key\":\"phak_bench_not_a_real_key\"}";

    private final HttpServer server;
    private final long slowMillis;
    final AtomicLong patches = new AtomicLong();
    final AtomicLong secretReads = new AtomicLong();
    final AtomicLong publishes = new AtomicLong();
    final AtomicLong dynamoCalls = new AtomicLong();

    public LoopbackStub(int port, long slowMillis) throws IOException {
        this.slowMillis = slowMillis;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 512);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            String method = exchange.getRequestMethod();
            if (method.equals("PATCH") && path.startsWith("/api/v1/cvms/") && path.endsWith("/compose_file")) {
                patches.incrementAndGet();
                if (path.startsWith("/api/v1/cvms/slow_") && slowMillis > 0) {
                    Thread.sleep(slowMillis);
                }
                exchange.getResponseHeaders().add("X-Request-ID", "stub-" + patches.get());
                reply(exchange, 202, "application/json", "{}");
                return;
            }
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            if (method.equals("POST") && "secretsmanager.GetSecretValue".equals(target)) {
                secretReads.incrementAndGet();
                reply(exchange, 200, "application/x-amz-json-1.1",
                        "{\"ARN\":\"arn:aws:secretsmanager:us-east-1:000000000000:secret:compose-relay/phala-api-key-AbCdEf\","
                        + "\"Name\":\"compose-relay/phala-api-key\",\"VersionId\":\"v1\",\"VersionStages\":[\"AWSCURRENT\"],"
                        + "\"SecretString\":" + quote(SECRET) + ",\"CreatedDate\":1.7E9}");
                return;
            }
            if (method.equals("POST") && target != null && target.startsWith("DynamoDB_20120810.")) {
                dynamoCalls.incrementAndGet();
                reply(exchange, 200, "application/x-amz-json-1.0", "{}");
                return;
            }
            String form = new String(body, StandardCharsets.UTF_8);
            if (method.equals("POST") && form.contains("Action=Publish")) {
                long n = publishes.incrementAndGet();
                reply(exchange, 200, "text/xml",
                        "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult><MessageId>"
                        + "00000000-0000-0000-0000-" + String.format("%012d", n) + "</MessageId></PublishResult>"
                        + "<ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata></PublishResponse>");
                return;
            }
            reply(exchange, 404, "application/json", "{\"detail\":\"the benchmark stub does not serve " + method + " " + path + "\"}");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void reply(HttpExchange exchange, int status, String type, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
