package com.composerelay.phala;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.composerelay.core.PhalaAnswer;
import com.composerelay.core.PhalaFleet;
import com.composerelay.core.Relay;
import com.composerelay.core.RetryPolicy;
import com.composerelay.net.HttpClients;
import com.composerelay.support.FakeKeys;
import com.composerelay.support.Fixtures;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Phala's fleet calls over HTTP (apps' CVMs, revisions, redeploy, status batch): the exact requests,
 * and what the relay reads from answers shaped as Phala's OpenAPI says (fleet-endpoints, docs/PHALA-FACTS.md).
 */
class HttpPhalaFleetTest {
    @RegisterExtension
    static WireMockExtension phala = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private static final String KEY = Fixtures.API_KEY;
    private static final String APP = "7c2e0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b";
    private static final String U1 = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    private static final String U2 = "1a2b3c4d-5e6f-7081-92a3-b4c5d6e7f809";
    private static final String U3 = "2b3c4d5e-6f70-8192-a3b4-c5d6e7f8091a";
    private static final String HASH_A = "aa".repeat(32);
    private static final String HASH_B = "bb".repeat(32);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final HttpPhalaApi api = new HttpPhalaApi(HttpClients.newClient(Duration.ofSeconds(2)),
            URI.create(phala.baseUrl()), "2026-05-22", Clock.systemUTC());

    /** Every call's headers, as the PATCH sends them. */
    private static <T extends RequestPatternBuilder> T headers(T request) {
        request.withHeader("X-API-Key", equalTo(KEY))
                .withHeader("X-Phala-Version", equalTo("2026-05-22"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withHeader("Accept", equalTo("application/json"))
                .withHeader("User-Agent", equalTo(HttpPhalaApi.USER_AGENT))
                .withHeader("Authorization", absent());
        return request;
    }

    private static String cvmInfo(String id, String vmUuid, String name, String status, boolean inProgress) {
        return """
                {"id": "%s", "name": "%s", "app_id": "%s", "vm_uuid": "%s", "instance_id": null,
                 "resource": {"vcpu": 2, "memory_in_gb": 4, "disk_in_gb": 40}, "status": "%s", "in_progress": %s,
                 "progress": null, "compose_hash": "%s", "gateway": {"base_domain": "dstack.example"},
                 "services": [], "public_logs": false, "kms_info": {"chain_id": null}}"""
                .formatted(id, name, APP, vmUuid, status, inProgress, HASH_A);
    }

    // GET /api/v1/apps/{app_id}/cvms

    @Test
    void theAppsCvmsAreReadByVmUuidInPhalasOrderWithTheirIdNameStatusAndProgress() throws Exception {
        phala.stubFor(get("/api/v1/apps/" + APP + "/cvms").willReturn(aResponse().withStatus(200)
                .withHeader("X-Request-ID", "req-cvms-1")
                .withBody("[" + cvmInfo("cvm_ykL5lbAn", U2, "shop-2", "running", false) + ","
                        + cvmInfo("cvm_aaaaaaa1", U1, "shop-1", "updating", true) + ","
                        + cvmInfo("cvm_aaaaaaa3", U3, "shop-3", "stopped", false) + "]")));

        PhalaAnswer answer = api.appCvms("app_" + APP, KEY, TIMEOUT);

        phala.verify(1, headers(getRequestedFor(urlEqualTo("/api/v1/apps/" + APP + "/cvms"))));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.requestId()).isEqualTo("req-cvms-1");
        assertThat(answer.values()).isEqualTo(Map.ofEntries(
                Map.entry("cvms", U2 + "," + U1 + "," + U3), Map.entry("count", "3"),
                Map.entry(U2 + ".id", "cvm_ykL5lbAn"), Map.entry(U2 + ".name", "shop-2"),
                Map.entry(U2 + ".status", "running"), Map.entry(U2 + ".in_progress", "false"),
                Map.entry(U1 + ".id", "cvm_aaaaaaa1"), Map.entry(U1 + ".name", "shop-1"),
                Map.entry(U1 + ".status", "updating"), Map.entry(U1 + ".in_progress", "true"),
                Map.entry(U3 + ".id", "cvm_aaaaaaa3"), Map.entry(U3 + ".name", "shop-3"),
                Map.entry(U3 + ".status", "stopped"), Map.entry(U3 + ".in_progress", "false")));
        assertThat(PhalaFleet.list(answer.value(PhalaFleet.CVMS))).containsExactly(U2, U1, U3);
    }

    @Test
    void theOlderHostedShapeGivesTheVmUuidAsHostedId() throws Exception {
        phala.stubFor(get("/api/v1/apps/" + APP + "/cvms").willReturn(aResponse().withStatus(200).withBody("""
                [{"hosted": {"id": "%s", "name": "shop-1", "status": "running", "uptime": "3h", "app_id": "%s",
                             "boot_error": null, "events": []},
                  "name": "shop-1", "status": "running", "in_progress": true, "public_urls": []}]"""
                .formatted(U1, APP))));

        PhalaAnswer answer = api.appCvms(APP, KEY, TIMEOUT);

        assertThat(answer.values()).isEqualTo(Map.of("cvms", U1, "count", "1", U1 + ".name", "shop-1",
                U1 + ".status", "running", U1 + ".in_progress", "true"));
    }

    @Test
    void moreThanAHundredCvmsIsSaidSoAndNoListIsGiven() throws Exception {
        String many = IntStream.range(0, 101).mapToObj(i -> cvmInfo("cvm_" + i, "uuid-" + i, "n" + i, "running", false))
                .collect(Collectors.joining(",", "[", "]"));
        phala.stubFor(get("/api/v1/apps/" + APP + "/cvms").willReturn(aResponse().withStatus(200).withBody(many)));

        PhalaAnswer answer = api.appCvms(APP, KEY, TIMEOUT);

        assertThat(answer.values()).isEqualTo(Map.of("count", "101", "too_many", "true",
                "problem", "the app has 101 CVMs, more than the 100 a rollout may touch"));
    }

    @Test
    void exactlyAHundredCvmsAreAllListedWhole() throws Exception {
        String hundred = IntStream.range(0, 100).mapToObj(i -> cvmInfo("cvm_" + i, U1.substring(0, 32) + "%04d".formatted(i),
                "n" + i, "running", false)).collect(Collectors.joining(",", "[", "]"));
        phala.stubFor(get("/api/v1/apps/" + APP + "/cvms").willReturn(aResponse().withStatus(200).withBody(hundred)));

        PhalaAnswer answer = api.appCvms(APP, KEY, TIMEOUT);

        assertThat(answer.value(PhalaFleet.PROBLEM)).isNull();
        assertThat(answer.value(PhalaFleet.TOO_MANY)).isNull();
        assertThat(PhalaFleet.list(answer.value(PhalaFleet.CVMS))).hasSize(100).endsWith(U1.substring(0, 32) + "0099");
    }

    @Test
    void aCvmWithoutAUsableVmUuidMakesTheListUnusable() throws Exception {
        phala.stubFor(get("/api/v1/apps/a1/cvms").willReturn(aResponse().withStatus(200)
                .withBody("[" + cvmInfo("cvm_1", U1, "n1", "running", false) + ","
                        + "{\"id\": \"cvm_2\", \"name\": \"n2\", \"vm_uuid\": null, \"status\": \"running\"}]")));
        phala.stubFor(get("/api/v1/apps/a2/cvms").willReturn(aResponse().withStatus(200)
                .withBody("[" + cvmInfo("cvm_1", "../x,y", "n1", "running", false) + "]")));
        phala.stubFor(get("/api/v1/apps/a3/cvms").willReturn(aResponse().withStatus(200)
                .withBody("[" + cvmInfo("cvm_1", U1, "n1", "running", false) + ","
                        + cvmInfo("cvm_2", U1, "n2", "running", false) + "]")));

        assertThat(api.appCvms("a1", KEY, TIMEOUT).values()).isEqualTo(Map.of("count", "2",
                "problem", "CVM 2 of Phala's list has no vm_uuid"));
        assertThat(api.appCvms("a2", KEY, TIMEOUT).values()).isEqualTo(Map.of("count", "1",
                "problem", "CVM 1 of Phala's list has a vm_uuid that is not 1-128 of A-Z a-z 0-9 _ -"));
        assertThat(api.appCvms("a3", KEY, TIMEOUT).values()).isEqualTo(Map.of("count", "2",
                "problem", "Phala's list names the CVM " + U1 + " twice"));
    }

    @Test
    void aMalformedOrNonArrayListIsAProblemNotAnEmptyFleet() throws Exception {
        phala.stubFor(get("/api/v1/apps/m1/cvms").willReturn(aResponse().withStatus(200).withBody("[{\"vm_uuid\": ")));
        phala.stubFor(get("/api/v1/apps/m2/cvms").willReturn(aResponse().withStatus(200).withBody("{\"items\": []}")));
        phala.stubFor(get("/api/v1/apps/m3/cvms").willReturn(aResponse().withStatus(200).withBody("[]")));

        assertThat(api.appCvms("m1", KEY, TIMEOUT).values()).isEqualTo(Map.of("problem",
                "Phala's list of the app's CVMs is not a JSON array (not JSON, or cut at the 1048576 bytes read)"));
        assertThat(api.appCvms("m2", KEY, TIMEOUT).values()).isEqualTo(Map.of("problem",
                "Phala's list of the app's CVMs is not a JSON array"));
        assertThat(api.appCvms("m3", KEY, TIMEOUT).values()).isEqualTo(Map.of("count", "0", "cvms", ""));
    }

    @Test
    void anUnknownAppIs404WithPhalasDetailAndNoValues() throws Exception {
        phala.stubFor(get("/api/v1/apps/" + APP + "/cvms").willReturn(aResponse().withStatus(404)
                .withBody("{\"detail\": {\"error_code\": \"ERR-04-001\", \"message\": \"App not found\","
                        + " \"request_id\": \"req-404\"}}")));

        PhalaAnswer answer = api.appCvms(APP, KEY, TIMEOUT);

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.detail()).isEqualTo("ERR-04-001 App not found");
        assertThat(answer.requestId()).isEqualTo("req-404");
        assertThat(answer.values()).isEmpty();
        assertThat(answer.isRetryable()).isFalse();
    }

    @Test
    void theAppIdIsOnePathSegment() throws Exception {
        phala.stubFor(get(urlEqualTo("/api/v1/apps/..%2Fcvms%2Fx%3Fy%23z/cvms")).willReturn(aResponse().withStatus(200)
                .withBody("[]")));

        PhalaAnswer answer = api.appCvms("../cvms/x?y#z", KEY, TIMEOUT);

        assertThat(answer.status()).isEqualTo(200);
        phala.verify(1, getRequestedFor(urlEqualTo("/api/v1/apps/..%2Fcvms%2Fx%3Fy%23z/cvms")));
        assertThatThrownBy(() -> api.appCvms("..", KEY, TIMEOUT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> api.appCvms("app_", KEY, TIMEOUT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> api.appCvms("x".repeat(129), KEY, TIMEOUT)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aListEchoingTheKeyKeepsItOutOfEveryValueAndName() throws Exception {
        phala.stubFor(get("/api/v1/apps/" + APP + "/cvms").willReturn(aResponse().withStatus(200)
                .withBody("[" + cvmInfo(KEY, KEY, "name " + KEY, "running " + KEY, false) + ","
                        + cvmInfo("cvm_2", U2, "n2", "running", false) + "]")));

        PhalaAnswer answer = api.appCvms(APP, KEY, TIMEOUT);

        assertThat(answer.toString()).doesNotContain(KEY).doesNotContain(KEY.substring(0, 20));
        assertThat(answer.value(PhalaFleet.CVMS)).isEqualTo("[redacted]," + U2);
        assertThat(answer.value("[redacted].name")).isEqualTo("name [redacted]");
    }

    // GET /api/v1/apps/{app_id}/revisions

    private static String revision(String id, String vmUuid, String hash, String createdAt, String operation) {
        return """
                {"revision_id": "%s", "app_id": "%s", "vm_uuid": "%s", "compose_hash": "%s", "created_at": "%s",
                 "trace_id": null, "operation_type": "%s", "triggered_by": {"object_type": "user", "username": "ana"},
                 "cvm": {"object_type": "cvm", "vm_uuid": "%s", "app_id": "%s", "name": "shop"},
                 "workspace": {"object_type": "workspace", "id": "ws_1", "name": "team", "slug": "team"}}"""
                .formatted(id, APP, vmUuid, hash, createdAt, operation, vmUuid, APP);
    }

    @Test
    void aPageOfRevisionsGivesEachCvmsNewestRevisionAndTheTotalPages() throws Exception {
        phala.stubFor(get(urlEqualTo("/api/v1/apps/" + APP + "/revisions?page=2&page_size=50")).willReturn(aResponse()
                .withStatus(200).withBody("""
                        {"revisions": [%s, %s, %s, %s], "total": 154, "page": 2, "page_size": 50, "total_pages": 4}"""
                        .formatted(revision("rev_old1", U1, HASH_A, "2026-06-01T10:00:00Z", "deploy"),
                                revision("rev_new1", U1, HASH_B, "2026-06-02T10:00:00+00:00", "update"),
                                revision("rev_2", U2, HASH_A, "2026-06-01T09:00:00", "deploy"),
                                revision("rev_old1b", U1, HASH_A, "2026-05-30T10:00:00Z", "restart")))));

        PhalaAnswer answer = api.revisions("app_" + APP, 2, 50, KEY, TIMEOUT);

        phala.verify(1, headers(getRequestedFor(urlEqualTo("/api/v1/apps/" + APP + "/revisions?page=2&page_size=50"))));
        assertThat(answer.values()).isEqualTo(Map.ofEntries(
                Map.entry("total_pages", "4"), Map.entry("page", "2"), Map.entry("total", "154"), Map.entry("count", "4"),
                Map.entry("vm_uuids", U1 + "," + U2),
                Map.entry(U1 + ".revision_id", "rev_new1"), Map.entry(U1 + ".compose_hash", HASH_B),
                Map.entry(U1 + ".created_at", "2026-06-02T10:00:00+00:00"),
                Map.entry(U2 + ".revision_id", "rev_2"), Map.entry(U2 + ".compose_hash", HASH_A),
                Map.entry(U2 + ".created_at", "2026-06-01T09:00:00")));
    }

    @Test
    void revisionsWithoutReadableTimesKeepTheFirstInPhalasOrder() throws Exception {
        phala.stubFor(get(urlEqualTo("/api/v1/apps/a/revisions?page=1&page_size=100")).willReturn(aResponse()
                .withStatus(200).withBody("""
                        {"revisions": [%s, %s], "total": 2, "page": 1, "page_size": 100, "total_pages": 1}"""
                        .formatted(revision("rev_first", U1, HASH_B, "yesterday", "update"),
                                revision("rev_second", U1, HASH_A, "2026-06-02T10:00:00Z", "deploy")))));

        PhalaAnswer answer = api.revisions("a", 1, 100, KEY, TIMEOUT);

        assertThat(answer.value(PhalaFleet.key(U1, PhalaFleet.REVISION_ID))).isEqualTo("rev_first");
    }

    @Test
    void aPageWithARevisionMissingItsIdOrNotJsonIsAProblem() throws Exception {
        phala.stubFor(get(urlEqualTo("/api/v1/apps/a/revisions?page=1&page_size=10")).willReturn(aResponse()
                .withStatus(200).withBody("""
                        {"revisions": [%s, {"app_id": "%s", "vm_uuid": "%s", "compose_hash": "%s"}],
                         "total": 2, "page": 1, "page_size": 10, "total_pages": 1}"""
                        .formatted(revision("rev_1", U1, HASH_A, "2026-06-02T10:00:00Z", "deploy"), APP, U2, HASH_B))));
        phala.stubFor(get(urlEqualTo("/api/v1/apps/b/revisions?page=1&page_size=10")).willReturn(aResponse()
                .withStatus(200).withBody("{\"revisions\": [")));
        phala.stubFor(get(urlEqualTo("/api/v1/apps/c/revisions?page=1&page_size=10")).willReturn(aResponse()
                .withStatus(200).withBody("{\"revisions\": [], \"total\": 0}")));

        assertThat(api.revisions("a", 1, 10, KEY, TIMEOUT).values()).isEqualTo(Map.of("count", "2",
                "problem", "revision 2 of the page has no usable revision_id"));
        assertThat(api.revisions("b", 1, 10, KEY, TIMEOUT).values()).isEqualTo(Map.of("problem",
                "Phala's page of revisions is not an object with a revisions array (not JSON, or cut at the 1048576 bytes read)"));
        assertThat(api.revisions("c", 1, 10, KEY, TIMEOUT).values()).isEqualTo(Map.of("problem",
                "Phala's page of revisions has no total_pages"));
    }

    @Test
    void aPageIsOneOrMoreAndItsSizeAtMostAHundred() {
        assertThatThrownBy(() -> api.revisions("a", 0, 10, KEY, TIMEOUT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> api.revisions("a", 1, 0, KEY, TIMEOUT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> api.revisions("a", 1, 101, KEY, TIMEOUT)).isInstanceOf(IllegalArgumentException.class);
        assertThat(phala.getAllServeEvents()).isEmpty();
    }

    // POST /api/v1/cvms/{cvm_id}/revisions/{revision_id}/redeploy

    @Test
    void aRedeployPostsNoBodyToTheCvmsRevisionAnd202IsSuccess() throws Exception {
        phala.stubFor(post("/api/v1/cvms/" + U1 + "/revisions/rev_7Hk2/redeploy").willReturn(aResponse().withStatus(202)
                .withHeader("X-Request-ID", "req-redeploy").withBody("{\"correlation_id\": \"corr_1\"}")));

        PhalaAnswer answer = api.redeploy(U1, "rev_7Hk2", KEY, TIMEOUT);

        phala.verify(1, headers(postRequestedFor(urlEqualTo("/api/v1/cvms/" + U1 + "/revisions/rev_7Hk2/redeploy")))
                .withHeader("Content-Length", equalTo("0")));
        assertThat(phala.getAllServeEvents().get(0).getRequest().getBodyAsString()).isEmpty();
        assertThat(answer.isSuccess()).isTrue();
        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.requestId()).isEqualTo("req-redeploy");
        assertThat(answer.values()).isEmpty();
    }

    @Test
    void theRedeploysIdsAreEachOnePathSegment() throws Exception {
        phala.stubFor(post(urlEqualTo("/api/v1/cvms/a%2Fb/revisions/r%3F1%2F..%2F/redeploy"))
                .willReturn(aResponse().withStatus(202)));

        assertThat(api.redeploy("a/b", "r?1/../", KEY, TIMEOUT).status()).isEqualTo(202);
        assertThatThrownBy(() -> api.redeploy(U1, "..", KEY, TIMEOUT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> api.redeploy(".", "rev_1", KEY, TIMEOUT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> api.redeploy(U1, " ", KEY, TIMEOUT)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRedeployOfAnUnknownRevisionIs404AndFinal() throws Exception {
        phala.stubFor(post("/api/v1/cvms/" + U1 + "/revisions/rev_gone/redeploy").willReturn(aResponse().withStatus(404)
                .withBody("{\"detail\": \"Revision not found\"}")));

        PhalaAnswer answer = api.redeploy(U1, "rev_gone", KEY, TIMEOUT);

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.detail()).isEqualTo("Revision not found");
        assertThat(answer.isRetryable()).isFalse();
    }

    @Test
    void aBusyCvmIs409WhichTheRelayRetriesUntilTheRedeployIsTaken() {
        phala.stubFor(post("/api/v1/cvms/" + U1 + "/revisions/rev_1/redeploy").inScenario("busy")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("free")
                .willReturn(aResponse().withStatus(409).withHeader("Retry-After", "1")
                        .withBody("{\"detail\": \"Another operation is in progress\"}")));
        phala.stubFor(post("/api/v1/cvms/" + U1 + "/revisions/rev_1/redeploy").inScenario("busy")
                .whenScenarioStateIs("free").willReturn(aResponse().withStatus(202)));
        List<Duration> sleeps = new ArrayList<>();
        Relay relay = new Relay(new FakeKeys(KEY), null,
                new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(100), () -> 0.0),
                new Relay.Timing(TIMEOUT, Duration.ofMillis(100), Duration.ofMillis(100)), Clock.systemUTC(), sleeps::add);

        Relay.Call call = relay.call(Clock.systemUTC().instant().plusSeconds(30),
                (key, timeout) -> api.redeploy(U1, "rev_1", key, timeout));

        assertThat(call.succeeded()).isTrue();
        assertThat(call.attempts()).isEqualTo(2);
        assertThat(call.answer().status()).isEqualTo(202);
        assertThat(sleeps).as("Retry-After honoured").containsExactly(Duration.ofSeconds(1));
    }

    @Test
    void anOnChainCvmAnswers465WithTheHashToRegisterAndNeverTheKey() throws Exception {
        phala.stubFor(post("/api/v1/cvms/" + U1 + "/revisions/rev_1/redeploy").willReturn(aResponse().withStatus(465)
                .withBody("""
                        {"detail": {"error_code": "ERR-07-001", "message": "Compose hash registration required (%s)",
                         "details": [{"field": "compose_hash", "value": "%s"}, {"field": "app_id", "value": "%s"},
                                     {"field": "echo", "value": "%s"}]}}""".formatted(KEY, HASH_A, APP, KEY))));

        PhalaAnswer answer = api.redeploy(U1, "rev_1", KEY, TIMEOUT);

        assertThat(answer.status()).isEqualTo(465);
        assertThat(answer.isRetryable()).isFalse();
        assertThat(answer.values()).isEqualTo(Map.of("detail.compose_hash", HASH_A, "detail.app_id", APP,
                "detail.echo", "[redacted]"));
        assertThat(answer.detail()).isEqualTo("ERR-07-001 Compose hash registration required ([redacted])");
        assertThat(answer.toString()).doesNotContain(KEY);
    }

    // POST /api/v1/status/batch

    private static String status(String vmUuid, String status, boolean inProgress, String bootError, String bootProgress) {
        return """
                {"vm_uuid": "%s", "status": "%s", "uptime": "1m", "in_progress": %s, "boot_progress": %s,
                 "boot_error": %s, "shutdown_progress": null,
                 "events": [{"event": "boot", "body": "started", "timestamp": 1760000000}],
                 "operation_type": %s, "operation_started_at": null, "correlation_id": null}"""
                .formatted(vmUuid, status, inProgress, quoted(bootProgress), quoted(bootError),
                        inProgress ? "\"update\"" : "null");
    }

    private static String quoted(String text) {
        return text == null ? "null" : "\"" + text + "\"";
    }

    @Test
    void aStatusBatchPostsTheVmUuidsAndReadsStatusProgressAndBootErrorOfEach() throws Exception {
        phala.stubFor(post("/api/v1/status/batch").willReturn(aResponse().withStatus(200).withBody("""
                {"%s": %s, "%s": %s, "%s": %s}""".formatted(
                U1, status(U1, "running", false, null, "done"),
                U2, status(U2, "updating", true, null, "starting containers"),
                U3, status(U3, "error", false, "container shop exited with code 1", "")))));

        PhalaAnswer answer = api.statusBatch(List.of(U1, U2, U3), KEY, TIMEOUT);

        phala.verify(1, headers(postRequestedFor(urlEqualTo("/api/v1/status/batch")))
                .withRequestBody(equalToJson("{\"vm_uuids\": [\"" + U1 + "\", \"" + U2 + "\", \"" + U3 + "\"]}")));
        assertThat(answer.values()).isEqualTo(Map.ofEntries(Map.entry("count", "3"),
                Map.entry(U1 + ".status", "running"), Map.entry(U1 + ".in_progress", "false"),
                Map.entry(U1 + ".boot_progress", "done"),
                Map.entry(U2 + ".status", "updating"), Map.entry(U2 + ".in_progress", "true"),
                Map.entry(U2 + ".boot_progress", "starting containers"),
                Map.entry(U3 + ".status", "error"), Map.entry(U3 + ".in_progress", "false"),
                Map.entry(U3 + ".boot_error", "container shop exited with code 1")));
    }

    @Test
    void onlyTheVmUuidsAskedForAreReadNamedAsAskedAndTheMissingAreListed() throws Exception {
        String plain = U2.replace("-", "");
        phala.stubFor(post("/api/v1/status/batch").willReturn(aResponse().withStatus(200).withBody("""
                {"%s": %s, "someone-else": %s, "%s": {"vm_uuid": "%s"}}""".formatted(
                plain, status(plain, "stopped", false, "boot failed", null),
                status("someone-else", "running", false, null, null), U3, U3))));

        PhalaAnswer answer = api.statusBatch(List.of(U1, U2, U3), KEY, TIMEOUT);

        assertThat(answer.values()).isEqualTo(Map.of("count", "1", "missing", U1 + "," + U3,
                U2 + ".status", "stopped", U2 + ".in_progress", "false", U2 + ".boot_error", "boot failed"));
    }

    @Test
    void aStatusBatchThatIsNotAnObjectIsAProblem() throws Exception {
        phala.stubFor(post("/api/v1/status/batch").willReturn(aResponse().withStatus(200).withBody("[]")));
        assertThat(api.statusBatch(List.of(U1), KEY, TIMEOUT).values())
                .isEqualTo(Map.of("problem", "Phala's status batch is not a JSON object"));
    }

    @Test
    void aStatusBatchAsksAboutOneToAHundredDistinctSafeVmUuids() {
        List<String> hundredAndOne = IntStream.range(0, 101).mapToObj(i -> "u" + i).toList();
        assertThatThrownBy(() -> api.statusBatch(List.of(), KEY, TIMEOUT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> api.statusBatch(hundredAndOne, KEY, TIMEOUT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> api.statusBatch(List.of(U1, U1), KEY, TIMEOUT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> api.statusBatch(List.of("a,b"), KEY, TIMEOUT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> api.statusBatch(Collections.singletonList(null), KEY, TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(phala.getAllServeEvents()).isEmpty();
    }

    @Test
    void aStatusBatchEchoingTheKeyKeepsItOutOfEveryValue() throws Exception {
        String longError = "x".repeat(495) + KEY;
        phala.stubFor(post("/api/v1/status/batch").willReturn(aResponse().withStatus(200).withBody("""
                {"%s": %s}""".formatted(U1, status(U1, "error " + KEY, false, longError, KEY)))));

        PhalaAnswer answer = api.statusBatch(List.of(U1), KEY, TIMEOUT);

        assertThat(answer.toString()).doesNotContain(KEY).doesNotContain(KEY.substring(0, 8));
        assertThat(answer.value(PhalaFleet.key(U1, PhalaFleet.STATUS))).isEqualTo("error [redacted]");
        assertThat(answer.value(PhalaFleet.key(U1, PhalaFleet.BOOT_ERROR))).hasSize(503).endsWith("...");
    }

    @Test
    void aLargeStatusBatchOfAHundredIsReadWhole() throws Exception {
        List<String> uuids = IntStream.range(0, 100).mapToObj(i -> U1.substring(0, 32) + "%04d".formatted(i)).toList();
        Map<String, String> entries = new HashMap<>();
        uuids.forEach(u -> entries.put(u, status(u, "running", false, null, "x".repeat(600))));
        String body = entries.entrySet().stream().map(e -> "\"" + e.getKey() + "\": " + e.getValue())
                .collect(Collectors.joining(",", "{", "}"));
        assertThat(body.length()).isGreaterThan(BoundedBody.LIMIT);
        phala.stubFor(post("/api/v1/status/batch").willReturn(aResponse().withStatus(200).withBody(body)));

        PhalaAnswer answer = api.statusBatch(uuids, KEY, TIMEOUT);

        assertThat(answer.value(PhalaFleet.COUNT)).isEqualTo("100");
        assertThat(answer.value(PhalaFleet.MISSING)).isNull();
    }

    // GET /api/v1/cvms/{cvm_id}/compose_file

    /** Phala's app compose as GET /cvms/{id}/compose_file answers it (AppCompose), written as the relay writes it back. */
    private static final String APP_COMPOSE_JSON = "{\"manifest_version\":2,\"name\":\"shop\",\"runner\":\"docker-compose\","
            + "\"docker_compose_file\":\"services:\\n  web:\\n    image: 123456789012.dkr.ecr.us-west-2.amazonaws.com/shop:1\\n\","
            + "\"kms_enabled\":true,\"gateway_enabled\":true,\"public_logs\":false,\"pre_launch_script\":null,"
            + "\"allowed_envs\":[\"DB_URL\"],\"features\":[\"kms\",\"tproxy-net\"]}";

    @Test
    void aComposeFileReadIsAGetOfTheCvmsComposeFileWithEveryCallsHeadersAndGivesTheAppComposeAsJson() throws Exception {
        phala.stubFor(get(urlEqualTo("/api/v1/cvms/" + U1 + "/compose_file")).willReturn(aResponse().withStatus(200)
                .withHeader("X-Request-ID", "req-compose-1")
                .withBody(APP_COMPOSE_JSON.replace(",", ",\n  ").replace("{\"manifest", "{\n  \"manifest"))));

        PhalaAnswer answer = api.composeFile(U1, KEY, TIMEOUT);

        phala.verify(1, headers(getRequestedFor(urlEqualTo("/api/v1/cvms/" + U1 + "/compose_file"))));
        assertThat(phala.getAllServeEvents()).hasSize(1);
        assertThat(phala.getAllServeEvents().get(0).getRequest().getMethod().getName()).isEqualTo("GET");
        assertThat(phala.getAllServeEvents().get(0).getRequest().getBodyAsString()).isEmpty();
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.requestId()).isEqualTo("req-compose-1");
        assertThat(answer.values()).isEqualTo(Map.of(PhalaFleet.APP_COMPOSE, APP_COMPOSE_JSON));
    }

    @Test
    void aComposeFileThatIsNotAnObjectIsAProblem() throws Exception {
        phala.stubFor(get(urlEqualTo("/api/v1/cvms/a/compose_file")).willReturn(aResponse().withStatus(200)
                .withBody("[\"services: {}\"]")));
        phala.stubFor(get(urlEqualTo("/api/v1/cvms/b/compose_file")).willReturn(aResponse().withStatus(200)
                .withBody("services:\n  web:\n    image: shop:1\n")));
        phala.stubFor(get(urlEqualTo("/api/v1/cvms/c/compose_file")).willReturn(aResponse().withStatus(200)
                .withBody("\"services: {}\"")));

        assertThat(api.composeFile("a", KEY, TIMEOUT).values()).isEqualTo(Map.of(PhalaFleet.PROBLEM,
                "Phala's compose file of the CVM is not a JSON object"));
        assertThat(api.composeFile("b", KEY, TIMEOUT).values()).isEqualTo(Map.of(PhalaFleet.PROBLEM,
                "Phala's compose file of the CVM is not a JSON object (not JSON, or cut at the 1048576 bytes read)"));
        assertThat(api.composeFile("c", KEY, TIMEOUT).values()).isEqualTo(Map.of(PhalaFleet.PROBLEM,
                "Phala's compose file of the CVM is not a JSON object"));
    }

    @Test
    void aComposeFileWithoutADockerComposeFileStringIsAProblem() throws Exception {
        phala.stubFor(get(urlEqualTo("/api/v1/cvms/a/compose_file")).willReturn(aResponse().withStatus(200)
                .withBody("{\"name\": \"shop\", \"runner\": \"docker-compose\"}")));
        phala.stubFor(get(urlEqualTo("/api/v1/cvms/b/compose_file")).willReturn(aResponse().withStatus(200)
                .withBody("{\"name\": \"shop\", \"docker_compose_file\": null}")));
        phala.stubFor(get(urlEqualTo("/api/v1/cvms/c/compose_file")).willReturn(aResponse().withStatus(200)
                .withBody("{\"name\": \"shop\", \"docker_compose_file\": {\"services\": {}}}")));

        for (String cvm : List.of("a", "b", "c")) {
            assertThat(api.composeFile(cvm, KEY, TIMEOUT).values()).as(cvm).isEqualTo(Map.of(PhalaFleet.PROBLEM,
                    "Phala's compose file of the CVM has no docker_compose_file string"));
        }
    }

    @Test
    void aComposeFileLongerThanTheRelayReadsIsAProblemAndOneExactlyAtTheBoundIsReadWhole() throws Exception {
        String prefix = "{\"docker_compose_file\":\"";
        String atBound = prefix + "x".repeat(PhalaFleet.MAX_APP_COMPOSE_CHARS - prefix.length() - 2) + "\"}";
        String over = prefix + "x".repeat(PhalaFleet.MAX_APP_COMPOSE_CHARS - prefix.length() - 1) + "\"}";
        assertThat(atBound).hasSize(262_144);
        assertThat(over).hasSize(262_145);
        phala.stubFor(get(urlEqualTo("/api/v1/cvms/at/compose_file")).willReturn(aResponse().withStatus(200)
                .withBody(atBound)));
        phala.stubFor(get(urlEqualTo("/api/v1/cvms/over/compose_file")).willReturn(aResponse().withStatus(200)
                .withBody(over)));

        assertThat(api.composeFile("at", KEY, TIMEOUT).values()).isEqualTo(Map.of(PhalaFleet.APP_COMPOSE, atBound));
        assertThat(api.composeFile("over", KEY, TIMEOUT).values()).isEqualTo(Map.of(PhalaFleet.PROBLEM,
                "Phala's compose file of the CVM is 262145 characters as JSON, more than the 262144 the relay reads"));
    }

    @Test
    void aComposeFileOfAnUnknownCvmIs404WithPhalasDetailAndNoValues() throws Exception {
        phala.stubFor(get(urlEqualTo("/api/v1/cvms/" + U2 + "/compose_file")).willReturn(aResponse().withStatus(404)
                .withBody("{\"detail\": \"CVM not found\"}")));

        PhalaAnswer answer = api.composeFile(U2, KEY, TIMEOUT);

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.detail()).isEqualTo("CVM not found");
        assertThat(answer.isRetryable()).isFalse();
        assertThat(answer.value(PhalaFleet.APP_COMPOSE)).isNull();
    }

    @Test
    void theComposeFileReadsCvmIdIsOnePathSegment() throws Exception {
        phala.stubFor(get(urlEqualTo("/api/v1/cvms/a%2F..%2Fb/compose_file")).willReturn(aResponse().withStatus(200)
                .withBody(APP_COMPOSE_JSON)));

        assertThat(api.composeFile("a/../b", KEY, TIMEOUT).value(PhalaFleet.APP_COMPOSE)).isEqualTo(APP_COMPOSE_JSON);
        assertThatThrownBy(() -> api.composeFile("..", KEY, TIMEOUT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> api.composeFile(" ", KEY, TIMEOUT)).isInstanceOf(IllegalArgumentException.class);
        assertThat(phala.getAllServeEvents()).hasSize(1);
    }

    // GET /api/v1/apps/{app_id}/revisions/{revision_id}

    private static String revisionDetail(String composeFile) {
        return """
                {"revision_id": "rev_7Hk2", "app_id": "%s", "vm_uuid": "%s", "compose_hash": "%s",
                 "created_at": "2026-06-02T10:00:00Z", "trace_id": null, "operation_type": "update",
                 "triggered_by": null, "cvm_id": 12, "workspace_id": 3, "operator_type": "user",
                 "compose_file": %s, "encrypted_env": "", "user_config": ""}""".formatted(APP, U1, HASH_B, composeFile);
    }

    @Test
    void aRevisionReadIsAGetOfTheAppsRevisionTheAppPrefixTakenOffAndGivesItsComposeFileObjectAndHash() throws Exception {
        phala.stubFor(get(urlEqualTo("/api/v1/apps/" + APP + "/revisions/rev_7Hk2")).willReturn(aResponse()
                .withStatus(200).withHeader("X-Request-ID", "req-rev-1").withBody(revisionDetail(APP_COMPOSE_JSON))));

        PhalaAnswer answer = api.revision("app_" + APP, "rev_7Hk2", KEY, TIMEOUT);

        phala.verify(1, headers(getRequestedFor(urlEqualTo("/api/v1/apps/" + APP + "/revisions/rev_7Hk2"))));
        assertThat(phala.getAllServeEvents()).hasSize(1);
        assertThat(phala.getAllServeEvents().get(0).getRequest().getBodyAsString()).isEmpty();
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.requestId()).isEqualTo("req-rev-1");
        assertThat(answer.values()).isEqualTo(Map.of(PhalaFleet.APP_COMPOSE, APP_COMPOSE_JSON,
                PhalaFleet.COMPOSE_HASH, HASH_B));
    }

    @Test
    void aRevisionsComposeFileAsAStringHoldingJsonIsReadAsTheAppCompose() throws Exception {
        String asString = "\"" + APP_COMPOSE_JSON.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        phala.stubFor(get(urlEqualTo("/api/v1/apps/" + APP + "/revisions/rev_7Hk2")).willReturn(aResponse()
                .withStatus(200).withBody(revisionDetail(asString))));

        PhalaAnswer answer = api.revision(APP, "rev_7Hk2", KEY, TIMEOUT);

        phala.verify(1, headers(getRequestedFor(urlEqualTo("/api/v1/apps/" + APP + "/revisions/rev_7Hk2"))));
        assertThat(answer.values()).isEqualTo(Map.of(PhalaFleet.APP_COMPOSE, APP_COMPOSE_JSON,
                PhalaFleet.COMPOSE_HASH, HASH_B));
    }

    @Test
    void aRevisionWhoseComposeFileIsNullMissingUnparseableOrNotAnAppComposeIsAProblemWithItsHashKept() throws Exception {
        phala.stubFor(get(urlEqualTo("/api/v1/apps/a/revisions/r1")).willReturn(aResponse().withStatus(200)
                .withBody(revisionDetail("null"))));
        phala.stubFor(get(urlEqualTo("/api/v1/apps/a/revisions/r2")).willReturn(aResponse().withStatus(200)
                .withBody(revisionDetail("\"services:\\n  web: {}\\n\""))));
        phala.stubFor(get(urlEqualTo("/api/v1/apps/a/revisions/r3")).willReturn(aResponse().withStatus(200)
                .withBody("{\"revision_id\": \"r3\", \"compose_hash\": \"" + HASH_A + "\"}")));
        phala.stubFor(get(urlEqualTo("/api/v1/apps/a/revisions/r4")).willReturn(aResponse().withStatus(200)
                .withBody(revisionDetail("{\"name\": \"shop\"}"))));
        phala.stubFor(get(urlEqualTo("/api/v1/apps/a/revisions/r5")).willReturn(aResponse().withStatus(200)
                .withBody("[]")));
        phala.stubFor(get(urlEqualTo("/api/v1/apps/a/revisions/r6")).willReturn(aResponse().withStatus(200)
                .withBody("{\"revision_id\": ")));

        assertThat(api.revision("a", "r1", KEY, TIMEOUT).values()).isEqualTo(Map.of(PhalaFleet.COMPOSE_HASH, HASH_B,
                PhalaFleet.PROBLEM, "Phala's compose file of the revision is not a JSON object"));
        assertThat(api.revision("a", "r2", KEY, TIMEOUT).values()).isEqualTo(Map.of(PhalaFleet.COMPOSE_HASH, HASH_B,
                PhalaFleet.PROBLEM, "Phala's compose file of the revision is not a JSON object"
                        + " (not JSON, or cut at the 1048576 bytes read)"));
        assertThat(api.revision("a", "r3", KEY, TIMEOUT).values()).isEqualTo(Map.of(PhalaFleet.COMPOSE_HASH, HASH_A,
                PhalaFleet.PROBLEM, "Phala's compose file of the revision is not a JSON object"));
        assertThat(api.revision("a", "r4", KEY, TIMEOUT).values()).isEqualTo(Map.of(PhalaFleet.COMPOSE_HASH, HASH_B,
                PhalaFleet.PROBLEM, "Phala's compose file of the revision has no docker_compose_file string"));
        assertThat(api.revision("a", "r5", KEY, TIMEOUT).values()).isEqualTo(Map.of(PhalaFleet.PROBLEM,
                "Phala's revision is not a JSON object"));
        assertThat(api.revision("a", "r6", KEY, TIMEOUT).values()).isEqualTo(Map.of(PhalaFleet.PROBLEM,
                "Phala's revision is not a JSON object (not JSON, or cut at the 1048576 bytes read)"));
    }

    @Test
    void anUnknownRevisionIs404AndItsIdsAreEachOnePathSegment() throws Exception {
        phala.stubFor(get(urlEqualTo("/api/v1/apps/" + APP + "/revisions/rev_gone")).willReturn(aResponse()
                .withStatus(404).withBody("{\"detail\": \"Revision not found\"}")));
        phala.stubFor(get(urlEqualTo("/api/v1/apps/a%2Fb/revisions/r%3F1%2F..")).willReturn(aResponse()
                .withStatus(200).withBody(revisionDetail(APP_COMPOSE_JSON))));

        PhalaAnswer gone = api.revision("app_" + APP, "rev_gone", KEY, TIMEOUT);

        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.detail()).isEqualTo("Revision not found");
        assertThat(gone.isRetryable()).isFalse();
        assertThat(gone.value(PhalaFleet.APP_COMPOSE)).isNull();
        assertThat(api.revision("a/b", "r?1/..", KEY, TIMEOUT).value(PhalaFleet.APP_COMPOSE)).isEqualTo(APP_COMPOSE_JSON);
        assertThatThrownBy(() -> api.revision(APP, "..", KEY, TIMEOUT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> api.revision("app_", "rev_1", KEY, TIMEOUT)).isInstanceOf(IllegalArgumentException.class);
        assertThat(phala.getAllServeEvents()).hasSize(2);
    }
}
