package com.composerelay.phalaapi;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.core.Outcome;
import com.composerelay.core.Trigger;
import com.composerelay.phala.HttpPhalaApi;
import com.composerelay.support.Events;
import com.composerelay.support.Fixtures;
import com.composerelay.support.Harness;
import com.composerelay.support.LogCapture;
import com.composerelay.support.MutableClock;
import com.composerelay.support.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Tag;
import com.composerelay.support.Tags;

/** The Phala-compatible API through the handler, the relay's real Phala adapter over WireMock standing in for Phala. */
class PhalaApiTriggerTest {
    static final String CVM = "cvm_ykL5lbAn";
    static final String HASH = "ab".repeat(32);

    @RegisterExtension
    static WireMockExtension phala = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @RegisterExtension
    final LogCapture log = new LogCapture();

    Harness harness;
    String token;

    @BeforeEach
    void relay() {
        MutableClock clock = new MutableClock();
        HttpPhalaApi api = new HttpPhalaApi(com.composerelay.net.HttpClients.newClient(Duration.ofSeconds(2)),
                URI.create(phala.baseUrl()), "2026-05-22", clock);
        harness = Harness.builder().clock(clock).phala(api).passThrough(api)
                .config(Fixtures.config("RELAY_TOKENS_SECRET_ID", "compose-relay/relay-tokens",
                        "PHALA_RETRY_BASE_DELAY_MS", "1")).build();
        token = harness.tokenFor("ci-prod", CVM, "app_0123");
    }

    @AfterEach
    void neverTheTokenNorTheKeyInTheLogOrOutcomes() {
        assertThat(log.text() + harness.outcomes.published()).doesNotContain(token).doesNotContain(Fixtures.API_KEY);
    }

    static String request(String method, String path, String key, String version, String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("user-agent", "python-httpx/0.28.1");
        if (key != null) {
            headers.put("x-api-key", key);
        }
        if (version != null) {
            headers.put("x-phala-version", version);
        }
        return Events.json(Events.httpApiRequest(method, "ANY /api/v1/{proxy+}", path,
                Map.of("proxy", path.substring("/api/v1/".length())), headers, body, false));
    }

    @Test
    void theProvisionIsForwardedWithTheRealKeyAndAnsweredAsPhalaGaveIt() throws Exception {
        String answer = "{\"app_id\":\"app_1\",\"compose_hash\":\"" + HASH + "\",\"device_id\":\"d\",\"kms_info\":null}";
        phala.stubFor(post("/api/v1/cvms/" + CVM + "/compose_file/provision").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withHeader("X-Request-ID", "req-p1").withBody(answer)));
        String body = "{\"docker_compose_file\":\"services: {}\",\"name\":\"shop\"}";
        JsonNode response = harness.invoke(request("POST", "/api/v1/cvms/" + CVM + "/compose_file/provision", token,
                "2026-05-22", body));

        assertThat(response.get("statusCode").intValue()).isEqualTo(200);
        assertThat(response.get("body").textValue()).isEqualTo(answer);
        assertThat(response.get("headers").get("X-Request-ID").textValue()).isEqualTo("req-p1");
        phala.verify(1, postRequestedFor(urlEqualTo("/api/v1/cvms/" + CVM + "/compose_file/provision"))
                .withHeader("X-API-Key", equalTo(Fixtures.API_KEY))
                .withHeader("X-Phala-Version", equalTo("2026-05-22"))
                .withRequestBody(equalTo(body)));
        assertThat(harness.outcomes.published()).isEmpty();
    }

    @Test
    void theCommitIsTheRelaysPatchWithAnOutcomeNamingTheToken() {
        phala.stubFor(patch("/api/v1/cvms/" + CVM + "/compose_file").willReturn(aResponse().withStatus(202).withBody("{}")));
        JsonNode response = harness.invoke(request("PATCH", "/api/v1/cvms/" + CVM + "/compose_file", token, "2026-05-22",
                "{\"compose_hash\":\"" + HASH + "\",\"encrypted_env\":null,\"env_keys\":null,\"update_env_vars\":null}"));

        assertThat(response.get("statusCode").intValue()).isEqualTo(202);
        assertThat(response.get("body").textValue()).isEqualTo("{}");
        phala.verify(1, patchRequestedFor(urlEqualTo("/api/v1/cvms/" + CVM + "/compose_file"))
                .withHeader("X-API-Key", equalTo(Fixtures.API_KEY))
                .withRequestBody(equalToJson("{\"compose_hash\":\"" + HASH
                        + "\",\"encrypted_env\":null,\"env_keys\":null,\"update_env_vars\":null}")));
        assertThat(harness.outcomes.published()).singleElement().satisfies(o -> {
            assertThat(o).isInstanceOf(Outcome.Accepted.class);
            assertThat(o.facts().trigger()).isEqualTo(Trigger.PHALA_API);
            assertThat(o.facts().actor()).isEqualTo("token:ci-prod");
            assertThat(o.facts().cvmId()).isEqualTo(CVM);
            assertThat(o.facts().composeHash()).isEqualTo(HASH);
            assertThat(o.facts().httpStatus()).isEqualTo(202);
        });
    }

    @Test
    void aDuplicateCommitIsAnsweredWithoutASecondPatch() {
        phala.stubFor(patch("/api/v1/cvms/" + CVM + "/compose_file").willReturn(aResponse().withStatus(202).withBody("{}")));
        String event = request("PATCH", "/api/v1/cvms/" + CVM + "/compose_file", token, null,
                "{\"compose_hash\":\"" + HASH + "\"}");
        harness.invoke(event);
        JsonNode second = harness.invoke(event);
        assertThat(second.get("statusCode").intValue()).isEqualTo(202);
        assertThat(second.get("headers").get("Idempotent-Replayed").textValue()).isEqualTo("true");
        phala.verify(1, patchRequestedFor(anyUrl()));
        assertThat(harness.outcomes.published()).hasSize(1);
    }

    @Test
    void aDuplicateDeployGetsPhalasOwnAnswerAgainWithItsCorrelationId() {
        phala.stubFor(patch("/api/v1/cvms/" + CVM).willReturn(aResponse().withStatus(202)
                .withBody("{\"correlation_id\":\"corr-7\"}")));
        String event = request("PATCH", "/api/v1/cvms/" + CVM, token, "2025-10-28", "{\"docker_compose_file\":\"x\"}");
        harness.invoke(event);
        JsonNode second = harness.invoke(event);
        assertThat(second.get("statusCode").intValue()).isEqualTo(202);
        assertThat(second.get("body").textValue()).isEqualTo("{\"correlation_id\":\"corr-7\"}");
        assertThat(second.get("headers").get("Idempotent-Replayed").textValue()).isEqualTo("true");
        phala.verify(1, patchRequestedFor(anyUrl()));
    }

    @Test
    void theSameComposeDeployedAgainInANewRequestIsForwardedAgain() {
        // A rollback A -> B -> A, or a re-pull of :latest: Phala's clients send no key, each HTTP request is its own.
        phala.stubFor(patch("/api/v1/cvms/" + CVM).willReturn(aResponse().withStatus(202)
                .withBody("{\"correlation_id\":\"corr-8\"}")));
        String body = "{\"docker_compose_file\":\"services: {}\"}";
        harness.invoke(request("PATCH", "/api/v1/cvms/" + CVM, token, "2025-10-28", body));
        JsonNode again = harness.invoke(request("PATCH", "/api/v1/cvms/" + CVM, token, "2025-10-28", body)
                .replace("Jb1fHgq7IAMEVfA=", "Kd3hJis9KCOGXhC="));
        assertThat(again.get("statusCode").intValue()).isEqualTo(202);
        assertThat(again.get("headers").has("Idempotent-Replayed")).isFalse();
        phala.verify(2, patchRequestedFor(urlEqualTo("/api/v1/cvms/" + CVM)));
        assertThat(harness.outcomes.published()).hasSize(2);
    }

    @Test
    void aCvmIdThatWouldClimbThePathIsRefusedBeforeTheToken() {
        String all = harness.tokenFor("ops", "*");
        JsonNode response = harness.invoke(request("GET", "/api/v1/cvms/%2E%2E", all, null, null));
        assertThat(response.get("statusCode").intValue()).isEqualTo(400);
        assertThat(response.get("body").textValue()).isEqualTo("{\"detail\":\"cvm_id: must not be '.' or '..'\"}");
        phala.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void anInvalidCommitIsRefusedInPhalasShapeWithNothingSent() {
        JsonNode response = harness.invoke(request("PATCH", "/api/v1/cvms/" + CVM + "/compose_file", token, null,
                "{\"composeHash\":\"" + HASH + "\"}"));
        assertThat(response.get("statusCode").intValue()).isEqualTo(400);
        assertThat(response.get("body").textValue()).isEqualTo("{\"detail\":\"composeHash: is not a known field, did you"
                + " mean compose_hash? (known: compose_hash, encrypted_env, env_keys, update_env_vars, cvm_id)\"}");
        phala.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void theCvmReadPassesTheClientsApiVersionAndPhalasAnswerThrough() {
        String cvm = "{\"id\":42,\"name\":\"shop\",\"status\":\"running\",\"encrypted_env_pubkey\":\"07a3\"}";
        phala.stubFor(get("/api/v1/cvms/app_0123").willReturn(aResponse().withStatus(200).withBody(cvm)));
        JsonNode response = harness.invoke(request("GET", "/api/v1/cvms/app_0123", token, "2025-10-28", null));

        assertThat(response.get("statusCode").intValue()).isEqualTo(200);
        assertThat(response.get("body").textValue()).isEqualTo(cvm);
        phala.verify(1, getRequestedFor(urlEqualTo("/api/v1/cvms/app_0123"))
                .withHeader("X-API-Key", equalTo(Fixtures.API_KEY)).withHeader("X-Phala-Version", equalTo("2025-10-28")));
        assertThat(harness.outcomes.published()).isEmpty();
    }

    @Test
    void theClisDeployPatchIsPassedThroughWithAnOutcome() {
        phala.stubFor(patch("/api/v1/cvms/" + CVM).willReturn(aResponse().withStatus(202)
                .withBody("{\"correlation_id\":\"corr-9\"}")));
        String body = "{\"docker_compose_file\":\"services: {}\",\"allowed_envs\":[\"FOO\"],\"encrypted_env\":\"abcd\"}";
        JsonNode response = harness.invoke(request("PATCH", "/api/v1/cvms/" + CVM, token, "2025-10-28", body));

        assertThat(response.get("statusCode").intValue()).isEqualTo(202);
        assertThat(response.get("body").textValue()).isEqualTo("{\"correlation_id\":\"corr-9\"}");
        phala.verify(1, patchRequestedFor(urlEqualTo("/api/v1/cvms/" + CVM)).withRequestBody(equalTo(body))
                .withHeader("X-API-Key", equalTo(Fixtures.API_KEY)));
        assertThat(harness.outcomes.published()).singleElement().satisfies(o -> {
            assertThat(o.status()).isEqualTo("accepted");
            assertThat(o.facts().actor()).isEqualTo("token:ci-prod");
            assertThat(o.facts().composeHash()).isNull();
        });
    }

    @Test
    void aMissingTokenIs401WithNothingForwarded() {
        JsonNode response = harness.invoke(request("GET", "/api/v1/cvms/" + CVM, null, null, null));
        assertThat(response.get("statusCode").intValue()).isEqualTo(401);
        assertThat(response.get("body").textValue())
                .isEqualTo("{\"detail\":\"Invalid API key: the relay takes a relay token (crt_…) in X-API-Key\"}");
        // As Phala's answers do, the relay's own carry a request id (API Gateway's), which the SDKs print.
        assertThat(response.get("headers").get("X-Request-ID").textValue()).isEqualTo("Jb1fHgq7IAMEVfA=");
        phala.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void anUnknownTokenIs401AndThePhalaKeyItselfIsNoToken() {
        assertThat(harness.invoke(request("GET", "/api/v1/cvms/" + CVM, "crt_" + "x".repeat(43), null, null))
                .get("statusCode").intValue()).isEqualTo(401);
        assertThat(harness.invoke(request("GET", "/api/v1/cvms/" + CVM, Fixtures.API_KEY, null, null))
                .get("statusCode").intValue()).isEqualTo(401);
        phala.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aTokenForAnotherCvmIs403WithNothingForwarded() {
        JsonNode response = harness.invoke(request("PATCH", "/api/v1/cvms/cvm_other/compose_file", token, null,
                "{\"compose_hash\":\"" + HASH + "\"}"));
        assertThat(response.get("statusCode").intValue()).isEqualTo(403);
        assertThat(response.get("body").textValue())
                .isEqualTo("{\"detail\":\"this relay token may not update or read this CVM\"}");
        phala.verify(0, anyRequestedFor(anyUrl()));
        assertThat(harness.outcomes.published()).isEmpty();
    }

    @Test
    void aWildcardTokenCoversEveryCvm() {
        String all = harness.tokenFor("ops", "*");
        phala.stubFor(get("/api/v1/cvms/cvm_any").willReturn(aResponse().withStatus(200).withBody("{}")));
        assertThat(harness.invoke(request("GET", "/api/v1/cvms/cvm_any", all, null, null)).get("statusCode").intValue())
                .isEqualTo(200);
    }

    @Test
    void aRevokedTokenIsRefusedOnceTheListIsReadAgainAndANewOneWorksWithinAMinute() {
        phala.stubFor(get("/api/v1/cvms/" + CVM).willReturn(aResponse().withStatus(200).withBody("{}")));
        assertThat(harness.invoke(request("GET", "/api/v1/cvms/" + CVM, token, null, null)).get("statusCode").intValue())
                .isEqualTo(200);
        assertThat(harness.relayTokenReads).isEqualTo(1);

        // Issued now: unknown to the cached list; the list is read again only once it is a minute old.
        String fresh = harness.tokenFor("ci-new", CVM);
        assertThat(harness.invoke(request("GET", "/api/v1/cvms/" + CVM, fresh, null, null)).get("statusCode").intValue())
                .isEqualTo(401);
        assertThat(harness.relayTokenReads).isEqualTo(1);
        harness.clock.advance(Duration.ofSeconds(61));
        assertThat(harness.invoke(request("GET", "/api/v1/cvms/" + CVM, fresh, null, null)).get("statusCode").intValue())
                .isEqualTo(200);
        assertThat(harness.relayTokenReads).isEqualTo(2);

        // Revoked: gone from the list once the cache's time (API_KEY_CACHE_TTL_SECONDS, 300 s) has passed.
        harness.relayTokens.removeIf(t -> t.name().equals("ci-prod"));
        harness.clock.advance(Duration.ofSeconds(300));
        assertThat(harness.invoke(request("GET", "/api/v1/cvms/" + CVM, token, null, null)).get("statusCode").intValue())
                .isEqualTo(401);
    }

    @Test
    void anotherOperationIs403InPhalasShape() {
        String wildcard = harness.tokenFor("ops", "*");
        JsonNode response = harness.invoke(request("DELETE", "/api/v1/cvms/" + CVM, token, null, null));
        assertThat(response.get("statusCode").intValue()).isEqualTo(403);
        assertThat(TestJson.text(Harness.body(response).get("detail"))).isEqualTo("the relay does not forward DELETE"
                + " /api/v1/cvms/cvm_ykL5lbAn: it forwards GET /cvms/{cvm_id}, GET /cvms/{cvm_id}/state, POST"
                + " /cvms/{cvm_id}/compose_file/provision, PATCH /cvms/{cvm_id}/compose_file, PATCH /cvms/{cvm_id}, POST"
                + " /cvms/{cvm_id}/revisions/{revision_id}/redeploy, POST /status/batch and GET /apps/{app_id}/revisions"
                + " only (and answers DELETE /tokens/self itself)");
        assertThat(harness.invoke(request("GET", "/api/v1/workspaces", wildcard, null, null)).get("statusCode").intValue())
                .isEqualTo(403);
        phala.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void phalasErrorsKeepTheirStatusAndShapeWithTheKeyTakenOut() {
        phala.stubFor(get("/api/v1/cvms/" + CVM).willReturn(aResponse().withStatus(404)
                .withBody("{\"detail\":{\"error_code\":\"ERR-03-001\",\"message\":\"CVM not found for key " + Fixtures.API_KEY
                        + "\"}}")));
        JsonNode response = harness.invoke(request("GET", "/api/v1/cvms/" + CVM, token, null, null));
        assertThat(response.get("statusCode").intValue()).isEqualTo(404);
        assertThat(response.get("body").textValue()).isEqualTo(
                "{\"detail\":{\"error_code\":\"ERR-03-001\",\"message\":\"CVM not found for key [redacted]\"}}");
    }

    @Test
    void phalaRefusingTheRelaysOwnKeyIs502NotTheClientsFault() {
        phala.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(401).withBody("{\"detail\":\"Invalid API key\"}")));
        JsonNode response = harness.invoke(request("GET", "/api/v1/cvms/" + CVM, token, null, null));
        assertThat(response.get("statusCode").intValue()).isEqualTo(502);
        assertThat(response.get("body").textValue())
                .isEqualTo("{\"detail\":\"Phala refused the relay's API key (401); the relay's operator must check it\"}");
    }

    @Test
    @Tag(Tags.PYTHON) // scripts/relay-token.sh runs python3
    void theTokenThatRelayTokenShIssuesIsAcceptedForItsCvmsOnly() throws Exception {
        Process script = new ProcessBuilder("scripts/relay-token.sh", "ci-script", CVM).redirectErrorStream(true).start();
        String printed = new String(script.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(script.waitFor()).as(printed).isZero();
        String issued = printed.lines().filter(l -> l.startsWith("token: ")).findFirst().orElseThrow().substring(7);
        String entry = printed.lines().filter(l -> l.startsWith("entry: ")).findFirst().orElseThrow().substring(7);
        assertThat(issued).matches("crt_[A-Za-z0-9_-]{43}");
        assertThat(entry).doesNotContain(issued);
        harness.relayTokens.clear();
        harness.relayTokens.addAll(com.composerelay.aws.SecretsManagerRelayTokens.parse("[" + entry + "]", "test"));
        phala.stubFor(get("/api/v1/cvms/" + CVM).willReturn(aResponse().withStatus(200).withBody("{}")));
        assertThat(harness.invoke(request("GET", "/api/v1/cvms/" + CVM, issued, null, null)).get("statusCode").intValue())
                .isEqualTo(200);
        assertThat(harness.invoke(request("GET", "/api/v1/cvms/cvm_other", issued, null, null)).get("statusCode").intValue())
                .isEqualTo(403);
    }

    @Test
    void aTokensSecretWithABadEntryIsUnreadableNamedByItsIndex() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> com.composerelay.aws.SecretsManagerRelayTokens.parse(
                "[{\"name\":\"ok\",\"sha256\":\"" + "a".repeat(64) + "\",\"cvms\":[\"*\"]},"
                        + "{\"name\":\"typo\",\"sha256\":\"" + "A".repeat(64) + "\",\"cvms\":[\"x\"]}]", "tokens"))
                .hasMessage("the relay tokens secret tokens, entry 1: sha256 must be 64 lowercase hex digits (the token's SHA-256)");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> com.composerelay.aws.SecretsManagerRelayTokens.parse(
                "{\"name\":\"ok\"}", "tokens"))
                .hasMessage("the relay tokens secret tokens is not a JSON array of {name, sha256, cvms}");
    }

    @Test
    void withoutATokensSecretTheApiIsOff() {
        Harness off = new Harness();
        JsonNode response = off.invoke(request("GET", "/api/v1/cvms/" + CVM, token, null, null));
        assertThat(response.get("statusCode").intValue()).isEqualTo(404);
        assertThat(response.get("body").textValue())
                .isEqualTo("{\"detail\":\"the relay's Phala-compatible API is not configured (RELAY_TOKENS_SECRET_ID)\"}");
    }
}
