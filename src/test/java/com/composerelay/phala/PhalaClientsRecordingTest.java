package com.composerelay.phala;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.support.EnvDecryption;
import com.composerelay.support.PhalaClients;
import com.composerelay.support.PhalaClients.PythonOptions;
import com.composerelay.support.PhalaClients.Run;
import com.composerelay.support.RecordingPhala;
import com.composerelay.support.RecordingPhala.Recorded;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;
import com.composerelay.support.Tags;

/**
 * What Phala's own, unmodified clients send and print, recorded against a stand-in for Phala on 127.0.0.1: the
 * contract the relay's Phala-compatible routes must meet for a user who points these clients at the relay with
 * {@code PHALA_CLOUD_API_PREFIX} and a relay token as the API key (docs/PHALA-CLIENTS.md sums it up).
 */
@Tag(Tags.PYTHON)
@Tag(Tags.NODE)
class PhalaClientsRecordingTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String TOKEN = "rt_live_3f9a2c7e1b8d4a6f0c5e9b2d7a1f4c8e";
    private static final String CVM_ID = "cvm_ykL5lbAn";
    private static final String CVM_UUID = "8d8e1f4e-7a2b-4c3d-9e5f-0a1b2c3d4e5f";
    private static final String HASH = "9f2c1e4b7a6d5c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b";
    private static final String APP_ID = "e5bf5d4d2c4b8a0c3f1e6d7a9b8c7d6e5f4a3b2c";
    /** The env public key of the receiver private key 0x01..0x20 (docs' test vector), so a test can open the env. */
    private static final String ENV_PUBKEY = "07a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c";
    private static final byte[] ENV_PRIVATE_KEY = HexFormat.of().parseHex("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20");
    private static final String COMPOSE = "services:\n  web:\n    image: nginx:1.27\n    environment:\n      - FOO\n";
    private static final String INVALID_KEY = "{\"detail\":\"Invalid API key\"}";
    private static final String FORBIDDEN = "{\"detail\":\"Relay token may not update cvm_ykL5lbAn\"}";

    private static final String KMS_INFO = """
            {"id": "kms_phala_prod7", "slug": "phala-prod7", "url": "https://kms.phala.example", "version": "v0.5.3",
             "chain_id": null, "kms_contract_address": null, "gateway_app_id": null, "encrypted_env_pubkey": "%s"}"""
            .formatted(ENV_PUBKEY);
    private static final String PROVISIONED = """
            {"app_id": "app_%s", "device_id": "0e5d1a7c9b3f2e4d6a8c0b1f3e5d7a9c2b4e6f8a0c1d3e5f7a9b2c4d6e8f0a1b",
             "compose_hash": "%s", "compose_hash_registered": true, "kms_info": %s}""".formatted(APP_ID, HASH, KMS_INFO);
    /**
     * A CVM as API 2025-10-28 (the version the CLI's deploy asks for) shows it: every field its schema requires
     * ({@code id} a number; {@code encrypted_env_pubkey} at the top level, present even if null) and the newer ones too.
     */
    private static final String CVM = """
            {"id": 4711, "name": "shop-frontend", "status": "running", "in_progress": false, "teepod_id": 12,
             "app_id": "%s", "vm_uuid": "%s", "instance_id": "b7c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9",
             "vcpu": 2, "memory": 4096, "disk_size": 40, "base_image": "dstack-0.5.3", "encrypted_env_pubkey": "%s",
             "kms_info": %s, "compose_hash": "%s", "listed": false, "public_urls": []}"""
            .formatted(APP_ID, CVM_UUID, ENV_PUBKEY, KMS_INFO, HASH);
    private static final String CORRELATED = "{\"correlation_id\": \"corr_5e1f0a9b\"}";

    private static PhalaClients.Installed installed;

    @TempDir
    Path home;
    private RecordingPhala phala;
    private PhalaClients clients;

    @BeforeAll
    static void findClients() {
        installed = PhalaClients.installed();
    }

    @BeforeEach
    void startPhala() {
        phala = RecordingPhala.start()
                .answer("POST", "/api/v1/cvms/[^/]+/compose_file/provision", 200, PROVISIONED)
                .answer("PATCH", "/api/v1/cvms/[^/]+/compose_file", 202, "{}")
                .answer("GET", "/api/v1/cvms/[^/]+", 200, CVM)
                .answer("PATCH", "/api/v1/cvms/[^/]+", 202, CORRELATED);
        clients = PhalaClients.against(installed, phala.apiPrefix(), TOKEN, home, Duration.ofSeconds(30));
    }

    @AfterEach
    void stopPhala() {
        phala.close();
    }

    // --- Python SDK phala-cloud 0.1.3: provision_cvm_compose_file_update, then commit_cvm_compose_file_update

    @Test
    void pythonProvisionsThenCommitsWithNullsForFieldsNotGiven() throws Exception {
        Run run = clients.pythonProvisionAndCommit(CVM_ID, COMPOSE, PythonOptions.NONE);

        assertThat(run.exitCode()).as("%s", run).isZero();
        List<Recorded> sent = phala.requests();
        assertThat(sent).extracting(Recorded::line).containsExactly(
                "POST /api/v1/cvms/cvm_ykL5lbAn/compose_file/provision",
                "PATCH /api/v1/cvms/cvm_ykL5lbAn/compose_file");
        sent.forEach(PhalaClientsRecordingTest::assertPythonHeaders);
        assertThat(sent.get(0).json()).isEqualTo(json("{\"docker_compose_file\": %s}", quoted(COMPOSE)));
        assertThat(sent.get(1).json()).isEqualTo(json("""
                {"compose_hash": "%s", "encrypted_env": null, "env_keys": null, "update_env_vars": null}""", HASH));
        assertThat(json(run.stdout())).isEqualTo(json("{\"provision\": %s, \"commit\": null}", PROVISIONED));
        assertThat(run.stderr()).isEmpty();
    }

    @Test
    void pythonSendsEveryFieldItIsGiven() throws Exception {
        String sealed = "ab".repeat(60);
        Run run = clients.pythonProvisionAndCommit(CVM_ID, COMPOSE,
                new PythonOptions("shop-frontend", List.of("FOO", "BAR"), true, sealed, List.of("FOO", "BAR")));

        assertThat(run.exitCode()).as("%s", run).isZero();
        List<Recorded> sent = phala.requests();
        assertThat(sent).extracting(Recorded::line).containsExactly(
                "POST /api/v1/cvms/cvm_ykL5lbAn/compose_file/provision",
                "PATCH /api/v1/cvms/cvm_ykL5lbAn/compose_file");
        assertThat(sent.get(0).json()).isEqualTo(json("""
                {"docker_compose_file": %s, "name": "shop-frontend", "allowed_envs": ["FOO", "BAR"], "update_env_vars": true}""",
                quoted(COMPOSE)));
        assertThat(sent.get(1).json()).isEqualTo(json("""
                {"compose_hash": "%s", "encrypted_env": "%s", "env_keys": ["FOO", "BAR"], "update_env_vars": true}""",
                HASH, sealed));
    }

    @Test
    void pythonKeepsTheDashesOfAUuidInThePath() {
        Run run = clients.pythonProvisionAndCommit(CVM_UUID, COMPOSE, PythonOptions.NONE);

        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(phala.requests()).extracting(Recorded::line).containsExactly(
                "POST /api/v1/cvms/" + CVM_UUID + "/compose_file/provision",
                "PATCH /api/v1/cvms/" + CVM_UUID + "/compose_file");
    }

    @Test
    void pythonRaisesAuthErrorOn401AndStopsAtTheProvision() throws Exception {
        phala.answerEverything(401, INVALID_KEY);

        Run run = clients.pythonProvisionAndCommit(CVM_ID, COMPOSE, PythonOptions.NONE);

        assertThat(run.exitCode()).as("%s", run).isEqualTo(1);
        assertThat(phala.requests()).extracting(Recorded::line)
                .containsExactly("POST /api/v1/cvms/cvm_ykL5lbAn/compose_file/provision");
        assertThat(json(run.stdout())).isEqualTo(json("""
                {"step": "provision", "error": {"type": "AuthError", "status_code": 401, "message": "Invalid API key",
                 "detail": {"detail": "Invalid API key"}, "request_id": "req-standin-1"}}"""));
    }

    @Test
    void pythonRaisesAuthErrorOn403AndStopsAtTheProvision() throws Exception {
        phala.answerEverything(403, FORBIDDEN);

        Run run = clients.pythonProvisionAndCommit(CVM_ID, COMPOSE, PythonOptions.NONE);

        assertThat(run.exitCode()).as("%s", run).isEqualTo(1);
        assertThat(phala.requests()).extracting(Recorded::line)
                .containsExactly("POST /api/v1/cvms/cvm_ykL5lbAn/compose_file/provision");
        assertThat(json(run.stdout())).isEqualTo(json("""
                {"step": "provision", "error": {"type": "AuthError", "status_code": 403,
                 "message": "Relay token may not update cvm_ykL5lbAn",
                 "detail": {"detail": "Relay token may not update cvm_ykL5lbAn"}, "request_id": "req-standin-1"}}"""));
    }

    @Test
    void pythonRaisesAuthErrorWhenOnlyTheCommitIsForbidden() throws Exception {
        phala.answer("PATCH", "/api/v1/cvms/[^/]+/compose_file", 403, FORBIDDEN);

        Run run = clients.pythonProvisionAndCommit(CVM_ID, COMPOSE, PythonOptions.NONE);

        assertThat(run.exitCode()).as("%s", run).isEqualTo(1);
        assertThat(phala.requests()).extracting(Recorded::line).containsExactly(
                "POST /api/v1/cvms/cvm_ykL5lbAn/compose_file/provision",
                "PATCH /api/v1/cvms/cvm_ykL5lbAn/compose_file");
        assertThat(json(run.stdout())).isEqualTo(json("""
                {"step": "commit", "error": {"type": "AuthError", "status_code": 403,
                 "message": "Relay token may not update cvm_ykL5lbAn",
                 "detail": {"detail": "Relay token may not update cvm_ykL5lbAn"}, "request_id": "req-standin-2"}}"""));
    }

    @Test
    void cliDeployReadsTheCvmThenPatchesItWithTheComposeFile() throws Exception {
        Run run = clients.cliDeploy(CVM_ID, composeFile());

        assertThat(run.exitCode()).as("%s", run).isZero();
        List<Recorded> sent = phala.requests();
        assertThat(sent).extracting(Recorded::line).containsExactly(
                "GET /api/v1/cvms/cvm_ykL5lbAn",
                "PATCH /api/v1/cvms/cvm_ykL5lbAn");
        assertCliSdkHeaders(sent.get(0), "*/*");
        assertThat(sent.get(0).body()).isEmpty();
        assertCliSdkHeaders(sent.get(1), "application/json");
        assertThat(sent.get(1).json()).isEqualTo(json("{\"docker_compose_file\": %s}", quoted(COMPOSE)));
        assertThat(run.stdout()).isEqualTo("CVM updated successfully!\n");
        assertThat(run.stderr()).isEqualTo("ℹ Updating CVM cvm_ykL5lbAn...\n");
    }

    @Test
    void cliDeployWithAnEnvSealsItToTheTopLevelEnvPubkeyAndAllowsItsKeys() throws Exception {
        Run run = clients.cliDeploy(CVM_ID, composeFile(), "-e", "FOO=bar", "-e", "BAR=baz qux");

        assertThat(run.exitCode()).as("%s", run).isZero();
        List<Recorded> sent = phala.requests();
        assertThat(sent).extracting(Recorded::line).containsExactly(
                "GET /api/v1/cvms/cvm_ykL5lbAn",
                "PATCH /api/v1/cvms/cvm_ykL5lbAn");
        JsonNode body = sent.get(1).json();
        assertThat(body.fieldNames()).toIterable().containsExactly("docker_compose_file", "allowed_envs", "encrypted_env");
        assertThat(body.get("docker_compose_file").asText()).isEqualTo(COMPOSE);
        assertThat(body.get("allowed_envs")).isEqualTo(json("[\"FOO\", \"BAR\"]"));
        assertThat(json(EnvDecryption.open(ENV_PRIVATE_KEY, body.get("encrypted_env").asText()))).isEqualTo(json("""
                {"env": [{"key": "FOO", "value": "bar"}, {"key": "BAR", "value": "baz qux"}]}"""));
        assertThat(run.stdout()).isEqualTo("CVM updated successfully!\n");
    }

    @Test
    void cliDeployStripsTheDashesOfAUuid() {
        Run run = clients.cliDeploy(CVM_UUID, composeFile());

        assertThat(run.exitCode()).as("%s", run).isZero();
        String bare = CVM_UUID.replace("-", "");
        assertThat(phala.requests()).extracting(Recorded::line).containsExactly(
                "GET /api/v1/cvms/" + bare,
                "PATCH /api/v1/cvms/" + bare);
        assertThat(run.stderr()).isEqualTo("ℹ Updating CVM " + bare + "...\n");
    }

    @Test
    void cliDeployAcceptsTheSmallestCvmRecordItsSchemaAllows() {
        phala.answer("GET", "/api/v1/cvms/[^/]+", 200, """
                {"id": 1, "name": "shop-frontend", "status": "running", "teepod_id": null, "app_id": "%s", "vm_uuid": null,
                 "instance_id": null, "vcpu": 2, "memory": 4096, "disk_size": 40, "base_image": null,
                 "encrypted_env_pubkey": null}""".formatted(APP_ID));

        Run run = clients.cliDeploy(CVM_ID, composeFile());

        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(phala.requests()).extracting(Recorded::line)
                .containsExactly("GET /api/v1/cvms/cvm_ykL5lbAn", "PATCH /api/v1/cvms/cvm_ykL5lbAn");
        assertThat(run.stdout()).isEqualTo("CVM updated successfully!\n");
    }

    @Test
    void cliDeployFailsOnACvmRecordOfApiVersion20260522() {
        phala.answer("GET", "/api/v1/cvms/[^/]+", 200, """
                {"id": "cvm_ykL5lbAn", "name": "shop-frontend", "status": "running", "app_id": "%s", "kms_info": %s}"""
                .formatted(APP_ID, KMS_INFO));

        Run run = clients.cliDeploy(CVM_ID, composeFile());

        assertThat(run.exitCode()).as("%s", run).isEqualTo(1);
        assertThat(phala.requests()).extracting(Recorded::line).containsExactly("GET /api/v1/cvms/cvm_ykL5lbAn");
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr()).startsWith("[Get CVM Info] Validation error: [{\"code\":\"invalid_type\",\"expected\":\"number\","
                        + "\"received\":\"string\",\"path\":[\"id\"],\"message\":\"Expected number, received string\"}")
                .contains("\nFailed to get cvm info: [\n")
                .contains("\"path\":[\"teepod_id\"]", "\"path\":[\"vm_uuid\"]", "\"path\":[\"instance_id\"]",
                        "\"path\":[\"vcpu\"]", "\"path\":[\"memory\"]", "\"path\":[\"disk_size\"]",
                        "\"path\":[\"base_image\"]", "\"path\":[\"encrypted_env_pubkey\"]");
    }

    @Test
    void cliDeployWithAnEnvFailsWithoutTheTopLevelEnvPubkey() {
        String keyInKmsInfoOnly = CVM.replace("\"encrypted_env_pubkey\": \"" + ENV_PUBKEY + "\",", "\"encrypted_env_pubkey\": null,");
        assertThat(json(keyInKmsInfoOnly).path("kms_info").path("encrypted_env_pubkey").asText()).isEqualTo(ENV_PUBKEY);
        assertThat(json(keyInKmsInfoOnly).path("encrypted_env_pubkey").isNull()).isTrue();
        phala.answer("GET", "/api/v1/cvms/[^/]+", 200, keyInKmsInfoOnly);

        Run run = clients.cliDeploy(CVM_ID, composeFile(), "-e", "FOO=bar");

        assertThat(run.exitCode()).as("%s", run).isEqualTo(1);
        assertThat(phala.requests()).extracting(Recorded::line).containsExactly("GET /api/v1/cvms/cvm_ykL5lbAn");
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr()).isEqualTo("CVM encrypted_env_pubkey is required for centralized KMS\n");
    }

    @Test
    void cliDeployFailsWhenThePatchAnswersWithoutACorrelationId() {
        phala.answer("PATCH", "/api/v1/cvms/[^/]+", 202, "{}");

        Run run = clients.cliDeploy(CVM_ID, composeFile());

        assertThat(run.exitCode()).as("%s", run).isEqualTo(1);
        assertThat(phala.requests()).extracting(Recorded::line)
                .containsExactly("GET /api/v1/cvms/cvm_ykL5lbAn", "PATCH /api/v1/cvms/cvm_ykL5lbAn");
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr()).startsWith("ℹ Updating CVM cvm_ykL5lbAn...\n✗ Error updating CVM: \nError: [\n")
                .contains("\"correlationId\"", "\"message\": \"Required\"");
    }

    @Test
    void cliDeployStopsAtTheCvmReadOn401() {
        phala.answerEverything(401, INVALID_KEY);

        Run run = clients.cliDeploy(CVM_ID, composeFile());

        assertThat(run.exitCode()).as("%s", run).isEqualTo(1);
        assertThat(phala.requests()).extracting(Recorded::line).containsExactly("GET /api/v1/cvms/cvm_ykL5lbAn");
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr()).isEqualTo("[Get CVM Info] Invalid API key\nFailed to get cvm info: Invalid API key\n");
    }

    @Test
    void cliDeployStopsAtTheCvmReadOn403() {
        phala.answerEverything(403, FORBIDDEN);

        Run run = clients.cliDeploy(CVM_ID, composeFile());

        assertThat(run.exitCode()).as("%s", run).isEqualTo(1);
        assertThat(phala.requests()).extracting(Recorded::line).containsExactly("GET /api/v1/cvms/cvm_ykL5lbAn");
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr()).isEqualTo("[Get CVM Info] Relay token may not update cvm_ykL5lbAn\n"
                + "Failed to get cvm info: Relay token may not update cvm_ykL5lbAn\n");
    }

    @Test
    void cliDeployReportsA403OnThePatchOnly() {
        phala.answer("PATCH", "/api/v1/cvms/[^/]+", 403, FORBIDDEN);

        Run run = clients.cliDeploy(CVM_ID, composeFile());

        assertThat(run.exitCode()).as("%s", run).isEqualTo(1);
        assertThat(phala.requests()).extracting(Recorded::line)
                .containsExactly("GET /api/v1/cvms/cvm_ykL5lbAn", "PATCH /api/v1/cvms/cvm_ykL5lbAn");
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr()).isEqualTo("ℹ Updating CVM cvm_ykL5lbAn...\n✗ Error updating CVM: \n"
                + "Error: Relay token may not update cvm_ykL5lbAn\n\nRelay token may not update cvm_ykL5lbAn\n");
    }

    @Test
    void cliApiPatchSendsTheFieldAsJsonAndPrintsTheAnswer() throws Exception {
        Run run = clients.cliApiPatch(CVM_ID, HASH);

        assertThat(run.exitCode()).as("%s", run).isZero();
        List<Recorded> sent = phala.requests();
        assertThat(sent).extracting(Recorded::line).containsExactly("PATCH /api/v1/cvms/cvm_ykL5lbAn/compose_file");
        Recorded patch = sent.getFirst();
        assertThat(patch.header("X-API-Key")).isEqualTo(TOKEN);
        assertThat(patch.header("X-Phala-Version")).isEqualTo("2026-01-21");
        assertThat(patch.header("Content-Type")).isEqualTo("application/json");
        assertThat(patch.header("Accept")).isEqualTo("application/json");
        assertThat(patch.header("User-Agent")).isEqualTo("phala-cli/unknown");
        assertThat(patch.json()).isEqualTo(json("{\"compose_hash\": \"%s\"}", HASH));
        assertThat(run.stdout()).isEqualTo("{}\n");
        assertThat(run.stderr()).isEmpty();
    }

    @Test
    void cliApiPatchPrintsThe401BodyAndExitsOne() {
        phala.answerEverything(401, INVALID_KEY);

        Run run = clients.cliApiPatch(CVM_ID, HASH);

        assertThat(run.exitCode()).as("%s", run).isEqualTo(1);
        assertThat(phala.requests()).extracting(Recorded::line).containsExactly("PATCH /api/v1/cvms/cvm_ykL5lbAn/compose_file");
        assertThat(run.stdout()).isEqualTo("{\n  \"detail\": \"Invalid API key\"\n}\n");
        assertThat(run.stderr()).isEmpty();
    }

    @Test
    void cliApiPatchPrintsThe403BodyAndExitsOne() {
        phala.answerEverything(403, FORBIDDEN);

        Run run = clients.cliApiPatch(CVM_ID, HASH);

        assertThat(run.exitCode()).as("%s", run).isEqualTo(1);
        assertThat(phala.requests()).extracting(Recorded::line).containsExactly("PATCH /api/v1/cvms/cvm_ykL5lbAn/compose_file");
        assertThat(run.stdout()).isEqualTo("{\n  \"detail\": \"Relay token may not update cvm_ykL5lbAn\"\n}\n");
        assertThat(run.stderr()).isEmpty();
    }

    @Test
    void clientsWriteNothingInTheirHomeButTheComposeFile() throws Exception {
        clients.pythonProvisionAndCommit(CVM_ID, COMPOSE, PythonOptions.NONE);
        clients.cliDeploy(CVM_ID, composeFile());
        clients.cliApiPatch(CVM_ID, HASH);

        try (var files = Files.walk(home)) {
            assertThat(files.filter(p -> !p.equals(home)).map(p -> home.relativize(p).toString()).toList())
                    .containsExactlyInAnyOrder("docker-compose.yml");
        }
    }

    private static void assertPythonHeaders(Recorded request) {
        assertThat(request.header("X-API-Key")).isEqualTo(TOKEN);
        assertThat(request.header("X-Phala-Version")).isEqualTo("2026-05-22");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(request.header("Accept")).isEqualTo("*/*");
        // httpx's own version (0.28.1 here): phala-cloud 0.1.3 does not pin it
        assertThat(request.header("User-Agent")).startsWith("python-httpx/");
        assertThat(request.header("Authorization")).isNull();
    }

    private static void assertCliSdkHeaders(Recorded request, String accept) {
        assertThat(request.header("X-API-Key")).isEqualTo(TOKEN);
        assertThat(request.header("X-Phala-Version")).isEqualTo("2025-10-28");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(request.header("Accept")).isEqualTo(accept);
        assertThat(request.header("User-Agent")).isEqualTo("node");
        assertThat(request.header("Authorization")).isNull();
    }

    private Path composeFile() {
        try {
            return Files.writeString(home.resolve("docker-compose.yml"), COMPOSE);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JsonNode json(String template, Object... args) {
        try {
            return MAPPER.readTree(args.length == 0 ? template : template.formatted(args));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String quoted(String text) {
        try {
            return MAPPER.writeValueAsString(text);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
