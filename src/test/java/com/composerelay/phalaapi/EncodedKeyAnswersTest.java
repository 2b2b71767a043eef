package com.composerelay.phalaapi;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.core.Outcome;
import com.composerelay.core.Redaction;
import com.composerelay.phala.HttpPhalaApi;
import com.composerelay.support.Events;
import com.composerelay.support.Fixtures;
import com.composerelay.support.Harness;
import com.composerelay.support.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Finding (issue 21): a Phala answer carrying the relay's key JSON-escaped, percent-encoded or in
 * base64 once passed through to the caller and into an outcome, and a key cut at the 64 KiB bound
 * left its first part. Through the handler and the relay's real Phala adapter (WireMock as Phala).
 */
class EncodedKeyAnswersTest {
    static final String CVM = "cvm_ykL5lbAn";
    static final String KEY = Fixtures.API_KEY;
    static final String M = Redaction.MARK;

    @RegisterExtension
    static WireMockExtension phala = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

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

    JsonNode read(String answer) {
        phala.stubFor(get("/api/v1/cvms/" + CVM).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(answer)));
        Map<String, String> headers = new LinkedHashMap<>(Map.of("x-api-key", token, "x-phala-version", "2026-05-22"));
        JsonNode response = harness.invoke(Events.json(Events.httpApiRequest("GET", "ANY /api/v1/{proxy+}",
                "/api/v1/cvms/" + CVM, Map.of("proxy", "cvms/" + CVM), headers, null, false)));
        assertThat(response.get("statusCode").intValue()).isEqualTo(200);
        return response;
    }

    static String escaped(String s) {
        StringBuilder b = new StringBuilder();
        s.chars().forEach(c -> b.append(String.format("\\u%04x", c)));
        return b.toString();
    }

    @Test
    void aPassedThroughAnswerLosesTheKeyJsonEscaped() {
        assertThat(read("{\"name\":\"shop\",\"note\":\"" + escaped(KEY) + "\"}").get("body").textValue())
                .isEqualTo("{\"name\":\"shop\",\"note\":\"" + M + "\"}");
    }

    @Test
    void aPassedThroughAnswerLosesTheKeyPercentEncoded() {
        String encoded = KEY.replace("_", "%5F").replace("p", "%70");
        assertThat(read("{\"url\":\"https://x.example/?k=" + encoded + "&y=1\"}").get("body").textValue())
                .isEqualTo("{\"url\":\"https://x.example/?k=" + M + "&y=1\"}");
    }

    @Test
    void aPassedThroughAnswerLosesTheKeyInBase64() {
        String basic = Base64.getEncoder().encodeToString(KEY.getBytes(StandardCharsets.UTF_8));
        assertThat(read("{\"auth\":\"" + basic + "\"}").get("body").textValue()).isEqualTo("{\"auth\":\"" + M + "\"}");
    }

    @Test
    void anAnswerCutAtTheBoundInsideTheKeyLosesItsFirstPart() {
        int limit = 64 * 1024;
        String head = "{\"note\":\"" + "x".repeat(limit - "{\"note\":\"".length() - 20);
        String body = read(head + KEY + "\"}").get("body").textValue();
        assertThat(body).isEqualTo(head + M).doesNotContain(KEY.substring(0, Redaction.MIN_CUT_PREFIX));
    }

    @Test
    void anErrorsDetailWithTheKeyEscapedReachesNeitherTheCallerNorTheOutcome() {
        phala.stubFor(patch("/api/v1/cvms/" + CVM + "/compose_file").willReturn(aResponse().withStatus(422)
                .withBody("{\"detail\":\"key \\u0070hak" + KEY.substring(4).replace("_", "%5f") + " refused\"}")));
        Map<String, String> headers = new LinkedHashMap<>(Map.of("x-api-key", token, "x-phala-version", "2026-05-22",
                "content-type", "application/json"));
        JsonNode response = harness.invoke(Events.json(Events.httpApiRequest("PATCH", "ANY /api/v1/{proxy+}",
                "/api/v1/cvms/" + CVM + "/compose_file", Map.of("proxy", "cvms/" + CVM + "/compose_file"), headers,
                "{\"compose_hash\":\"" + "ab".repeat(32) + "\"}", false)));
        assertThat(response.get("statusCode").intValue()).isEqualTo(422);
        assertThat(response.get("body").textValue()).isEqualTo("{\"detail\":\"key " + M + " refused\"}");
        assertThat(harness.outcomes.published()).singleElement().isInstanceOfSatisfying(Outcome.Rejected.class, r ->
                assertThat(r.error()).contains("key " + M + " refused").doesNotContain("hak"));
    }
}
