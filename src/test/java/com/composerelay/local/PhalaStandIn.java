package com.composerelay.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
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
 * <p>It also serves the whole update: {@code POST …/compose_file/provision} answers a compose hash
 * (SHA-256 of the body), and {@code GET /api/v1/cvms/{id}} a CVM whose env public key is
 * {@link #ENV_PUBKEY} (private key 01 02 … 20) and which, after a PATCH, is {@code updating} (with
 * {@code progress.target}) for {@link #UPDATE_MILLIS}, then {@code running} with the committed hash.
 * A provision for a {@code chain_} CVM says the hash is not registered on chain.
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
    /** The env public key every CVM here has: of the private key 01 02 … 20 (Phala's test vectors, docs/PHALA-FACTS.md). */
    public static final String ENV_PUBKEY = "07a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c";
    /** How long a CVM is "updating" after a PATCH. */
    public static final long UPDATE_MILLIS = 2500;
    private final AtomicLong provisions = new AtomicLong();
    private final AtomicLong reads = new AtomicLong();
    /** Per CVM: the hash it runs, the hash it is updating to and until when, the last PATCH body. */
    private final Map<String, String[]> cvms = new ConcurrentHashMap<>();
    private final Map<String, String> lastPatch = new ConcurrentHashMap<>();
    private final Map<String, String> lastProvision = new ConcurrentHashMap<>();
    private final Map<String, String> lastDeploy = new ConcurrentHashMap<>();
    private final AtomicLong deploys = new AtomicLong();
    private final java.util.Set<String> keysSeen = ConcurrentHashMap.newKeySet();

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

    public long provisions() {
        return provisions.get();
    }

    /** CVM reads ({@code GET /api/v1/cvms/{id}}). */
    public long reads() {
        return reads.get();
    }

    /** The last PATCH body accepted for this CVM, or null. */
    public String lastPatch(String cvmId) {
        return lastPatch.get(cvmId);
    }

    /** The CLI's deploys ({@code PATCH /api/v1/cvms/{id}}) received. */
    public long deploys() {
        return deploys.get();
    }

    /** The last deploy body for this CVM, or null. */
    public String lastDeploy(String cvmId) {
        return lastDeploy.get(cvmId);
    }

    /** Every X-API-Key value received under /api/v1. */
    public java.util.Set<String> keysSeen() {
        return java.util.Set.copyOf(keysSeen);
    }

    /** The last provision body for this CVM, or null. */
    public String lastProvision(String cvmId) {
        return lastProvision.get(cvmId);
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
            if (exchange.getRequestMethod().equals("POST") && path.matches("/api/v1/cvms/[^/]+/compose_file/provision")) {
                String cvm = path.substring("/api/v1/cvms/".length(), path.length() - "/compose_file/provision".length());
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                provisions.incrementAndGet();
                lastProvision.put(cvm, body);
                String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(body.getBytes(StandardCharsets.UTF_8)));
                reply(exchange, 200, "{\"app_id\":\"app_standin0000000000000000000000000000000001\",\"device_id\":\"dev_1\","
                        + "\"compose_hash\":\"" + hash + "\",\"compose_hash_registered\":" + !cvm.startsWith("chain_")
                        + ",\"kms_info\":{\"chain_id\":8453}}");
                return;
            }
            String presented = exchange.getRequestHeaders().getFirst("X-API-Key");
            if (path.startsWith("/api/v1/") && presented != null) {
                keysSeen.add(presented);
            }
            if (exchange.getRequestMethod().equals("PATCH") && path.matches("/api/v1/cvms/[^/]+")) {
                // The CLI's deploy (`phala deploy --cvm-id`): the compose in the body, a correlation id back.
                String cvm = path.substring("/api/v1/cvms/".length());
                lastDeploy.put(cvm, new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                long n = deploys.incrementAndGet();
                reply(exchange, 202, "{\"correlation_id\":\"corr_standin_" + n + "\"}");
                return;
            }
            if (exchange.getRequestMethod().equals("GET") && path.matches("/api/v1/cvms/[^/]+")
                    && "2025-10-28".equals(exchange.getRequestHeaders().getFirst("X-Phala-Version"))) {
                // API 2025-10-28, as the CLI asks for it: a numeric id, the env key at the top level.
                String cvm = path.substring("/api/v1/cvms/".length());
                reads.incrementAndGet();
                reply(exchange, 200, "{\"id\":4711,\"name\":\"" + cvm + "\",\"status\":\"running\",\"in_progress\":false,"
                        + "\"teepod_id\":12,\"app_id\":\"app_standin0000000000000000000000000000000001\",\"vm_uuid\":null,"
                        + "\"instance_id\":null,\"vcpu\":2,\"memory\":4096,\"disk_size\":40,\"base_image\":\"dstack-0.5.3\","
                        + "\"encrypted_env_pubkey\":\"" + ENV_PUBKEY + "\",\"listed\":false,\"public_urls\":[]}");
                return;
            }
            if (exchange.getRequestMethod().equals("GET") && path.matches("/api/v1/cvms/[^/]+")) {
                String cvm = path.substring("/api/v1/cvms/".length());
                reads.incrementAndGet();
                String[] state = cvms.getOrDefault(cvm, new String[] {"0".repeat(64), null, "0"});
                boolean updating = state[1] != null && System.currentTimeMillis() < Long.parseLong(state[2]);
                String hash = state[1] != null && !updating ? state[1] : state[0];
                reply(exchange, 200, "{\"id\":\"" + cvm + "\",\"status\":\"" + (updating ? "updating" : "running")
                        + "\",\"compose_hash\":\"" + hash + "\",\"progress\":" + (updating
                        ? "{\"target\":\"running\",\"started_at\":\"2026-11-28T00:00:00Z\",\"correlation_id\":\"c\"}" : "null")
                        + ",\"kms_info\":{\"encrypted_env_pubkey\":\"" + ENV_PUBKEY + "\"}}");
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
            lastPatch.put(cvm, body);
            java.util.regex.Matcher hash = java.util.regex.Pattern.compile("\"compose_hash\":\"(?:0x)?([0-9a-fA-F]+)\"")
                    .matcher(body);
            if (hash.find()) {
                String[] before = cvms.getOrDefault(cvm, new String[] {"0".repeat(64), null, "0"});
                cvms.put(cvm, new String[] {before[1] != null ? before[1] : before[0], hash.group(1),
                        String.valueOf(System.currentTimeMillis() + UPDATE_MILLIS)});
            }
            reply(exchange, 202, "{}");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
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
