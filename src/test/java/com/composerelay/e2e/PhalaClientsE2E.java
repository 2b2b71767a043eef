package com.composerelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.local.HttpApiRoutes;
import com.composerelay.local.HttpFront;
import com.composerelay.local.LocalDeployment;
import com.composerelay.local.LocalDeployment.Published;
import com.composerelay.local.PhalaStandIn;
import com.composerelay.local.SamTemplate;
import com.composerelay.support.PhalaClients;
import com.composerelay.support.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;
import com.composerelay.support.Tags;

/**
 * Phala's own, unmodified clients (Python SDK phala-cloud 0.1.3 and 0.2.0, CLI phala 1.1.18, JS SDK
 * {@code @phala/cloud} 0.2.9) pointed at the relay with {@code PHALA_CLOUD_API_PREFIX} and a relay token as
 * their key: through the local HTTP front, the function under the emulator, LocalStack and the Phala
 * stand-in, which must see the real key and never the token. The current SDKs (issue 21) use scoped
 * tokens on two CVMs of a stand-in fleet: one for read and deploy, one read-only, one expired.
 */
@Tag(Tags.LOCALSTACK)
@Tag(Tags.EMULATOR)
@Tag(Tags.PYTHON)
@Tag(Tags.NODE)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PhalaClientsE2E {
    static final String TOKEN = "crt_ciE2eToken" + "A".repeat(34);
    static final String OTHER = "crt_otherTeamToken" + "B".repeat(30);
    static final String COMPOSE = "services:\n  web:\n    image: nginx:1.27\n";
    static final String HASH = "0f".repeat(32);
    /** Issue 21's scoped tokens, each listing the fleet's two CVMs by vm_uuid (with dashes). */
    static final String DEPLOYER = "crt_deployerE2e" + "D".repeat(33);
    static final String READER = "crt_readerE2e" + "R".repeat(35);
    static final String EXPIRED = "crt_expiredE2e" + "X".repeat(34);
    static final String EXPIRED_AT = "2026-01-01T00:00:00Z";
    /** The fleet app the current SDKs work on, and its first compose hash. */
    static final String APP = "e2ec11e7" + "0".repeat(32);
    static final String FIRST_HASH = "1a".repeat(32);
    static final String COMPOSE_PY = "services:\n  web:\n    image: nginx:1.27.3\n";
    static final String COMPOSE_JS = "services:\n  web:\n    image: nginx:1.27.4\n";
    static final String KMS_INFO = "{\"id\":\"kms_standin\",\"slug\":\"standin\",\"url\":\"https://kms.standin.local\","
            + "\"version\":\"v0.5.3\",\"chain_id\":null,\"kms_contract_address\":null,\"gateway_app_id\":null}";

    private static LocalDeployment stack;
    private static HttpFront front;
    private static PhalaClients.Installed clients;
    private static URI prefix;
    /** The fleet's two CVMs: Python 0.2.0 deploys to the first, the JS SDK to the second. */
    private static String vmA;
    private static String vmB;

    @BeforeAll
    static void deploy() {
        clients = PhalaClients.installed();
        // A two-second cache of the token list, so that a revocation shows within the test.
        stack = LocalDeployment.start(new LocalDeployment.Options("clients-" + UUID.randomUUID().toString().substring(0, 8),
                Map.of(), null, LocalDeployment.Phala.PROMPT, Path.of("target", "e2e-logs"),
                Map.of("API_KEY_CACHE_TTL_SECONDS", "2")));
        // Version 4 UUIDs, as Phala's: the JS SDK strips the dashes of those only (CvmIdSchema's pattern).
        vmA = stack.phala.addCvm(APP, "8d8e1f4e-7a2b-4c3d-9e8f-0a1b2c3d4e5f", FIRST_HASH);
        vmB = stack.phala.addCvm(APP, "5b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d", FIRST_HASH);
        List<String> fleet = List.of(vmA, vmB);
        stack.setRelayTokenEntries(List.of(
                new LocalDeployment.RelayTokenEntry("ci-e2e", TOKEN, List.of("cvm_py01", "cvm_cli01"), null, null),
                new LocalDeployment.RelayTokenEntry("other-team", OTHER, List.of("cvm_elsewhere"), null, null),
                new LocalDeployment.RelayTokenEntry("deployer", DEPLOYER, fleet, List.of("read", "deploy"), null),
                new LocalDeployment.RelayTokenEntry("reader", READER, fleet, List.of("read"), null),
                new LocalDeployment.RelayTokenEntry("expired-ci", EXPIRED, fleet, List.of("read", "deploy"), EXPIRED_AT)));
        Path buildDir = Path.of(System.getProperty("sam.build.dir", ".aws-sam/build"));
        front = new HttpFront(HttpApiRoutes.of(SamTemplate.read(buildDir), LocalDeployment.FUNCTION),
                stack.function::invoke).start(0);
        prefix = URI.create(front.baseUrl() + "/api/v1");
    }

    @AfterAll
    static void tearDown() {
        Teardown.close(front, stack, TOKEN, OTHER, DEPLOYER, READER, EXPIRED);
    }

    private static PhalaClients as(String token, Path home) {
        return PhalaClients.against(clients, prefix, token, home, Duration.ofSeconds(60));
    }

    /** What the stand-in received after the first {@code before} requests, one line each. */
    private static List<String> since(int before) {
        List<PhalaStandIn.Received> all = stack.phala.received();
        return all.subList(before, all.size()).stream().map(PhalaStandIn.Received::toString).toList();
    }

    /** Waits (up to 15 s) until the fleet CVM's update is over. */
    private static void settled(String vmUuid) throws InterruptedException {
        long until = System.nanoTime() + 15_000_000_000L;
        while (stack.phala.inProgress(vmUuid) && System.nanoTime() < until) {
            Thread.sleep(200);
        }
        assertThat(stack.phala.inProgress(vmUuid)).as(vmUuid + " still updating").isFalse();
    }

    /** A settled, running fleet CVM's status as the Python SDK 0.2.0 returns it (CvmStatus, dumped as JSON). */
    private static String pythonStatus(String vmUuid) {
        return "{\"vm_uuid\":\"" + vmUuid + "\",\"status\":\"running\",\"uptime\":\"1m\",\"in_progress\":false,"
                + "\"boot_progress\":null,\"boot_error\":null,\"shutdown_progress\":null,\"events\":[],\"operation\":null,"
                + "\"resource_usage\":null,\"operation_type\":null,\"operation_started_at\":null,\"correlation_id\":null}";
    }

    /** A settled, running fleet CVM's status as the JS SDK 0.2.9 returns it (zod strips shutdown_progress and events). */
    private static String jsStatus(String vmUuid) {
        return "{\"vm_uuid\":\"" + vmUuid + "\",\"status\":\"running\",\"uptime\":\"1m\",\"in_progress\":false,"
                + "\"boot_progress\":null,\"boot_error\":null,\"operation_type\":null,\"operation_started_at\":null,"
                + "\"correlation_id\":null}";
    }

    private static String json(String text) {
        return TestJson.quote(text);
    }

    private static String sha256(String text) {
        return com.composerelay.core.Fingerprint.sha256Hex(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    @Order(1)
    void thePythonSdkProvisionsAndCommitsWithARelayToken(@TempDir Path home) throws Exception {
        PhalaClients.Run run = as(TOKEN, home).pythonProvisionAndCommit("cvm_py01", COMPOSE, PhalaClients.PythonOptions.NONE);
        System.out.println("python phala-cloud 0.1.3 printed: " + run.stdout().strip());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode printed = TestJson.parse(run.stdout());
        String hash = printed.get("provision").get("compose_hash").textValue();
        JsonNode provision = TestJson.parse(stack.phala.lastProvision("cvm_py01"));
        assertThat(provision.get("docker_compose_file").textValue()).isEqualTo(COMPOSE);
        JsonNode patch = TestJson.parse(stack.phala.lastPatch("cvm_py01"));
        assertThat(patch).isEqualTo(TestJson.parse("{\"compose_hash\":\"" + hash
                + "\",\"encrypted_env\":null,\"env_keys\":null,\"update_env_vars\":null}"));
        assertThat(stack.phala.keysSeen()).isEqualTo(Set.of(LocalDeployment.SAMPLE_API_KEY));
        List<Published> published = stack.outcomes(1, 10);
        assertThat(published).singleElement().satisfies(p -> {
            assertThat(p.status()).isEqualTo("accepted");
            assertThat(p.outcome().get("actor").textValue()).isEqualTo("token:ci-e2e");
            assertThat(p.attributes()).containsEntry("actor", "token:ci-e2e").containsEntry("trigger", "phala-api");
            assertThat(p.outcome().get("trigger").textValue()).isEqualTo("phala-api");
            assertThat(p.outcome().get("compose_hash").textValue()).isEqualTo(hash);
        });
    }

    @Test
    @Order(2)
    void theCliDeploysWithARelayToken(@TempDir Path home) throws Exception {
        Path file = Files.writeString(home.resolve("docker-compose.yml"), COMPOSE);
        long deploys = stack.phala.deploys();
        PhalaClients.Run run = as(TOKEN, home).cliDeploy("cvm_cli01", file);
        System.out.println("phala 1.1.18 deploy printed: " + run.stdout().strip() + " | " + run.stderr().strip());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stdout()).contains("CVM updated successfully!");
        assertThat(stack.phala.deploys() - deploys).isEqualTo(1);
        assertThat(TestJson.parse(stack.phala.lastDeploy("cvm_cli01")).get("docker_compose_file").textValue())
                .isEqualTo(COMPOSE);
        assertThat(stack.phala.keysSeen()).isEqualTo(Set.of(LocalDeployment.SAMPLE_API_KEY));
        assertThat(stack.outcomes(1, 10)).singleElement().satisfies(p -> {
            assertThat(p.status()).isEqualTo("accepted");
            assertThat(p.outcome().get("actor").textValue()).isEqualTo("token:ci-e2e");
            assertThat(p.outcome().get("cvm_id").textValue()).isEqualTo("cvm_cli01");
        });
    }

    @Test
    @Order(3)
    void theClisRawApiPatchGoesThroughTheRelay(@TempDir Path home) throws Exception {
        long patches = stack.phala.patches();
        PhalaClients.Run run = as(TOKEN, home).cliApiPatch("cvm_cli01", HASH);
        System.out.println("phala 1.1.18 api printed: " + run.stdout().strip());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(TestJson.parse(run.stdout())).isEqualTo(TestJson.parse("{}"));
        assertThat(stack.phala.patches() - patches).isEqualTo(1);
        assertThat(TestJson.parse(stack.phala.lastPatch("cvm_cli01"))).isEqualTo(TestJson.parse(
                "{\"compose_hash\":\"" + HASH + "\"}"));
        assertThat(stack.outcomes(1, 10)).singleElement().satisfies(p -> {
            assertThat(p.outcome().get("actor").textValue()).isEqualTo("token:ci-e2e");
            assertThat(p.outcome().get("compose_hash").textValue()).isEqualTo(HASH);
        });
    }

    @Test
    @Order(4)
    void aTokenForAnotherCvmGetsPhalas403AndNothingIsForwarded(@TempDir Path home) throws Exception {
        long provisions = stack.phala.provisions();
        long reads = stack.phala.reads();
        PhalaClients.Run python = as(OTHER, home).pythonProvisionAndCommit("cvm_py01", COMPOSE,
                PhalaClients.PythonOptions.NONE);
        Path file = Files.writeString(home.resolve("docker-compose.yml"), COMPOSE);
        PhalaClients.Run cli = as(OTHER, home).cliDeploy("cvm_cli01", file);
        System.out.println("403: python printed " + python.stdout().strip() + " | phala deploy printed " + cli.stderr().strip());

        assertThat(python.exitCode()).isEqualTo(1);
        JsonNode error = TestJson.parse(python.stdout()).get("error");
        assertThat(error.get("status_code").intValue()).isEqualTo(403);
        assertThat(error.get("message").textValue()).isEqualTo("this relay token may not update or read this CVM");
        assertThat(cli.exitCode()).isEqualTo(1);
        assertThat(cli.stderr()).contains("Failed to get cvm info: this relay token may not update or read this CVM");
        assertThat(stack.phala.provisions()).isEqualTo(provisions);
        assertThat(stack.phala.reads()).isEqualTo(reads);
        assertThat(stack.outcomesSoFar()).isEmpty();
    }

    @Test
    @Order(5)
    void thePythonSdk020ProvisionsAndCommitsWithAScopedToken(@TempDir Path home) throws Exception {
        // Addressed by its cvm_ id (API 2026-05-22 on) while the token lists its vm_uuid: the relay reads the other ids.
        String cvmId = stack.phala.cvmId(vmA);
        int before = stack.phala.received().size();
        PhalaClients.Run run = as(DEPLOYER, home).python020ProvisionAndCommit(cvmId, COMPOSE_PY, PhalaClients.PythonOptions.NONE);
        System.out.println("python phala-cloud 0.2.0 provision+commit printed: " + run.stdout().strip() + " | stderr: "
                + run.stderr().strip());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        String provisioned = stack.phala.lastProvision(vmA);
        assertThat(TestJson.parse(provisioned)).isEqualTo(TestJson.parse("{\"docker_compose_file\":" + json(COMPOSE_PY) + "}"));
        String hash = sha256(provisioned);
        assertThat(TestJson.parse(run.stdout())).isEqualTo(TestJson.parse("{\"provision\":{\"app_id\":\"" + APP
                + "\",\"device_id\":\"dev_1\",\"compose_hash\":\"" + hash + "\",\"kms_info\":" + KMS_INFO
                + ",\"compose_hash_registered\":true},\"commit\":null}"));
        assertThat(TestJson.parse(stack.phala.lastPatch(vmA))).isEqualTo(TestJson.parse("{\"compose_hash\":\"" + hash
                + "\",\"encrypted_env\":null,\"env_keys\":null,\"update_env_vars\":null}"));
        assertThat(stack.phala.commits(vmA)).containsExactly(hash);
        List<String> received = since(before);
        System.out.println("python phala-cloud 0.2.0 provision+commit: the stand-in received " + received);
        assertThat(received).containsExactly(
                "GET /api/v1/cvms/" + cvmId + " (X-Phala-Version 2026-06-23)",
                "POST /api/v1/cvms/" + cvmId + "/compose_file/provision (X-Phala-Version 2026-06-23)",
                "PATCH /api/v1/cvms/" + cvmId + "/compose_file (X-Phala-Version 2026-06-23)");
        assertThat(stack.phala.keysSeen()).isEqualTo(Set.of(LocalDeployment.SAMPLE_API_KEY));
        assertThat(stack.outcomes(1, 10)).singleElement().satisfies(p -> {
            assertThat(p.status()).isEqualTo("accepted");
            assertThat(p.outcome().get("actor").textValue()).isEqualTo("token:deployer");
            assertThat(p.outcome().get("trigger").textValue()).isEqualTo("phala-api");
            assertThat(p.outcome().get("cvm_id").textValue()).isEqualTo(cvmId);
            assertThat(p.outcome().get("compose_hash").textValue()).isEqualTo(hash);
        });
    }

    @Test
    @Order(6)
    void thePythonSdk020ReadsTheStatusBatchWithAReadOnlyToken(@TempDir Path home) throws Exception {
        settled(vmA);
        long batches = stack.phala.statusBatches();
        int before = stack.phala.received().size();
        PhalaClients.Run run = as(READER, home).python020StatusBatch(vmA, vmB);
        System.out.println("python phala-cloud 0.2.0 get_cvm_status_batch printed: " + run.stdout().strip() + " | stderr: "
                + run.stderr().strip());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(TestJson.parse(run.stdout())).isEqualTo(TestJson.parse("{\"status_batch\":{\"" + vmA + "\":"
                + pythonStatus(vmA) + ",\"" + vmB + "\":" + pythonStatus(vmB) + "}}"));
        assertThat(stack.phala.statusBatches() - batches).isEqualTo(1);
        assertThat(since(before)).containsExactly("POST /api/v1/status/batch (X-Phala-Version 2026-06-23)");
        assertThat(stack.outcomesSoFar()).isEmpty();
    }

    @Test
    @Order(7)
    void theJsSdkReadsTheStatusBatchWithAReadOnlyToken(@TempDir Path home) throws Exception {
        long batches = stack.phala.statusBatches();
        int before = stack.phala.received().size();
        PhalaClients.Run run = as(READER, home).jsStatusBatch(vmA, vmB);
        System.out.println("@phala/cloud 0.2.9 getCvmStatusBatch printed: " + run.stdout().strip() + " | stderr: "
                + run.stderr().strip());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(TestJson.parse(run.stdout())).isEqualTo(TestJson.parse("{\"status_batch\":{\"" + vmA + "\":"
                + jsStatus(vmA) + ",\"" + vmB + "\":" + jsStatus(vmB) + "}}"));
        assertThat(stack.phala.statusBatches() - batches).isEqualTo(1);
        assertThat(since(before)).containsExactly("POST /api/v1/status/batch (X-Phala-Version 2026-01-21)");
        assertThat(stack.outcomesSoFar()).isEmpty();
    }

    @Test
    @Order(8)
    void theJsSdkProvisionsCommitsAndWatchesTheCvmBecomeRunning(@TempDir Path home) throws Exception {
        // Long enough that the watch's first read sees the update in progress, short enough for one connection.
        stack.phala.updateMillis(7000);
        PhalaClients.Run deploy;
        PhalaClients.Run watch;
        int before = stack.phala.received().size();
        try {
            deploy = as(DEPLOYER, home).jsProvisionAndCommit(vmB, COMPOSE_JS);
            watch = as(DEPLOYER, home).jsWatchState(vmB, "running", null);
        } finally {
            stack.phala.updateMillis(PhalaStandIn.UPDATE_MILLIS);
        }
        System.out.println("@phala/cloud 0.2.9 provision+commit printed: " + deploy.stdout().strip() + " | stderr: "
                + deploy.stderr().strip());
        System.out.println("@phala/cloud 0.2.9 watchCvmState printed: " + watch.stdout().strip() + " | stderr: "
                + watch.stderr().strip());

        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        String provisioned = stack.phala.lastProvision(vmB);
        assertThat(TestJson.parse(provisioned)).isEqualTo(TestJson.parse("{\"docker_compose_file\":" + json(COMPOSE_JS) + "}"));
        String hash = sha256(provisioned);
        assertThat(TestJson.parse(deploy.stdout())).isEqualTo(TestJson.parse("{\"provision\":{\"app_id\":\"" + APP
                + "\",\"device_id\":\"dev_1\",\"compose_hash\":\"" + hash + "\",\"kms_info\":" + KMS_INFO
                + ",\"compose_hash_registered\":true},\"commit\":null}"));
        assertThat(TestJson.parse(stack.phala.lastPatch(vmB))).isEqualTo(TestJson.parse("{\"compose_hash\":\"" + hash + "\"}"));
        assertThat(stack.phala.commits(vmB)).containsExactly(hash);

        assertThat(watch.exitCode()).as(watch.toString()).isZero();
        String updating = "{\"status\":\"updating\",\"uptime\":null,\"boot_progress\":\"booting\",\"boot_error\":null}";
        String running = "{\"status\":\"running\",\"uptime\":\"1m\",\"boot_progress\":\"done\",\"boot_error\":null}";
        assertThat(TestJson.parse(watch.stdout())).isEqualTo(TestJson.parse("{\"watch\":" + running + ",\"events\":["
                + "{\"type\":\"state\",\"data\":" + updating + "},{\"type\":\"state\",\"data\":" + running + "},"
                + "{\"type\":\"complete\",\"data\":" + running + "}]}"));
        assertThat(stack.phala.composeHash(vmB)).isEqualTo(hash);

        // The JS SDK strips a UUID's dashes for the watch only; the watch itself sends no X-Phala-Version.
        List<String> received = since(before);
        System.out.println("@phala/cloud 0.2.9: the stand-in received " + received);
        String bare = vmB.replace("-", "");
        assertThat(received.subList(0, 3)).containsExactly(
                "POST /api/v1/cvms/" + vmB + "/compose_file/provision (X-Phala-Version 2026-01-21)",
                "PATCH /api/v1/cvms/" + vmB + "/compose_file (X-Phala-Version 2026-01-21)",
                "GET /api/v1/cvms/" + bare + "/state (X-Phala-Version 2026-06-23)");
        assertThat(received.subList(3, received.size())).isNotEmpty()
                .allMatch(r -> r.equals("GET /api/v1/cvms/" + bare + "/state (X-Phala-Version 2026-06-23)"));
        assertThat(stack.phala.keysSeen()).isEqualTo(Set.of(LocalDeployment.SAMPLE_API_KEY));
        assertThat(stack.outcomes(1, 10)).singleElement().satisfies(p -> {
            assertThat(p.status()).isEqualTo("accepted");
            assertThat(p.outcome().get("actor").textValue()).isEqualTo("token:deployer");
            assertThat(p.outcome().get("cvm_id").textValue()).isEqualTo(vmB);
            assertThat(p.outcome().get("compose_hash").textValue()).isEqualTo(hash);
        });
    }

    @Test
    @Order(9)
    void aReadOnlyTokenIsRefusedADeployWithEachClientsOwnError(@TempDir Path home) throws Exception {
        long provisions = stack.phala.provisions();
        int before = stack.phala.received().size();
        PhalaClients.Run python = as(READER, home).python020ProvisionAndCommit(vmA, COMPOSE_PY, PhalaClients.PythonOptions.NONE);
        PhalaClients.Run js = as(READER, home).jsProvisionAndCommit(vmA, COMPOSE_JS);
        System.out.println("read-only token, deploy: python phala-cloud 0.2.0 printed " + python.stdout().strip()
                + " | @phala/cloud 0.2.9 printed " + js.stdout().strip());

        String detail = "this relay token may not provision a compose (deploy): its scopes are read";
        assertThat(python.exitCode()).as(python.toString()).isEqualTo(1);
        JsonNode error = TestJson.parse(python.stdout());
        assertThat(error.get("step").textValue()).isEqualTo("provision");
        assertThat(error.get("error").get("type").textValue()).isEqualTo("AuthError");
        assertThat(error.get("error").get("status_code").intValue()).isEqualTo(403);
        assertThat(error.get("error").get("message").textValue()).isEqualTo(detail);
        assertThat(error.get("error").get("detail")).isEqualTo(TestJson.parse("{\"detail\":" + json(detail) + "}"));
        assertThat(js.exitCode()).as(js.toString()).isEqualTo(1);
        assertThat(TestJson.parse(js.stdout())).isEqualTo(TestJson.parse("{\"step\":\"provision\",\"error\":{"
                + "\"type\":\"AuthError\",\"name\":\"AuthError\",\"status\":403,\"message\":" + json(detail)
                + ",\"detail\":" + json(detail) + "}}"));
        assertThat(stack.phala.provisions()).isEqualTo(provisions);
        assertThat(since(before)).isEmpty();
        assertThat(stack.outcomesSoFar()).isEmpty();
    }

    @Test
    @Order(10)
    void anExpiredTokenGets401AndNothingIsForwarded(@TempDir Path home) throws Exception {
        int before = stack.phala.received().size();
        PhalaClients.Run python = as(EXPIRED, home).python020StatusBatch(vmA);
        PhalaClients.Run pythonDeploy = as(EXPIRED, home).python020ProvisionAndCommit(vmA, COMPOSE_PY,
                PhalaClients.PythonOptions.NONE);
        PhalaClients.Run js = as(EXPIRED, home).jsStatusBatch(vmA);
        PhalaClients.Run watch = as(EXPIRED, home).jsWatchState(vmA, "running", 1);
        System.out.println("expired token: python phala-cloud 0.2.0 get_cvm_status_batch printed " + python.stdout().strip()
                + " | provision+commit printed " + pythonDeploy.stdout().strip()
                + " | @phala/cloud 0.2.9 getCvmStatusBatch printed " + js.stdout().strip()
                + " | watchCvmState (maxRetries 1) printed " + watch.stdout().strip());

        String detail = "Invalid API key: relay token expired-ci expired at " + EXPIRED_AT + "; ask for a new one";
        for (PhalaClients.Run run : List.of(python, pythonDeploy)) {
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
            JsonNode error = TestJson.parse(run.stdout()).get("error");
            assertThat(error.get("type").textValue()).isEqualTo("AuthError");
            assertThat(error.get("status_code").intValue()).isEqualTo(401);
            assertThat(error.get("message").textValue()).isEqualTo(detail);
        }
        assertThat(TestJson.parse(pythonDeploy.stdout()).get("step").textValue()).isEqualTo("provision");
        assertThat(js.exitCode()).as(js.toString()).isEqualTo(1);
        assertThat(TestJson.parse(js.stdout())).isEqualTo(TestJson.parse("{\"step\":\"status_batch\",\"error\":{"
                + "\"type\":\"AuthError\",\"name\":\"AuthError\",\"status\":401,\"message\":" + json(detail)
                + ",\"detail\":" + json(detail) + "}}"));
        // The watch reads no error body: a bare "HTTP 401", thrown once maxRetries is spent (the default retries forever).
        assertThat(watch.exitCode()).as(watch.toString()).isEqualTo(1);
        assertThat(TestJson.parse(watch.stdout())).isEqualTo(TestJson.parse("{\"step\":\"watch\",\"error\":{"
                + "\"type\":\"Error\",\"name\":\"Error\",\"status\":null,\"message\":\"HTTP 401: Unauthorized\","
                + "\"detail\":null},\"events\":[]}"));
        assertThat(since(before)).isEmpty();
        assertThat(stack.outcomesSoFar()).isEmpty();
    }

    @Test
    @Order(20)
    void aRevokedTokenGets401(@TempDir Path home) throws Exception {
        stack.setRelayTokens(List.<String[]>of(new String[] {"other-team", OTHER, "cvm_elsewhere"}));
        Thread.sleep(2500); // the function's list is two seconds old at most: it reads the secret again
        long provisions = stack.phala.provisions();
        PhalaClients.Run python = as(TOKEN, home).pythonProvisionAndCommit("cvm_py01", COMPOSE,
                PhalaClients.PythonOptions.NONE);
        PhalaClients.Run api = as(TOKEN, home).cliApiPatch("cvm_cli01", HASH);
        System.out.println("401: python printed " + python.stdout().strip() + " | phala api printed " + api.stdout().strip());

        assertThat(python.exitCode()).isEqualTo(1);
        JsonNode error = TestJson.parse(python.stdout()).get("error");
        assertThat(error.get("status_code").intValue()).isEqualTo(401);
        assertThat(error.get("message").textValue())
                .isEqualTo("Invalid API key: the relay takes a relay token (crt_…) in X-API-Key");
        assertThat(api.exitCode()).isEqualTo(1);
        assertThat(TestJson.parse(api.stdout()).get("detail").textValue())
                .isEqualTo("Invalid API key: the relay takes a relay token (crt_…) in X-API-Key");
        assertThat(stack.phala.provisions()).isEqualTo(provisions);
        assertThat(stack.outcomesSoFar()).isEmpty();
    }
}
