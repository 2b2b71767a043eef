package com.composerelay.phalaapi;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.phala.HttpPhalaApi;
import com.composerelay.support.Events;
import com.composerelay.support.Fixtures;
import com.composerelay.support.Harness;
import com.composerelay.support.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Finding (issue 21): a caller's header the relay forwards ({@code X-Phala-Version}) or keys by
 * ({@code Idempotency-Key}) with CR/LF or characters outside Latin-1 once threw an unhandled
 * IllegalArgumentException on {@code /api/v1} (a 500; on the commit routes an idempotency claim
 * left in progress). It is checked first: 400 naming the header, nothing forwarded, no claim taken.
 */
class CallerHeadersTest {
    static final String CVM = "cvm_ykL5lbAn";
    static final String HASH = "ab".repeat(32);
    static final String COMMIT = "{\"compose_hash\":\"" + HASH + "\",\"encrypted_env\":null,\"env_keys\":null,"
            + "\"update_env_vars\":null}";

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

    String request(String method, String path, Map<String, String> more, String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("x-api-key", token);
        headers.putAll(more);
        return Events.json(Events.httpApiRequest(method, "ANY /api/v1/{proxy+}", path,
                Map.of("proxy", path.substring("/api/v1/".length())), headers, body, false));
    }

    static void refused(JsonNode response, String detail) {
        assertThat(response.get("statusCode").intValue()).isEqualTo(400);
        assertThat(Harness.body(response).get("detail").textValue()).isEqualTo(detail);
    }

    static final String VERSION_DETAIL = "X-Phala-Version: must be an API version date, YYYY-MM-DD (e.g. 2026-05-22)";

    @ParameterizedTest
    @ValueSource(strings = {"2026-05-22\r\nX-Injected: 1", "2026-05-22\n", "2026-05-22\u00e9", "2026-05-22\u4e00",
            "２０２６-05-22", "latest", "", "2026-5-22", " 2026-05-22"})
    void aBadApiVersionOnTheReadIs400NamingTheHeaderWithNothingForwarded(String version) {
        phala.stubFor(get("/api/v1/cvms/" + CVM).willReturn(aResponse().withStatus(200).withBody("{}")));
        refused(harness.invoke(request("GET", "/api/v1/cvms/" + CVM, Map.of("x-phala-version", version), null)),
                VERSION_DETAIL);
        phala.verify(0, anyRequestedFor(anyUrl()));
        assertThat(harness.outcomes.published()).isEmpty();
    }

    @Test
    void aBadApiVersionOnTheCommitIs400AndLeavesNoClaimInProgress() {
        phala.stubFor(patch("/api/v1/cvms/" + CVM + "/compose_file").willReturn(aResponse().withStatus(202).withBody("{}")));
        refused(harness.invoke(request("PATCH", "/api/v1/cvms/" + CVM + "/compose_file",
                Map.of("x-phala-version", "2026-05-22\r\nX-Injected: 1", "idempotency-key", "deploy-42"), COMMIT)),
                VERSION_DETAIL);
        phala.verify(0, anyRequestedFor(anyUrl()));
        assertThat(harness.outcomes.published()).isEmpty();

        // The same key with a good version is a new request, not "in progress" (409) behind a claim left taken.
        JsonNode again = harness.invoke(request("PATCH", "/api/v1/cvms/" + CVM + "/compose_file",
                Map.of("x-phala-version", "2026-05-22", "idempotency-key", "deploy-42"), COMMIT));
        assertThat(again.get("statusCode").intValue()).isEqualTo(202);
        phala.verify(1, patchRequestedFor(urlEqualTo("/api/v1/cvms/" + CVM + "/compose_file"))
                .withHeader("X-Phala-Version", equalTo("2026-05-22")));
    }

    @Test
    void aBadApiVersionOnTheDeployIs400WithNothingForwarded() {
        refused(harness.invoke(request("PATCH", "/api/v1/cvms/" + CVM, Map.of("x-phala-version", "2026-06-23\u0100"),
                "{\"compose_file\":{}}")), VERSION_DETAIL);
        phala.verify(0, anyRequestedFor(anyUrl()));
        assertThat(harness.outcomes.published()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"deploy\r\n42", "deploy-\u00e9", "two words", ""})
    void aBadIdempotencyKeyIs400NamingTheHeaderWithNothingForwarded(String key) {
        refused(harness.invoke(request("PATCH", "/api/v1/cvms/" + CVM + "/compose_file",
                Map.of("x-phala-version", "2026-05-22", "idempotency-key", key), COMMIT)),
                "Idempotency-Key: must be 1 to 255 printable ASCII characters without spaces");
        phala.verify(0, anyRequestedFor(anyUrl()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-10-28", "2026-01-21", "2026-05-22", "2026-06-23", "2027-02-01"})
    void everyVersionDateIsForwardedAsTheClientSentIt(String version) {
        phala.stubFor(get("/api/v1/cvms/" + CVM).willReturn(aResponse().withStatus(200).withBody("{}")));
        JsonNode response = harness.invoke(request("GET", "/api/v1/cvms/" + CVM, Map.of("x-phala-version", version), null));
        assertThat(response.get("statusCode").intValue()).isEqualTo(200);
        phala.verify(1, getRequestedFor(urlEqualTo("/api/v1/cvms/" + CVM)).withHeader("X-Phala-Version", equalTo(version)));
    }
}
