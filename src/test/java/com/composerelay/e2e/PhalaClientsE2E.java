package com.composerelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.local.HttpApiRoutes;
import com.composerelay.local.HttpFront;
import com.composerelay.local.LocalDeployment;
import com.composerelay.local.LocalDeployment.Published;
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
 * Phala's own, unmodified clients (Python SDK phala-cloud 0.1.3, CLI phala 1.1.18) pointed at the
 * relay with {@code PHALA_CLOUD_API_PREFIX} and a relay token as their key: through the local HTTP
 * front, the function under the emulator, LocalStack and the Phala stand-in, which must see the real
 * key and never the token.
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

    private static LocalDeployment stack;
    private static HttpFront front;
    private static PhalaClients.Installed clients;
    private static URI prefix;

    @BeforeAll
    static void deploy() {
        clients = PhalaClients.installed();
        // A two-second cache of the token list, so that a revocation shows within the test.
        stack = LocalDeployment.start(new LocalDeployment.Options("clients-" + UUID.randomUUID().toString().substring(0, 8),
                Map.of(), null, LocalDeployment.Phala.PROMPT, Path.of("target", "e2e-logs"),
                Map.of("API_KEY_CACHE_TTL_SECONDS", "2")));
        stack.setRelayTokens(List.of(new String[] {"ci-e2e", TOKEN, "cvm_py01", "cvm_cli01"},
                new String[] {"other-team", OTHER, "cvm_elsewhere"}));
        Path buildDir = Path.of(System.getProperty("sam.build.dir", ".aws-sam/build"));
        front = new HttpFront(HttpApiRoutes.of(SamTemplate.read(buildDir), LocalDeployment.FUNCTION),
                stack.function::invoke).start(0);
        prefix = URI.create(front.baseUrl() + "/api/v1");
    }

    @AfterAll
    static void tearDown() {
        Teardown.close(front, stack, TOKEN, OTHER);
    }

    private static PhalaClients as(String token, Path home) {
        return PhalaClients.against(clients, prefix, token, home, Duration.ofSeconds(60));
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
