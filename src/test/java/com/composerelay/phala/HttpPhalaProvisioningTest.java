package com.composerelay.phala;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.core.AppCompose;
import com.composerelay.core.PhalaAnswer;
import com.composerelay.core.PhalaProvisioning;
import com.composerelay.net.HttpClients;
import com.composerelay.support.Fixtures;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Phala's provision and CVM read over HTTP: the exact requests, and what the relay reads from each answer. */
class HttpPhalaProvisioningTest {
    @RegisterExtension
    static WireMockExtension phala = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private final HttpPhalaApi api = new HttpPhalaApi(HttpClients.newClient(Duration.ofSeconds(2)),
            URI.create(phala.baseUrl()), "2026-05-22", Clock.systemUTC());
    private static final String HASH = "ab".repeat(32);

    @Test
    void provisionPostsTheAppComposeAtTheTopLevelWithAllowedEnvsAndUpdateEnvVars() throws Exception {
        phala.stubFor(post("/api/v1/cvms/cvm_ykL5lbAn/compose_file/provision").willReturn(aResponse().withStatus(200)
                .withHeader("X-Request-ID", "req-prov-1")
                .withBody("""
                        {"app_id": "app_1a2b", "device_id": "dev_9", "compose_hash": "%s", "compose_hash_registered": true,
                         "kms_info": {"chain_id": 8453, "kms_contract_address": "0xabc"}}""".formatted(HASH))));
        AppCompose compose = new AppCompose("{\"docker_compose_file\":\"services: {}\",\"name\":\"shop\","
                + "\"allowed_envs\":[\"LOG_LEVEL\"],\"x_future\":{\"a\":1}}", List.of("LOG_LEVEL"));

        PhalaAnswer answer = api.provision("cvm_ykL5lbAn", compose, List.of("LOG_LEVEL", "DATABASE_URL"), true,
                Fixtures.API_KEY, Duration.ofSeconds(2));

        phala.verify(1, postRequestedFor(urlEqualTo("/api/v1/cvms/cvm_ykL5lbAn/compose_file/provision"))
                .withHeader("X-API-Key", equalTo(Fixtures.API_KEY))
                .withHeader("X-Phala-Version", equalTo("2026-05-22"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withHeader("Accept", equalTo("application/json"))
                .withHeader("User-Agent", equalTo(HttpPhalaApi.USER_AGENT))
                .withRequestBody(equalToJson("""
                        {"docker_compose_file": "services: {}", "name": "shop", "allowed_envs": ["LOG_LEVEL", "DATABASE_URL"],
                         "x_future": {"a": 1}, "update_env_vars": true}""")));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.requestId()).isEqualTo("req-prov-1");
        assertThat(answer.values()).isEqualTo(Map.of("compose_hash", HASH, "app_id", "app_1a2b", "device_id", "dev_9",
                "compose_hash_registered", "true", "kms_info", "{\"chain_id\":8453,\"kms_contract_address\":\"0xabc\"}"));
    }

    @Test
    void provisionWithoutAllowedEnvsLeavesThemOut() throws Exception {
        phala.stubFor(post("/api/v1/cvms/c1/compose_file/provision").willReturn(aResponse().withStatus(200)
                .withBody("{\"compose_hash\":\"" + HASH + "\"}")));
        PhalaAnswer answer = api.provision("c1", new AppCompose("{\"docker_compose_file\":\"x\"}", List.of()), List.of(),
                false, Fixtures.API_KEY, Duration.ofSeconds(2));
        phala.verify(postRequestedFor(urlEqualTo("/api/v1/cvms/c1/compose_file/provision"))
                .withRequestBody(equalToJson("{\"docker_compose_file\":\"x\",\"update_env_vars\":false}")));
        assertThat(answer.value(PhalaProvisioning.COMPOSE_HASH)).isEqualTo(HASH);
        assertThat(answer.value(PhalaProvisioning.COMPOSE_HASH_REGISTERED)).isNull();
    }

    @Test
    void theCvmReadOfApi20260121GivesStatusProgressHashAndTheKmsEnvKey() throws Exception {
        phala.stubFor(get("/api/v1/cvms/app_0123").willReturn(aResponse().withStatus(200).withBody("""
                {"id": "cvm_x", "status": "running", "compose_hash": "%s",
                 "progress": {"target": "running", "started_at": "2026-11-28T10:00:00Z", "correlation_id": "c1"},
                 "kms_info": {"encrypted_env_pubkey": "0x07a37cbc"}}""".formatted(HASH))));
        PhalaAnswer answer = api.readCvm("app_0123", Fixtures.API_KEY, Duration.ofSeconds(2));

        phala.verify(1, getRequestedFor(urlEqualTo("/api/v1/cvms/app_0123"))
                .withHeader("X-API-Key", equalTo(Fixtures.API_KEY))
                .withHeader("X-Phala-Version", equalTo("2026-05-22")));
        assertThat(answer.values()).isEqualTo(Map.of("status", "running", "compose_hash", HASH, "in_progress", "true",
                "encrypted_env_pubkey", "0x07a37cbc"));
    }

    @Test
    void theCvmReadOfApi20251028GivesInProgressAndTheTopLevelEnvKey() throws Exception {
        phala.stubFor(get("/api/v1/cvms/c2").willReturn(aResponse().withStatus(200).withBody("""
                {"status": "updating", "in_progress": true, "encrypted_env_pubkey": "07a37cbc"}""")));
        PhalaAnswer answer = api.readCvm("c2", Fixtures.API_KEY, Duration.ofSeconds(2));
        assertThat(answer.values()).isEqualTo(Map.of("status", "updating", "in_progress", "true",
                "encrypted_env_pubkey", "07a37cbc"));
    }

    @Test
    void theCvmReadGivesWhatARolloutsHealthCheckNeeds() throws Exception {
        phala.stubFor(get("/api/v1/cvms/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0").willReturn(aResponse().withStatus(200).withBody("""
                {"id": "cvm_ykL5lbAn", "name": "shop-1", "app_id": "7c2e0a1b", "vm_uuid": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
                 "instance_id": null, "status": "running", "in_progress": false, "progress": null, "compose_hash": "%s",
                 "kms_info": {"encrypted_env_pubkey": "07a37cbc", "chain_id": null}}""".formatted(HASH))));
        PhalaAnswer answer = api.readCvm("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", Fixtures.API_KEY, Duration.ofSeconds(2));
        assertThat(answer.values()).isEqualTo(Map.of("status", "running", "in_progress", "false", "compose_hash", HASH,
                "vm_uuid", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "app_id", "7c2e0a1b", "encrypted_env_pubkey", "07a37cbc"));
    }

    @Test
    void aCvmWithNullProgressIsNotInProgress() throws Exception {
        phala.stubFor(get("/api/v1/cvms/c3").willReturn(aResponse().withStatus(200).withBody("""
                {"status": "running", "progress": {"target": null}, "compose_hash": "0x%s"}""".formatted(HASH))));
        PhalaAnswer answer = api.readCvm("c3", Fixtures.API_KEY, Duration.ofSeconds(2));
        assertThat(answer.value(PhalaProvisioning.IN_PROGRESS)).isEqualTo("false");
        assertThat(answer.value(PhalaProvisioning.ENV_PUBKEY)).isNull();
    }

    @Test
    void anOnChainRefusalKeepsPhalasDetailsAndNeverTheKey() throws Exception {
        phala.stubFor(get("/api/v1/cvms/c4").willReturn(aResponse().withStatus(465).withBody("""
                {"detail": {"error_code": "ERR-07-001", "message": "hash not registered, key %s",
                 "details": [{"field": "compose_hash", "value": "0x%s"}, {"field": "app_id", "value": "app_9"},
                             {"field": "kms_info", "value": {"chain_id": 8453}}, {"field": "echo", "value": "%s"}]}}"""
                .formatted(Fixtures.API_KEY, HASH, Fixtures.API_KEY))));
        PhalaAnswer answer = api.readCvm("c4", Fixtures.API_KEY, Duration.ofSeconds(2));
        assertThat(answer.status()).isEqualTo(465);
        assertThat(answer.values()).containsEntry("detail.compose_hash", "0x" + HASH)
                .containsEntry("detail.app_id", "app_9").containsEntry("detail.kms_info", "{\"chain_id\":8453}");
        assertThat(answer.toString()).doesNotContain(Fixtures.API_KEY);
        assertThat(answer.detail()).isEqualTo("ERR-07-001 hash not registered, key [redacted]");
    }

    @Test
    void aValueEchoingTheKeyIsRedacted() throws Exception {
        phala.stubFor(post("/api/v1/cvms/c5/compose_file/provision").willReturn(aResponse().withStatus(200)
                .withBody("{\"compose_hash\":\"" + HASH + "\",\"app_id\":\"" + Fixtures.API_KEY + "\"}")));
        PhalaAnswer answer = api.provision("c5", new AppCompose("{\"docker_compose_file\":\"x\"}", List.of()), List.of(),
                false, Fixtures.API_KEY, Duration.ofSeconds(2));
        assertThat(answer.value(PhalaProvisioning.APP_ID)).isEqualTo("[redacted]");
        assertThat(answer.value(PhalaProvisioning.COMPOSE_HASH)).isEqualTo(HASH);
    }
}
