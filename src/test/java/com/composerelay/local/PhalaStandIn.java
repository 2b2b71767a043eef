package com.composerelay.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

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
 * <p>And a fleet (issue 19's rollouts): {@link #addApp} makes an app of several CVMs, each with a
 * {@code vm_uuid} (the id the relay addresses it by), an {@code id} ({@code cvm_…}), a name, a status
 * and a compose hash, and a revision per commit or redeploy. It serves
 * {@code GET /api/v1/apps/{app_id}/cvms}, {@code GET /api/v1/apps/{app_id}/revisions?page=&page_size=}
 * (newest first), {@code POST /api/v1/cvms/{cvm_id}/revisions/{revision_id}/redeploy} and
 * {@code POST /api/v1/status/batch}, and a fleet CVM's PATCH, read, provision and plain state ({@code GET …/state}:
 * status, uptime, boot_progress, boot_error). After a commit or a
 * redeploy a CVM is {@code updating} (in progress) for {@link #updateMillis(long)}, then does what its
 * script says ({@link Script}: boots onto the new hash, fails with a {@code boot_error}, or never
 * finishes); while in progress, and as often as {@link #conflicts} says, a commit or redeploy gets 409.
 * Other CVMs are served as before.
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
    /** The fleet's CVMs by vm_uuid, in the order they were added; its revisions, oldest first. */
    private final Map<String, FleetCvm> fleet = new java.util.LinkedHashMap<>();
    private final List<Revision> revisions = new ArrayList<>();
    /** The app compose of each compose hash: set by {@link #appCompose}, and by every provision (its body). */
    private final Map<String, String> appComposeByHash = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong revisionIds = new AtomicLong(0x7a00);
    private final AtomicLong statusBatches = new AtomicLong();
    private final AtomicLong stateReads = new AtomicLong();
    /** Every request under /api/v1, in order of arrival. */
    private final List<Received> received = java.util.Collections.synchronizedList(new ArrayList<>());
    /**
     * The KMS of a fleet CVM's provision answer: off chain ({@code chain_id} null), in the shape the SDKs check
     * (the JS SDK's zod schema needs {@code id}, {@code slug}, {@code url}, {@code version} and the nullable rest).
     */
    static final String KMS_INFO = "{\"id\":\"kms_standin\",\"slug\":\"standin\",\"url\":\"https://kms.standin.local\","
            + "\"version\":\"v0.5.3\",\"chain_id\":null,\"kms_contract_address\":null,\"gateway_app_id\":null}";

    /** One request as the stand-in received it: method, raw path and query (or null), X-Phala-Version (or null). */
    public record Received(String method, String path, String query, String version) {
        @Override
        public String toString() {
            return method + " " + path + (query == null ? "" : "?" + query) + " (X-Phala-Version " + version + ")";
        }
    }
    private final AtomicLong conflictsAnswered = new AtomicLong();
    private volatile long fleetUpdateMillis = UPDATE_MILLIS;
    private volatile LongSupplier clock = System::currentTimeMillis;

    /** What a fleet CVM does once an update (a commit or a redeploy) has been in progress for {@link #updateMillis}. */
    public record Script(Kind kind, String status, String bootError) {
        public enum Kind { BOOTS, FAILS, NEVER_FINISHES }

        /** {@code running} on the new hash, not in progress, no boot error. */
        public static Script boots() {
            return new Script(Kind.BOOTS, "running", null);
        }

        /** {@code status} ({@code error} or {@code stopped}) with {@code boot_error} set, on the new hash, not in progress. */
        public static Script fails(String status, String bootError) {
            return new Script(Kind.FAILS, status, bootError);
        }

        /** Stays {@code updating}, in progress, on the old hash. */
        public static Script neverFinishes() {
            return new Script(Kind.NEVER_FINISHES, "updating", null);
        }
    }

    /** One revision of a fleet CVM. */
    public record Revision(String revisionId, String appId, String vmUuid, String composeHash, long createdAt,
                           String operationType) {}

    /** A fleet CVM: its state, and its scripts. Guarded by the stand-in's lock. */
    private static final class FleetCvm {
        final String appId;
        final String vmUuid;
        final String id;
        final String name;
        String status = "running";
        String composeHash;
        String bootError;
        /** An update in progress: the hash it goes to, when it ends, and what happens then; null when none. */
        String targetHash;
        long until;
        Script then;
        Script onCommit = Script.boots();
        Script onRedeploy = Script.boots();
        /** What the CVM does after an update to one of these hashes, whichever way (commit or redeploy). */
        final java.util.Map<String, Script> onHash = new java.util.HashMap<>();
        int conflicts;
        final List<String> commits = new ArrayList<>();
        final List<String> redeploys = new ArrayList<>();

        FleetCvm(String appId, String vmUuid, String id, String name, String composeHash) {
            this.appId = appId;
            this.vmUuid = vmUuid;
            this.id = id;
            this.name = name;
            this.composeHash = composeHash;
        }

        /** Ends the update in progress if its time has come. */
        void settle(long now) {
            if (targetHash == null || now < until || then.kind() == Script.Kind.NEVER_FINISHES) {
                return;
            }
            composeHash = targetHash;
            status = then.status();
            bootError = then.bootError();
            targetHash = null;
        }

        boolean inProgress() {
            return targetHash != null;
        }
    }

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
        // -Dphala.standin.cvms=app:vm_uuid:hash,…: fleet CVMs, each running its hash (the benchmark's rollout task).
        for (String cvm : System.getProperty("phala.standin.cvms", "").split(",")) {
            String[] p = cvm.split(":");
            if (p.length == 3) {
                standIn.addCvm(p[0], p[1], p[2]);
            }
        }
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

    // The fleet.

    /**
     * An app of {@code count} CVMs, each {@code running} {@code composeHash} with one {@code deploy}
     * revision; their vm_uuids, in order (the same for the same app id and index).
     *
     * @param appId the app's hex id (an {@code app_} prefix is ignored, here and in paths)
     */
    public List<String> addApp(String appId, int count, String composeHash) {
        List<String> added = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String vmUuid = java.util.UUID.nameUUIDFromBytes((bareApp(appId) + "/" + i).getBytes(StandardCharsets.UTF_8))
                    .toString();
            added.add(addCvm(appId, vmUuid, composeHash));
        }
        return added;
    }

    /** One CVM more in the app, {@code running} {@code composeHash} with one {@code deploy} revision; its vm_uuid. */
    public synchronized String addCvm(String appId, String vmUuid, String composeHash) {
        if (fleet.containsKey(vmUuid)) {
            throw new IllegalArgumentException("the stand-in has a CVM " + vmUuid + " already");
        }
        long inApp = fleet.values().stream().filter(c -> c.appId.equals(bareApp(appId))).count();
        FleetCvm cvm = new FleetCvm(bareApp(appId), vmUuid, "cvm_" + vmUuid.replace("-", "").substring(0, 8),
                bareApp(appId).substring(0, Math.min(6, bareApp(appId).length())) + "-" + (inApp + 1), composeHash);
        fleet.put(vmUuid, cvm);
        revisions.add(new Revision(nextRevisionId(), cvm.appId, vmUuid, composeHash, clock.getAsLong(), "deploy"));
        return vmUuid;
    }

    /**
     * The app compose (JSON) that {@code GET /cvms/{id}/compose_file} answers for a CVM running
     * {@code composeHash}; a provision records its own body (without {@code update_env_vars}) for its hash.
     */
    public void appCompose(String composeHash, String json) {
        appComposeByHash.put(composeHash, json);
    }

    /** What the CVM does after each commit (a PATCH of its compose file) from now on; {@link Script#boots()} at first. */
    public synchronized void onCommit(String vmUuid, Script script) {
        cvm(vmUuid).onCommit = script;
    }

    /** What the CVM does after each redeploy of a revision from now on; {@link Script#boots()} at first. */
    public synchronized void onRedeploy(String vmUuid, Script script) {
        cvm(vmUuid).onRedeploy = script;
    }

    /**
     * What the CVM does after an update to {@code composeHash} (a commit or a redeploy), whatever its
     * other scripts say: a new compose that fails to boot, while the way back still works.
     */
    public synchronized void onHash(String vmUuid, String composeHash, Script script) {
        cvm(vmUuid).onHash.put(composeHash, script);
    }

    /** The CVM's next {@code times} commits or redeploys get 409 (another operation in progress), busy or not. */
    public synchronized void conflicts(String vmUuid, int times) {
        cvm(vmUuid).conflicts = times;
    }

    /** How long a CVM (of the fleet or not) is in progress after a commit or redeploy ({@link #UPDATE_MILLIS} at first). */
    public void updateMillis(long millis) {
        this.fleetUpdateMillis = millis;
    }

    /** The fleet's time in epoch milliseconds ({@code System::currentTimeMillis} at first): a test may move it. */
    public void clock(LongSupplier clock) {
        this.clock = clock;
    }

    /** The CVM's status as Phala would report it now. */
    public synchronized String status(String vmUuid) {
        return settled(vmUuid).status;
    }

    /** The compose hash the CVM runs now. */
    public synchronized String composeHash(String vmUuid) {
        return settled(vmUuid).composeHash;
    }

    /** Whether an update of the CVM is in progress now. */
    public synchronized boolean inProgress(String vmUuid) {
        return settled(vmUuid).inProgress();
    }

    /** The CVM's {@code boot_error} now, or null. */
    public synchronized String bootError(String vmUuid) {
        return settled(vmUuid).bootError;
    }

    /** The CVM's {@code id} ({@code cvm_…}), which also addresses it. */
    public synchronized String cvmId(String vmUuid) {
        return cvm(vmUuid).id;
    }

    /** The compose hashes of the CVM's accepted commits, in order. */
    public synchronized List<String> commits(String vmUuid) {
        return List.copyOf(cvm(vmUuid).commits);
    }

    /** The revision ids redeployed on the CVM (answered 202), in order. */
    public synchronized List<String> redeploys(String vmUuid) {
        return List.copyOf(cvm(vmUuid).redeploys);
    }

    /** The CVM's revisions, newest first. */
    public synchronized List<Revision> revisions(String vmUuid) {
        cvm(vmUuid);
        List<Revision> of = new ArrayList<>(revisions.stream().filter(r -> r.vmUuid().equals(vmUuid)).toList());
        java.util.Collections.reverse(of);
        return of;
    }

    /**
     * Every call so far by kind: the method and the path with its ids as {@code {id}} (e.g.
     * {@code GET /api/v1/apps/{id}/revisions}).
     */
    public Map<String, Long> callsByKind() {
        Map<String, Long> copy = new java.util.TreeMap<>();
        callsByKind.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    private final Map<String, AtomicLong> callsByKind = new java.util.concurrent.ConcurrentHashMap<>();

    private static String kindOf(String method, String path) {
        String[] parts = path.split("/");
        StringBuilder kind = new StringBuilder(method).append(' ');
        for (int i = 1; i < parts.length; i++) {
            boolean id = i > 1 && (parts[i - 1].equals("cvms") || parts[i - 1].equals("apps") || parts[i - 1].equals("revisions"));
            kind.append('/').append(id ? "{id}" : parts[i]);
        }
        return kind.toString();
    }

    /** {@code GET /api/v1/cvms/{id}/state} calls answered (a fleet CVM's plain state). */
    public long stateReads() {
        return stateReads.get();
    }

    /** Every request received under /api/v1 so far, in order. */
    public List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** {@code POST /api/v1/status/batch} calls answered. */
    public long statusBatches() {
        return statusBatches.get();
    }

    /** 409s answered to fleet CVMs' commits and redeploys. */
    public long conflictsAnswered() {
        return conflictsAnswered.get();
    }

    private FleetCvm cvm(String vmUuid) {
        FleetCvm cvm = fleet.get(vmUuid);
        if (cvm == null) {
            throw new IllegalArgumentException("no CVM " + vmUuid + " in the stand-in's fleet");
        }
        return cvm;
    }

    private FleetCvm settled(String vmUuid) {
        FleetCvm cvm = cvm(vmUuid);
        cvm.settle(clock.getAsLong());
        return cvm;
    }

    /** The fleet CVM a path's {@code cvm_id} names (its vm_uuid with or without dashes, or its id), or null. */
    private synchronized FleetCvm fleetCvm(String cvmId) {
        String plain = cvmId.replace("-", "").toLowerCase(java.util.Locale.ROOT);
        for (FleetCvm cvm : fleet.values()) {
            if (cvm.vmUuid.replace("-", "").equals(plain) || cvm.id.equals(cvmId)) {
                cvm.settle(clock.getAsLong());
                return cvm;
            }
        }
        return null;
    }

    private static String bareApp(String appId) {
        return appId.startsWith("app_") ? appId.substring("app_".length()) : appId;
    }

    private String nextRevisionId() {
        return "rev_" + Long.toHexString(revisionIds.incrementAndGet());
    }

    /**
     * A commit or a redeploy of {@code cvm} to {@code hash}: 409 while in progress or scripted to conflict,
     * else the update starts (a new revision) and null is answered. Under the lock.
     */
    private String startUpdate(FleetCvm cvm, String hash, String operation, Script then) {
        if (cvm.conflicts > 0 || cvm.inProgress()) {
            if (cvm.conflicts > 0) {
                cvm.conflicts--;
            }
            conflictsAnswered.incrementAndGet();
            return "{\"detail\":{\"error_code\":\"ERR-03-009\",\"message\":\"Another operation is in progress\"}}";
        }
        long now = clock.getAsLong();
        cvm.targetHash = hash;
        cvm.until = now + fleetUpdateMillis;
        cvm.then = cvm.onHash.getOrDefault(hash, then);
        cvm.status = "updating";
        cvm.bootError = null;
        revisions.add(new Revision(nextRevisionId(), cvm.appId, cvm.vmUuid, hash, now, operation));
        return null;
    }

    /** A fleet CVM as {@code GET /api/v1/cvms/{id}} and {@code GET /apps/{app_id}/cvms} give it (API 2026-01-21 on). */
    private static String cvmInfo(FleetCvm cvm) {
        return "{\"id\":\"" + cvm.id + "\",\"name\":\"" + cvm.name + "\",\"app_id\":\"" + cvm.appId
                + "\",\"vm_uuid\":\"" + cvm.vmUuid + "\",\"instance_id\":null,"
                + "\"resource\":{\"vcpu\":2,\"memory_in_gb\":4,\"disk_in_gb\":40},\"status\":\"" + cvm.status
                + "\",\"in_progress\":" + cvm.inProgress() + ",\"progress\":" + (cvm.inProgress()
                ? "{\"target\":\"running\",\"started_at\":\"2026-11-28T00:00:00Z\",\"correlation_id\":\"c\"}" : "null")
                + ",\"compose_hash\":\"" + cvm.composeHash + "\",\"gateway\":{\"base_domain\":\"standin.local\"},"
                + "\"services\":[],\"kms_info\":{\"encrypted_env_pubkey\":\"" + ENV_PUBKEY + "\",\"chain_id\":null}}";
    }

    /**
     * {@code GET /api/v1/cvms/{id}/state} without {@code target}: {@code status}, {@code uptime} (null while in
     * progress), {@code boot_progress} ({@code booting} while in progress, {@code done} when running), {@code boot_error}.
     */
    private static String cvmState(FleetCvm cvm) {
        String bootProgress = cvm.inProgress() ? "\"booting\"" : cvm.status.equals("running") ? "\"done\"" : "null";
        return "{\"status\":\"" + cvm.status + "\",\"uptime\":" + (cvm.inProgress() ? "null" : "\"1m\"")
                + ",\"boot_progress\":" + bootProgress + ",\"boot_error\":"
                + (cvm.bootError == null ? "null" : "\"" + cvm.bootError + "\"") + "}";
    }

    private static String cvmStatus(FleetCvm cvm) {
        return "{\"vm_uuid\":\"" + cvm.vmUuid + "\",\"status\":\"" + cvm.status + "\",\"uptime\":\"1m\","
                + "\"in_progress\":" + cvm.inProgress() + ",\"boot_progress\":" + (cvm.inProgress() ? "\"booting\"" : "null")
                + ",\"boot_error\":" + (cvm.bootError == null ? "null" : "\"" + cvm.bootError + "\"")
                + ",\"shutdown_progress\":null,\"events\":[],\"operation_type\":"
                + (cvm.inProgress() ? "\"update\"" : "null") + ",\"operation_started_at\":null,\"correlation_id\":null}";
    }

    private static String revisionJson(Revision r) {
        return "{\"revision_id\":\"" + r.revisionId() + "\",\"app_id\":\"" + r.appId() + "\",\"vm_uuid\":\""
                + r.vmUuid() + "\",\"compose_hash\":\"" + r.composeHash() + "\",\"created_at\":\""
                + java.time.Instant.ofEpochMilli(r.createdAt()) + "\",\"trace_id\":null,\"operation_type\":\""
                + r.operationType() + "\",\"triggered_by\":null,\"cvm\":{\"object_type\":\"cvm\",\"vm_uuid\":\""
                + r.vmUuid() + "\",\"app_id\":\"" + r.appId() + "\"},\"workspace\":null}";
    }

    /** The fleet's routes; true when the request was one of them (and answered). */
    private boolean handleFleet(HttpExchange exchange, String method, String path) throws IOException {
        boolean fleetPath = path.startsWith("/api/v1/apps/") || path.equals("/api/v1/status/batch")
                || path.matches("/api/v1/cvms/[^/]+/revisions/[^/]+/redeploy");
        FleetCvm addressed = path.matches("/api/v1/cvms/[^/]+(/compose_file(/provision)?|/state)?")
                ? fleetCvm(decode(path.split("/")[4])) : null;
        if (!fleetPath && addressed == null) {
            return false;
        }
        String key = exchange.getRequestHeaders().getFirst("X-API-Key");
        if (key == null || key.isBlank()) {
            reply(exchange, 401, "{\"detail\":\"Authentication required\"}");
            return true;
        }
        keysSeen.add(key);
        String[] parts = path.split("/");
        if (method.equals("GET") && path.matches("/api/v1/apps/[^/]+/cvms")) {
            String app = bareApp(decode(parts[4]));
            List<String> cvms = new ArrayList<>();
            synchronized (this) {
                for (FleetCvm cvm : fleet.values()) {
                    if (cvm.appId.equals(app)) {
                        cvm.settle(clock.getAsLong());
                        cvms.add(cvmInfo(cvm));
                    }
                }
            }
            if (cvms.isEmpty()) {
                reply(exchange, 404, "{\"detail\":\"App not found\"}");
            } else {
                reply(exchange, 200, "[" + String.join(",", cvms) + "]");
            }
            return true;
        }
        if (method.equals("GET") && path.matches("/api/v1/apps/[^/]+/revisions/[^/]+")) {
            String app = bareApp(decode(parts[4]));
            String revisionId = decode(parts[6]);
            Revision revision;
            synchronized (this) {
                revision = revisions.stream().filter(r -> r.revisionId().equals(revisionId) && r.appId().equals(app))
                        .findFirst().orElse(null);
            }
            String compose = revision == null ? null : appComposeByHash.get(revision.composeHash());
            if (compose == null) {
                reply(exchange, 404, "{\"detail\":\"Revision not found\"}");
                return true;
            }
            String json = revisionJson(revision);
            reply(exchange, 200, json.substring(0, json.length() - 1) + ",\"compose_file\":" + compose
                    + ",\"encrypted_env\":\"\",\"user_config\":\"{}\"}");
            return true;
        }
        if (method.equals("GET") && path.matches("/api/v1/apps/[^/]+/revisions")) {
            String app = bareApp(decode(parts[4]));
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            int page;
            int pageSize;
            try {
                page = Integer.parseInt(query.getOrDefault("page", "1"));
                pageSize = Integer.parseInt(query.getOrDefault("page_size", "50"));
            } catch (NumberFormatException e) {
                page = 0;
                pageSize = 0;
            }
            if (page < 1 || pageSize < 1 || pageSize > 1000) {
                reply(exchange, 422, "{\"detail\":[{\"loc\":[\"query\",\"page_size\"],\"msg\":\"out of range\","
                        + "\"type\":\"value_error\"}]}");
                return true;
            }
            List<Revision> of;
            synchronized (this) {
                of = new ArrayList<>(revisions.stream().filter(r -> r.appId().equals(app)).toList());
            }
            if (of.isEmpty()) {
                reply(exchange, 404, "{\"detail\":\"App not found\"}");
                return true;
            }
            java.util.Collections.reverse(of);
            int totalPages = (of.size() + pageSize - 1) / pageSize;
            List<String> onPage = of.stream().skip((long) (page - 1) * pageSize).limit(pageSize)
                    .map(PhalaStandIn::revisionJson).toList();
            reply(exchange, 200, "{\"revisions\":[" + String.join(",", onPage) + "],\"total\":" + of.size()
                    + ",\"page\":" + page + ",\"page_size\":" + pageSize + ",\"total_pages\":" + totalPages + "}");
            return true;
        }
        if (method.equals("POST") && path.matches("/api/v1/cvms/[^/]+/revisions/[^/]+/redeploy")) {
            FleetCvm cvm = fleetCvm(decode(parts[4]));
            String revisionId = decode(parts[6]);
            String conflict;
            synchronized (this) {
                Revision revision = cvm == null ? null : revisions.stream()
                        .filter(r -> r.revisionId().equals(revisionId) && r.appId().equals(cvm.appId)).findFirst()
                        .orElse(null);
                if (revision == null) {
                    reply(exchange, 404, "{\"detail\":\"CVM or revision not found\"}");
                    return true;
                }
                conflict = startUpdate(cvm, revision.composeHash(), "redeploy", cvm.onRedeploy);
                if (conflict == null) {
                    cvm.redeploys.add(revisionId);
                }
            }
            reply(exchange, conflict == null ? 202 : 409, conflict == null ? "{}" : conflict);
            return true;
        }
        if (method.equals("POST") && path.equals("/api/v1/status/batch")) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            statusBatches.incrementAndGet();
            java.util.regex.Matcher list = java.util.regex.Pattern.compile("\"vm_uuids\"\\s*:\\s*\\[([^\\]]*)\\]")
                    .matcher(body);
            if (!list.find()) {
                reply(exchange, 422, "{\"detail\":[{\"loc\":[\"body\",\"vm_uuids\"],\"msg\":\"Field required\","
                        + "\"type\":\"missing\"}]}");
                return true;
            }
            List<String> answered = new ArrayList<>();
            java.util.regex.Matcher uuid = java.util.regex.Pattern.compile("\"([^\"]*)\"").matcher(list.group(1));
            synchronized (this) {
                while (uuid.find()) {
                    FleetCvm cvm = fleet.get(uuid.group(1));
                    if (cvm != null) {
                        cvm.settle(clock.getAsLong());
                        answered.add("\"" + cvm.vmUuid + "\":" + cvmStatus(cvm));
                    }
                }
            }
            reply(exchange, 200, "{" + String.join(",", answered) + "}");
            return true;
        }
        if (addressed != null && method.equals("GET") && path.matches("/api/v1/cvms/[^/]+")) {
            reads.incrementAndGet();
            String info;
            synchronized (this) {
                info = cvmInfo(addressed);
            }
            reply(exchange, 200, info);
            return true;
        }
        if (addressed != null && method.equals("GET") && path.endsWith("/state")) {
            // Phala's plain state of a CVM (the relay's watch reads it): its four fields, as it is now.
            stateReads.incrementAndGet();
            String state;
            synchronized (this) {
                addressed.settle(clock.getAsLong());
                state = cvmState(addressed);
            }
            reply(exchange, 200, state);
            return true;
        }
        if (addressed != null && method.equals("GET") && path.endsWith("/compose_file")) {
            String compose;
            synchronized (this) {
                addressed.settle(clock.getAsLong());
                compose = appComposeByHash.get(addressed.composeHash);
            }
            if (compose == null) {
                reply(exchange, 404, "{\"detail\":\"Compose file not found\"}");
            } else {
                reply(exchange, 200, compose);
            }
            return true;
        }
        if (addressed != null && method.equals("POST") && path.endsWith("/compose_file/provision")) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            provisions.incrementAndGet();
            lastProvision.put(addressed.vmUuid, body);
            appComposeByHash.put(sha256(body), withoutUpdateEnvVars(body));
            reply(exchange, 200, "{\"app_id\":\"" + addressed.appId + "\",\"device_id\":\"dev_1\",\"compose_hash\":\""
                    + sha256(body) + "\",\"compose_hash_registered\":true,\"kms_info\":" + KMS_INFO + "}");
            return true;
        }
        if (addressed != null && method.equals("PATCH") && path.endsWith("/compose_file")) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            patches.incrementAndGet();
            java.util.regex.Matcher hash = java.util.regex.Pattern.compile("\"compose_hash\":\"(?:0x)?([0-9a-fA-F]+)\"")
                    .matcher(body);
            if (!hash.find()) {
                reply(exchange, 422, "{\"detail\":[{\"loc\":[\"body\",\"compose_hash\"],\"msg\":\"Field required\","
                        + "\"type\":\"missing\"}]}");
                return true;
            }
            String conflict;
            synchronized (this) {
                conflict = startUpdate(addressed, hash.group(1), "update", addressed.onCommit);
                if (conflict == null) {
                    addressed.commits.add(hash.group(1));
                }
            }
            if (conflict != null) {
                reply(exchange, 409, conflict);
                return true;
            }
            perBody.computeIfAbsent(addressed.vmUuid + " " + body, k -> new AtomicLong()).incrementAndGet();
            accepted.incrementAndGet();
            lastPatch.put(addressed.vmUuid, body);
            reply(exchange, 202, "{}");
            return true;
        }
        reply(exchange, 404, "{\"detail\":\"Not Found\"}");
        return true;
    }

    /**
     * A provision's body as the app compose it records: every field but {@code update_env_vars} (a
     * boolean the relay writes). JDK only: the benchmark runs this stand-in on the test classes alone.
     */
    static String withoutUpdateEnvVars(String body) {
        return body.replaceAll(",\\s*\"update_env_vars\"\\s*:\\s*(true|false|null)", "")
                .replaceAll("\"update_env_vars\"\\s*:\\s*(true|false|null)\\s*,?", "");
    }

    private static String decode(String segment) {
        return java.net.URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new java.util.HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
                }
            }
        }
        return query;
    }

    private static String sha256(String body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            if (path.startsWith("/api/v1/")) {
                received.add(new Received(exchange.getRequestMethod(), path, exchange.getRequestURI().getRawQuery(),
                        exchange.getRequestHeaders().getFirst("X-Phala-Version")));
            }
            if (!path.equals("/_stats")) {
                callsByKind.computeIfAbsent(kindOf(exchange.getRequestMethod(), path), k -> new AtomicLong()).incrementAndGet();
            }
            if (exchange.getRequestMethod().equals("GET") && path.equals("/_stats")) {
                StringBuilder bodies = new StringBuilder();
                perBody.forEach((k, v) -> bodies.append(bodies.isEmpty() ? "" : ",").append(v.get()));
                long duplicates = perBody.values().stream().mapToLong(v -> Math.max(0, v.get() - 1)).sum();
                reply(exchange, 200, "{\"patches\":" + patches.get() + ",\"accepted\":" + accepted.get()
                        + ",\"distinct_bodies\":" + perBody.size() + ",\"repeated_patches\":" + duplicates + "}");
                return;
            }
            if (handleFleet(exchange, exchange.getRequestMethod(), path)) {
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
                        String.valueOf(System.currentTimeMillis() + fleetUpdateMillis)});
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
