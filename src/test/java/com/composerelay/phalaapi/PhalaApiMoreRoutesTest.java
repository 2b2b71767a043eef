package com.composerelay.phalaapi;

import static com.composerelay.core.TokenScope.DEPLOY;
import static com.composerelay.core.TokenScope.READ;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.core.Outcome;
import com.composerelay.core.TokenScope;
import com.composerelay.phala.HttpPhalaApi;
import com.composerelay.support.Events;
import com.composerelay.support.Fixtures;
import com.composerelay.support.Harness;
import com.composerelay.support.LogCapture;
import com.composerelay.support.MutableClock;
import com.composerelay.support.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 21's routes of the Phala-compatible API, through the handler with WireMock standing in for
 * Phala: the SDKs' state watch (server-sent events), the status batch, an app's revisions and a
 * revision's redeploy, each scoped; and a token matching a CVM by any of its ids.
 */
class PhalaApiMoreRoutesTest {
    static final String CVM = "cvm_ykL5lbAn";
    static final String UUID = "3f1c2a8e-5b7d-4e9f-a1c3-2b4d6e8f0a1c";
    static final String UUID_BARE = "3F1C2A8E5B7D4E9FA1C32B4D6E8F0A1C";
    static final String APP_HEX = "7c2e0a1b9d8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d";
    static final String OTHER_UUID = "9a9a9a9a-5b7d-4e9f-a1c3-2b4d6e8f0a1c";
    static final String STATE = "/api/v1/cvms/" + CVM + "/state";

    @RegisterExtension
    static WireMockExtension phala = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @RegisterExtension
    final LogCapture log = new LogCapture();

    MutableClock clock;
    Harness harness;
    final List<String> issued = new ArrayList<>();
    int requests;

    @BeforeEach
    void relay() {
        clock = new MutableClock();
        HttpPhalaApi api = new HttpPhalaApi(com.composerelay.net.HttpClients.newClient(Duration.ofSeconds(2)),
                URI.create(phala.baseUrl()), "2026-06-23", clock);
        harness = Harness.builder().clock(clock).phala(api).passThrough(api)
                .config(Fixtures.config("RELAY_TOKENS_SECRET_ID", "compose-relay/relay-tokens",
                        "PHALA_RETRY_BASE_DELAY_MS", "1")).build();
    }

    @AfterEach
    void neverATokenNorTheKeyInTheLogOrOutcomes() {
        String seen = log.text() + harness.outcomes.published();
        assertThat(seen).doesNotContain(Fixtures.API_KEY);
        issued.forEach(t -> assertThat(seen).doesNotContain(t));
    }

    String token(String name, Set<TokenScope> scopes, String... cvms) {
        String token = harness.tokenFor(name, null, scopes, cvms);
        issued.add(token);
        return token;
    }

    JsonNode call(String method, String path, Map<String, String> query, String key, String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("x-phala-version", "2026-01-21");
        if (key != null) {
            headers.put("x-api-key", key);
        }
        String event = Events.json(Events.httpApiRequest(method, "ANY /api/v1/{proxy+}", path,
                Map.of("proxy", path.substring("/api/v1/".length())), headers, body, false))
                .replace("Jb1fHgq7IAMEVfA=", "req-" + ++requests);
        if (!query.isEmpty()) {
            ObjectNode tree = (ObjectNode) Events.tree(event);
            ObjectNode params = tree.putObject("queryStringParameters");
            query.forEach(params::put);
            event = TestJson.write(tree);
        }
        return harness.invoke(event);
    }

    static int status(JsonNode response) {
        return response.get("statusCode").intValue();
    }

    static String body(JsonNode response) {
        return response.get("body").textValue();
    }

    static String detail(String text) {
        return "{\"detail\":\"" + text + "\"}";
    }

    static String state(String status, String progress) {
        return "{\"status\":\"" + status + "\",\"uptime\":null,\"boot_progress\":" + (progress == null ? "null"
                : "\"" + progress + "\"") + ",\"boot_error\":null,\"extra\":\"dropped\"}";
    }

    static String shown(String status, String progress) {
        return "{\"status\":\"" + status + "\",\"uptime\":null,\"boot_progress\":" + (progress == null ? "null"
                : "\"" + progress + "\"") + ",\"boot_error\":null}";
    }

    // ---- the state watch ----------------------------------------------------------------------------------------

    @Test
    void theWatchStreamsEachChangedStateAndCompletesAtTheTarget() {
        phala.stubFor(get(STATE).inScenario("boot").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(200).withBody(state("starting", "booting"))).willSetStateTo("2"));
        phala.stubFor(get(STATE).inScenario("boot").whenScenarioStateIs("2")
                .willReturn(aResponse().withStatus(200).withBody(state("starting", "booting"))).willSetStateTo("3"));
        phala.stubFor(get(STATE).inScenario("boot").whenScenarioStateIs("3")
                .willReturn(aResponse().withStatus(200).withBody(state("running", "done"))));
        String token = token("watcher", EnumSet.of(READ), CVM);

        JsonNode answer = call("GET", STATE, Map.of("target", "running", "interval", "5"), token, null);

        assertThat(status(answer)).isEqualTo(200);
        assertThat(answer.get("headers").get("Content-Type").textValue()).isEqualTo("text/event-stream");
        assertThat(body(answer)).isEqualTo("event: state\ndata: " + shown("starting", "booting") + "\n\n"
                + "event: state\ndata: " + shown("running", "done") + "\n\n"
                + "event: complete\ndata: " + shown("running", "done") + "\n\n");
        phala.verify(3, getRequestedFor(urlEqualTo(STATE)).withHeader("X-Phala-Version", equalTo("2026-01-21"))
                .withHeader("X-API-Key", equalTo(Fixtures.API_KEY)));
        assertThat(clock.instant()).isEqualTo(MutableClock.START.plus(Duration.ofSeconds(10)));
    }

    @Test
    void theWatchEndsWithTimeoutWithinApiGatewaysWindowSoTheSdkReconnects() {
        phala.stubFor(get(STATE).willReturn(aResponse().withStatus(200).withBody(state("starting", "booting"))));
        String token = token("watcher", EnumSet.of(READ), CVM);

        JsonNode answer = call("GET", STATE, Map.of("target", "running"), token, null);

        assertThat(body(answer)).isEqualTo("event: state\ndata: " + shown("starting", "booting") + "\n\n"
                + "event: timeout\ndata: {\"message\":\"the relay answers within 25 s per connection; reconnect to"
                + " watch on\"}\n\n");
        assertThat(clock.instant()).isBeforeOrEqualTo(MutableClock.START.plus(Duration.ofSeconds(25)));
    }

    @Test
    void withoutATargetTheStateIsPhalasJsonAsItIs() {
        phala.stubFor(get(STATE).willReturn(aResponse().withStatus(200).withBody(state("running", null))));
        JsonNode answer = call("GET", STATE, Map.of(), token("reader", EnumSet.of(READ), CVM), null);
        assertThat(status(answer)).isEqualTo(200);
        assertThat(body(answer)).isEqualTo(state("running", null));
    }

    @Test
    void theWatchOfACvmTheTokenDoesNotCoverOrWithoutReadIsRefusedWithNothingForwarded() {
        phala.stubFor(get("/api/v1/cvms/cvm_other").willReturn(aResponse().withStatus(200)
                .withBody("{\"id\":\"cvm_other\",\"vm_uuid\":\"" + OTHER_UUID + "\",\"app_id\":\"" + APP_HEX + "\"}")));
        String watcher = token("watcher", EnumSet.of(READ), CVM);
        String deployer = token("deployer", EnumSet.of(DEPLOY), CVM);
        JsonNode other = call("GET", "/api/v1/cvms/cvm_other/state", Map.of("target", "running"), watcher, null);
        assertThat(status(other)).isEqualTo(403);
        assertThat(body(other)).isEqualTo(detail("this relay token may not update or read this CVM"));
        JsonNode deployOnly = call("GET", STATE, Map.of("target", "running"), deployer, null);
        assertThat(status(deployOnly)).isEqualTo(403);
        assertThat(body(deployOnly)).isEqualTo(detail("this relay token may not read this CVM's state (read): its scopes"
                + " are deploy"));
        phala.verify(0, getRequestedFor(urlEqualTo("/api/v1/cvms/cvm_other/state")));
        phala.verify(0, getRequestedFor(urlEqualTo(STATE)));
    }

    @Test
    void aBadTargetOrIntervalIs400() {
        String token = token("watcher", EnumSet.of(READ), CVM);
        assertThat(body(call("GET", STATE, Map.of("target", "Running!"), token, null)))
                .isEqualTo(detail("target: must be a CVM status such as running (1 to 32 of a-z _)"));
        assertThat(body(call("GET", STATE, Map.of("target", "running", "interval", "0"), token, null)))
                .isEqualTo(detail("interval: must be 2 to 60 seconds"));
        phala.verify(0, anyRequestedFor(anyUrl()));
    }

    // ---- the status batch -----------------------------------------------------------------------------------

    @Test
    void aBatchOfTheTokensCvmsIsForwardedAndOneOutsideIsRefusedByName() {
        phala.stubFor(post("/api/v1/status/batch").willReturn(aResponse().withStatus(200)
                .withBody("{\"" + UUID + "\":{\"vm_uuid\":\"" + UUID + "\",\"status\":\"running\"}}")));
        phala.stubFor(get("/api/v1/cvms/" + OTHER_UUID).willReturn(aResponse().withStatus(200)
                .withBody("{\"id\":\"cvm_other\",\"vm_uuid\":\"" + OTHER_UUID + "\",\"app_id\":\"" + APP_HEX + "\"}")));
        String token = token("batcher", EnumSet.of(READ), UUID);

        JsonNode refused = call("POST", "/api/v1/status/batch", Map.of(), token,
                "{\"vm_uuids\":[\"" + UUID_BARE + "\",\"" + OTHER_UUID + "\"]}");
        assertThat(status(refused)).isEqualTo(403);
        assertThat(body(refused)).isEqualTo(detail("this relay token may not read these CVMs: " + OTHER_UUID));
        phala.verify(0, postRequestedFor(urlEqualTo("/api/v1/status/batch")));

        JsonNode answered = call("POST", "/api/v1/status/batch", Map.of(), token, "{\"vm_uuids\":[\"" + UUID + "\"]}");
        assertThat(status(answered)).isEqualTo(200);
        assertThat(body(answered)).contains("\"status\":\"running\"");
        phala.verify(1, postRequestedFor(urlEqualTo("/api/v1/status/batch"))
                .withRequestBody(equalToJson("{\"vm_uuids\":[\"" + UUID + "\"]}"))
                .withHeader("X-Phala-Version", equalTo("2026-01-21")));
    }

    @Test
    void aBatchThatIsNotAListOfUuidsIs400NamingTheField() {
        String token = token("batcher", EnumSet.of(READ), "*");
        assertThat(body(call("POST", "/api/v1/status/batch", Map.of(), token, "{\"vm_uuids\":[]}")))
                .isEqualTo(detail("vm_uuids: must be a list of 1 to 100 CVM UUIDs"));
        assertThat(body(call("POST", "/api/v1/status/batch", Map.of(), token, "{\"vm_uuids\":[\"a\",\"a\"]}")))
                .isEqualTo(detail("vm_uuids[1]: is listed twice"));
        assertThat(body(call("POST", "/api/v1/status/batch", Map.of(), token, "{\"vm_uuids\":[\"../x\"]}")))
                .isEqualTo(detail("vm_uuids[0]: must be a CVM UUID (1 to 128 of A-Z a-z 0-9 _ -)"));
        phala.verify(0, anyRequestedFor(anyUrl()));
    }

    // ---- ids in any form ------------------------------------------------------------------------------------

    @Test
    void aTokenListingTheCvmIdCoversItsUuidAndAnotherCvmGainsNothing() {
        String bare = UUID.replace("-", "");
        phala.stubFor(get("/api/v1/cvms/" + bare).willReturn(aResponse().withStatus(200)
                .withBody("{\"id\":\"" + CVM + "\",\"vm_uuid\":\"" + UUID + "\",\"app_id\":\"" + APP_HEX + "\"}")));
        phala.stubFor(get("/api/v1/cvms/" + OTHER_UUID).willReturn(aResponse().withStatus(200)
                .withBody("{\"id\":\"cvm_other\",\"vm_uuid\":\"" + OTHER_UUID + "\",\"app_id\":\"" + APP_HEX + "\"}")));
        String token = token("by-id", EnumSet.of(READ), CVM);

        assertThat(status(call("GET", "/api/v1/cvms/" + bare, Map.of(), token, null))).isEqualTo(200);
        assertThat(status(call("GET", "/api/v1/cvms/" + bare, Map.of(), token, null))).isEqualTo(200);
        // The first request read the CVM's ids once (then forwarded); the second used them as kept.
        phala.verify(3, getRequestedFor(urlEqualTo("/api/v1/cvms/" + bare)));
        phala.verify(2, getRequestedFor(urlEqualTo("/api/v1/cvms/" + bare)).withHeader("X-Phala-Version",
                equalTo("2026-01-21")));
        phala.verify(1, getRequestedFor(urlEqualTo("/api/v1/cvms/" + bare)).withHeader("X-Phala-Version",
                equalTo("2026-06-23")));

        JsonNode other = call("GET", "/api/v1/cvms/" + OTHER_UUID, Map.of(), token, null);
        assertThat(status(other)).isEqualTo(403);
        phala.verify(1, getRequestedFor(urlEqualTo("/api/v1/cvms/" + OTHER_UUID))); // the ids' read, never forwarded
    }

    @Test
    void aNameOrAnAnswerAboutAnotherCvmNeverMatchesByItsOtherIds() {
        // A name may name another CVM tomorrow: never looked up. An answer whose own id is not the one asked for
        // (a CVM Phala resolved to another) counts for nothing.
        phala.stubFor(get("/api/v1/cvms/cvm_alias01").willReturn(aResponse().withStatus(200)
                .withBody("{\"id\":\"cvm_other\",\"vm_uuid\":\"" + UUID + "\",\"app_id\":\"" + APP_HEX + "\"}")));
        String token = token("by-uuid", EnumSet.of(READ), UUID);
        JsonNode byName = call("GET", "/api/v1/cvms/web-1", Map.of(), token, null);
        assertThat(status(byName)).isEqualTo(403);
        phala.verify(0, anyRequestedFor(anyUrl()));
        JsonNode other = call("GET", "/api/v1/cvms/cvm_alias01", Map.of(), token, null);
        assertThat(status(other)).isEqualTo(403);
        phala.verify(1, getRequestedFor(urlEqualTo("/api/v1/cvms/cvm_alias01"))); // the ids' read only
    }

    @Test
    void aPrepareOnlyOrOnChainHeaderOnTheUnifiedPatchIsRefusedByName() {
        String token = token("deployer", EnumSet.of(READ, DEPLOY), CVM);
        String event = Events.json(Events.httpApiRequest("PATCH", "ANY /api/v1/{proxy+}", "/api/v1/cvms/" + CVM,
                Map.of("proxy", "cvms/" + CVM), Map.of("content-type", "application/json", "x-api-key", token,
                        "x-prepare-only", "true"), "{\"docker_compose_file\":\"services: {}\"}", false));
        JsonNode answer = harness.invoke(event);
        assertThat(status(answer)).isEqualTo(400);
        assertThat(body(answer)).isEqualTo(detail("X-Prepare-Only: the relay does not forward it, so this PATCH would not"
                + " do what it asks (a prepare-only update would be applied); send the PATCH without it"));
        phala.verify(0, anyRequestedFor(anyUrl()));
        assertThat(harness.outcomes.published()).isEmpty();
    }

    @Test
    void aUuidMatchesWithOrWithoutDashesInEitherCaseWithoutAskingPhala() {
        phala.stubFor(get("/api/v1/cvms/" + UUID_BARE).willReturn(aResponse().withStatus(200).withBody("{}")));
        assertThat(status(call("GET", "/api/v1/cvms/" + UUID_BARE, Map.of(), token("by-uuid", EnumSet.of(READ), UUID),
                null))).isEqualTo(200);
        phala.verify(1, anyRequestedFor(anyUrl()));
    }

    @Test
    void aTokenListingTheAppCoversItsCvms() {
        phala.stubFor(get("/api/v1/cvms/" + OTHER_UUID).willReturn(aResponse().withStatus(200)
                .withBody("{\"id\":\"cvm_other\",\"vm_uuid\":\"" + OTHER_UUID + "\",\"app_id\":\"" + APP_HEX + "\"}")));
        assertThat(status(call("GET", "/api/v1/cvms/" + OTHER_UUID, Map.of(),
                token("by-app", EnumSet.of(READ), "app_" + APP_HEX), null))).isEqualTo(200);
    }

    @Test
    void whenTheCvmsIdsCannotBeReadNothingIsForwardedAndTheAnswerSaysWhy() {
        phala.stubFor(get("/api/v1/cvms/" + OTHER_UUID).willReturn(aResponse().withStatus(503).withBody("{}")));
        JsonNode answer = call("GET", "/api/v1/cvms/" + OTHER_UUID, Map.of(), token("by-id", EnumSet.of(READ), CVM), null);
        assertThat(status(answer)).isEqualTo(503);
        assertThat(body(answer)).startsWith("{\"detail\":\"the relay could not match this CVM against the relay token's"
                + " ids (the CVM's ids could not be read from Phala: ").endsWith("); nothing was forwarded, try again later\"}");
    }

    // ---- an app's revisions ---------------------------------------------------------------------------------

    @Test
    void anAppsRevisionsNeedATokenListingTheApp() {
        String path = "/api/v1/apps/" + APP_HEX + "/revisions";
        phala.stubFor(get(path + "?page=2&page_size=10").willReturn(aResponse().withStatus(200)
                .withBody("{\"revisions\":[],\"total\":0,\"page\":2,\"page_size\":10,\"total_pages\":0}")));
        String byCvmToken = token("by-cvm", EnumSet.of(READ), CVM);
        String byApp = token("by-app", EnumSet.of(READ), "app_" + APP_HEX);
        JsonNode byCvm = call("GET", path, Map.of(), byCvmToken, null);
        assertThat(status(byCvm)).isEqualTo(403);
        assertThat(body(byCvm)).isEqualTo(detail("this relay token may not read app " + APP_HEX
                + ": list its app_id in the token"));

        JsonNode page = call("GET", path, Map.of("page", "2", "page_size", "10"), byApp, null);
        assertThat(status(page)).isEqualTo(200);
        assertThat(body(page)).isEqualTo("{\"revisions\":[],\"total\":0,\"page\":2,\"page_size\":10,\"total_pages\":0}");
        assertThat(body(call("GET", path, Map.of("page_size", "500"), byApp, null)))
                .isEqualTo(detail("page_size: must be a whole number from 1 to 100"));
        phala.verify(1, anyRequestedFor(anyUrl()));
    }

    // ---- a revision's redeploy ------------------------------------------------------------------------------

    @Test
    void aRedeployIsAnUpdateWithAnOutcomeAndNeedsDeploy() {
        String path = "/api/v1/cvms/" + CVM + "/revisions/rev_7Hk2/redeploy";
        phala.stubFor(post(path).willReturn(aResponse().withStatus(202).withBody("{}")));
        String readOnly = token("reader", EnumSet.of(READ), CVM);
        String rollbacker = token("rollbacker", EnumSet.of(DEPLOY), CVM);
        String second = token("r2", EnumSet.of(DEPLOY), CVM);
        JsonNode reader = call("POST", path, Map.of(), readOnly, null);
        assertThat(status(reader)).isEqualTo(403);
        assertThat(body(reader)).isEqualTo(detail("this relay token may not redeploy a revision on this CVM (deploy):"
                + " its scopes are read"));
        phala.verify(0, anyRequestedFor(anyUrl()));

        JsonNode done = call("POST", path, Map.of(), rollbacker, null);
        assertThat(status(done)).isEqualTo(202);
        phala.verify(1, postRequestedFor(urlEqualTo(path)).withHeader("X-Phala-Version", equalTo("2026-01-21")));
        assertThat(harness.outcomes.published()).singleElement().satisfies(o -> {
            assertThat(o).isInstanceOf(Outcome.Accepted.class);
            assertThat(o.facts().cvmId()).isEqualTo(CVM);
            assertThat(o.facts().actor()).isEqualTo("token:rollbacker");
        });
        assertThat(body(call("POST", "/api/v1/cvms/" + CVM + "/revisions/rev.1/redeploy", Map.of(),
                second, null))).isEqualTo(detail("revision_id: must be 1 to 128 of"
                + " A-Z a-z 0-9 _ -"));
    }
}
