package com.composerelay.phala;

import com.composerelay.support.Harness;
import com.composerelay.core.RelayTable;
import com.composerelay.support.MutableClock;
import com.composerelay.net.HttpClients;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.report.ValidationReport;
import com.composerelay.RelayHandler;
import com.composerelay.config.Config;
import com.composerelay.json.Json;
import com.composerelay.support.Events;
import com.composerelay.support.FakeContext;
import com.composerelay.support.FakeKeys;
import com.composerelay.support.Invoke;
import com.composerelay.support.Fixtures;
import com.composerelay.support.LogCapture;
import com.composerelay.support.PhalaContract;
import com.composerelay.support.RecordingOutcomes;
import com.composerelay.support.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The relay against a real HTTP server standing in for Phala; every PATCH is checked against the OpenAPI. */
class HttpPhalaApiTest {
    private static final String PATH = "/api/v1/cvms/cvm_ykL5lbAn/compose_file";

    @RegisterExtension
    static WireMockExtension phala = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private final RecordingOutcomes outcomes = new RecordingOutcomes();
    @RegisterExtension
    final LogCapture log = new LogCapture();
    private FakeKeys keys = new FakeKeys(Fixtures.API_KEY, "phak_rotated_key_0001");

    @AfterEach
    void everyRequestFollowsTheContractAndNoKeyLeaked() {
        for (var event : phala.getAllServeEvents()) {
            ValidationReport report = PhalaContract.check(event.getRequest());
            assertThat(report.getMessages()).as("OpenAPI check of %s", event.getRequest().getUrl()).isEmpty();
        }
        String everything = log.text() + outcomes.published();
        assertThat(everything).doesNotContain(Fixtures.API_KEY).doesNotContain("phak_rotated_key_0001");
    }

    private Config config(String... overrides) {
        String[] base = {"PHALA_API_BASE_URL", phala.baseUrl(), "PHALA_RETRY_BASE_DELAY_MS", "50",
                "PHALA_TIMEOUT_MS", "2000"};
        String[] all = new String[base.length + overrides.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(overrides, 0, all, base.length, overrides.length);
        return Fixtures.config(all);
    }

    private JsonNode invoke(Config config, String event, int remainingMillis) {
        return invoke(config, event, remainingMillis, null);
    }

    /** With {@code controlled}, the relay (and the Retry-After dates it reads) runs on that clock, which its waits move. */
    private JsonNode invoke(Config config, String event, int remainingMillis, MutableClock controlled) {
        Clock clock = controlled == null ? Clock.systemUTC() : controlled;
        var api = new HttpPhalaApi(HttpClients.newClient(config.connectTimeout()), config.phalaBaseUrl(),
                config.phalaApiVersion(), clock);
        var harness = Harness.builder().config(config).keys(keys).phala(api).outcomes(outcomes)
                .idempotency(RelayTable.none());
        RelayHandler handler = (controlled == null ? harness.realTime() : harness.clock(controlled)).build().handler;
        String text = Invoke.raw(handler, event, new FakeContext("lambda-1", remainingMillis));
        assertThat(text).doesNotContain(Fixtures.API_KEY);
        try {
            return TestJson.parse(text);
        } catch (Json.Malformed e) {
            throw new AssertionError("the handler wrote something that is not JSON: " + e.getMessage());
        }
    }

    private JsonNode invoke(String event) {
        return invoke(config(), event, 30_000);
    }

    private static int status(JsonNode response) {
        return response.get("statusCode").intValue();
    }

    private static JsonNode outcome(JsonNode response) {
        try {
            return TestJson.parse(response.get("body").textValue());
        } catch (Json.Malformed e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void sendsTheExactPathHeadersAndBody() {
        phala.stubFor(patch(urlEqualTo(PATH)).willReturn(aResponse().withStatus(202)
                .withHeader("X-Request-ID", "phala-7f3a").withHeader("Content-Type", "application/json").withBody("{}")));

        JsonNode response = invoke(Fixtures.eventText("http-api.json"));

        assertThat(status(response)).isEqualTo(202);
        assertThat(outcome(response).get("phala_request_id").textValue()).isEqualTo("phala-7f3a");
        phala.verify(1, patchRequestedFor(urlEqualTo(PATH))
                .withHeader("X-API-Key", equalTo(Fixtures.API_KEY))
                .withHeader("X-Phala-Version", equalTo("2026-06-23"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withHeader("Accept", equalTo("application/json"))
                .withHeader("User-Agent", equalTo("compose-relay/0.1.0"))
                .withoutHeader("Authorization")
                .withRequestBody(equalToJson("""
                        {"compose_hash":"%s","encrypted_env":"a1b2c3d4","env_keys":["DATABASE_URL","LOG_LEVEL"],
                         "update_env_vars":true}""".formatted(Fixtures.HASH))));
    }

    @Test
    void sendsExplicitNullsAndFalseButLeavesOutAbsentFields() {
        phala.stubFor(patch(urlEqualTo("/api/v1/cvms/c1/compose_file")).willReturn(aResponse().withStatus(202)));
        invoke(Events.httpApi("c1", "{\"compose_hash\":\"0x" + Fixtures.HASH
                + "\",\"encrypted_env\":null,\"update_env_vars\":false}"));
        String body = phala.getAllServeEvents().getFirst().getRequest().getBodyAsString();
        assertThat(body).isEqualTo("{\"compose_hash\":\"0x" + Fixtures.HASH
                + "\",\"encrypted_env\":null,\"update_env_vars\":false}");
    }

    @Test
    void sendsTheConfiguredApiVersion() {
        phala.stubFor(patch(urlEqualTo(PATH)).willReturn(aResponse().withStatus(202)));
        invoke(config("PHALA_API_VERSION", "2026-01-21"), Fixtures.eventText("http-api.json"), 30_000);
        phala.verify(patchRequestedFor(urlEqualTo(PATH)).withHeader("X-Phala-Version", equalTo("2026-01-21")));
    }

    @Test
    void percentEncodesTheCvmIdAsOnePathSegment() {
        String encoded = "/api/v1/cvms/%C3%BCn%C3%AF%3Acode%40x%2Bq/compose_file";
        phala.stubFor(patch(urlEqualTo(encoded)).willReturn(aResponse().withStatus(202)));
        JsonNode response = invoke(Events.httpApi("ünï:code@x+q", "{\"compose_hash\":\"" + Fixtures.HASH + "\"}"));
        assertThat(status(response)).isEqualTo(202);
        assertThat(phala.getAllServeEvents().getFirst().getRequest().getUrl()).isEqualTo(encoded);
    }

    @Test
    void retriesOn503ThenAccepts() {
        phala.stubFor(patch(urlEqualTo(PATH)).inScenario("maintenance").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withBody("{\"detail\":\"Node under maintenance\"}"))
                .willSetStateTo("back"));
        phala.stubFor(patch(urlEqualTo(PATH)).inScenario("maintenance").whenScenarioStateIs("back")
                .willReturn(aResponse().withStatus(202)));
        JsonNode response = invoke(Fixtures.eventText("http-api.json"));
        assertThat(status(response)).isEqualTo(202);
        assertThat(outcome(response).get("attempts").intValue()).isEqualTo(2);
        phala.verify(2, patchRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void honoursRetryAfterInSeconds() {
        phala.stubFor(patch(urlEqualTo(PATH)).inScenario("limit").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")).willSetStateTo("ok"));
        phala.stubFor(patch(urlEqualTo(PATH)).inScenario("limit").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(202)));
        MutableClock clock = new MutableClock();
        JsonNode response = invoke(config(), Fixtures.eventText("http-api.json"), 30_000, clock);
        assertThat(status(response)).isEqualTo(202);
        assertThat(Duration.between(MutableClock.START, clock.instant())).as("the relay's wait before the retry")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void honoursRetryAfterAsHttpDate() {
        MutableClock clock = new MutableClock();
        String inTwoSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(clock).plusSeconds(2));
        phala.stubFor(patch(urlEqualTo(PATH)).inScenario("limit").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", inTwoSeconds)).willSetStateTo("ok"));
        phala.stubFor(patch(urlEqualTo(PATH)).inScenario("limit").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(202)));
        JsonNode response = invoke(config(), Fixtures.eventText("http-api.json"), 30_000, clock);
        assertThat(status(response)).isEqualTo(202);
        // The date has whole seconds: the wait is between one and two seconds.
        assertThat(Duration.between(MutableClock.START, clock.instant())).as("the relay's wait before the retry")
                .isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }

    @Test
    void refreshesTheKeyOn401AndRetriesWithTheNewOne() {
        phala.stubFor(patch(urlEqualTo(PATH)).withHeader("X-API-Key", equalTo(Fixtures.API_KEY))
                .willReturn(aResponse().withStatus(401).withBody("{\"detail\":\"Invalid API key\"}")));
        phala.stubFor(patch(urlEqualTo(PATH)).withHeader("X-API-Key", equalTo("phak_rotated_key_0001"))
                .willReturn(aResponse().withStatus(202)));
        JsonNode response = invoke(Fixtures.eventText("http-api.json"));
        assertThat(status(response)).isEqualTo(202);
        assertThat(keys.refreshes()).isEqualTo(1);
        assertThat(outcome(response).get("attempts").intValue()).isEqualTo(2);
    }

    @Test
    void answers502WhenTheNewKeyIsRefusedToo() {
        phala.stubFor(patch(urlEqualTo(PATH)).willReturn(aResponse().withStatus(401)
                .withBody("{\"detail\":\"Invalid API key\"}")));
        JsonNode response = invoke(Fixtures.eventText("http-api.json"));
        assertThat(status(response)).isEqualTo(502);
        assertThat(outcome(response).get("error").textValue())
                .isEqualTo("Phala refused the relay's API key (401) even after fetching it anew: Invalid API key");
        phala.verify(2, patchRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void passesThrough404WithPhalaDetailAndRequestId() {
        phala.stubFor(patch(urlEqualTo(PATH)).willReturn(aResponse().withStatus(404).withBody(
                "{\"detail\":{\"error_code\":\"ERR-03-001\",\"message\":\"CVM not found\",\"request_id\":\"req-9d1\"}}")));
        JsonNode response = invoke(Fixtures.eventText("http-api.json"));
        assertThat(status(response)).isEqualTo(404);
        JsonNode outcome = outcome(response);
        assertThat(outcome.get("error").textValue()).isEqualTo("Phala answered 404: ERR-03-001 CVM not found");
        assertThat(outcome.get("phala_request_id").textValue()).isEqualTo("req-9d1");
        phala.verify(1, patchRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void passesThrough422WithFastApiDetail() {
        phala.stubFor(patch(urlEqualTo(PATH)).willReturn(aResponse().withStatus(422).withBody(
                "{\"detail\":[{\"loc\":[\"body\",\"compose_hash\"],\"msg\":\"Field required\",\"type\":\"missing\"}]}")));
        JsonNode response = invoke(Fixtures.eventText("http-api.json"));
        assertThat(status(response)).isEqualTo(422);
        assertThat(outcome(response).get("error").textValue())
                .isEqualTo("Phala answered 422: body.compose_hash: Field required");
    }

    @Test
    void passesThrough400ProvisionNotFound() {
        phala.stubFor(patch(urlEqualTo(PATH)).willReturn(aResponse().withStatus(400)
                .withBody("{\"detail\":\"Compose provision not found or expired\"}")));
        JsonNode response = invoke(Fixtures.eventText("http-api.json"));
        assertThat(status(response)).isEqualTo(400);
        assertThat(outcome(response).get("error").textValue())
                .isEqualTo("Phala answered 400: Compose provision not found or expired");
    }

    @Test
    void answers504WhenPhalaIsTooSlow() {
        phala.stubFor(patch(urlEqualTo(PATH)).willReturn(aResponse().withStatus(202).withFixedDelay(1500)));
        JsonNode response = invoke(config("PHALA_TIMEOUT_MS", "300", "PHALA_MAX_ATTEMPTS", "2"),
                Fixtures.eventText("http-api.json"), 30_000);
        assertThat(status(response)).isEqualTo(504);
        assertThat(outcome(response).get("error").textValue())
                .isEqualTo("Phala did not answer within 300 ms (gave up after 2 attempts)");
    }

    @Test
    void acceptsA202WhoseBodyNeverEndsAndNeverSendsItAgain() {
        // The status came: Phala took the PATCH, so a body that never ends is no reason to send it again.
        phala.stubFor(patch(urlEqualTo(PATH)).willReturn(aResponse().withStatus(202)
                .withBody("{\"padding\":\"" + "x".repeat(200) + "\"}").withChunkedDribbleDelay(20, 3000)));
        JsonNode response = invoke(config("PHALA_TIMEOUT_MS", "400", "PHALA_MAX_ATTEMPTS", "4"),
                Fixtures.eventText("http-api.json"), 30_000);
        assertThat(status(response)).isEqualTo(202);
        assertThat(outcome(response).get("attempts").intValue()).isEqualTo(1);
        phala.verify(1, patchRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void readsOnlyABoundedPrefixOfAHugeAnswerAndSendsThePatchOnce() {
        // 8 MB of error detail: read as far as the bound, the status stands, nothing is sent again.
        String huge = "{\"detail\":\"" + "y".repeat(8 * 1024 * 1024) + "\"}";
        phala.stubFor(patch(urlEqualTo(PATH)).willReturn(aResponse().withStatus(202)
                .withHeader("Content-Type", "application/json").withBody(huge)));
        JsonNode response = invoke(config("PHALA_MAX_ATTEMPTS", "4"), Fixtures.eventText("http-api.json"), 30_000);
        assertThat(status(response)).isEqualTo(202);
        phala.verify(1, patchRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void readsAnEndlessAnswerOnlyToItsBoundAndSendsThePatchOnce() throws Exception {
        // A Phala that accepts, then streams a body that never ends: read whole, it ran the function out of
        // memory (or time), and the PATCH was sent again. Read to the bound, the 202 stands.
        AtomicInteger patches = new AtomicInteger();
        AtomicLong written = new AtomicLong();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> endlessAnswers(server, patches, written));
            Config config = Fixtures.config("PHALA_API_BASE_URL", "http://127.0.0.1:" + server.getLocalPort(),
                    "PHALA_RETRY_BASE_DELAY_MS", "50", "PHALA_TIMEOUT_MS", "3000", "PHALA_MAX_ATTEMPTS", "4");
            JsonNode response = invoke(config, Fixtures.eventText("http-api.json"), 30_000);

            assertThat(status(response)).isEqualTo(202);
            assertThat(patches.get()).isEqualTo(1);
            // What the server got into the socket before the relay closed it: the bound and the socket buffers.
            assertThat(written.get()).isLessThan(16L * 1024 * 1024);
        }
    }

    /** Answers each request with a 202 whose chunked body goes on until the client closes the connection. */
    private static void endlessAnswers(ServerSocket server, AtomicInteger patches, AtomicLong written) {
        byte[] chunk = ("10000\r\n" + "x".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                socket.setSoTimeout(5000);
                var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                int length = 0;
                for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                    if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                        length = Integer.parseInt(line.substring(15).strip());
                    }
                }
                in.skip(length);
                patches.incrementAndGet();
                var out = socket.getOutputStream();
                out.write(("HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                long until = System.nanoTime() + 10_000_000_000L;
                while (System.nanoTime() < until) {
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
            } catch (IOException closedByTheClient) {
                // the relay read what it wanted and closed the connection
            }
        }
    }

    @Test
    void boundsTheDetailOfAHugeErrorInTheOutcome() {
        String huge = "{\"detail\":\"" + "z".repeat(300_000) + "\"}";
        phala.stubFor(patch(urlEqualTo(PATH)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody(huge)));
        JsonNode response = invoke(Fixtures.eventText("http-api.json"));
        assertThat(status(response)).isEqualTo(400);
        // The body read was cut at 64 KiB, so it is no JSON: its text, bounded to 500 characters, is the detail.
        assertThat(outcome(response).get("error").textValue())
                .isEqualTo("Phala answered 400: {\"detail\":\"" + "z".repeat(500 - 11) + "...");
    }

    @Test
    void neverEchoesTheKeyFromPhalasHeadersIntoTheAnswerOrTheOutcome() {
        phala.stubFor(patch(urlEqualTo(PATH)).willReturn(aResponse().withStatus(307)
                .withHeader("Location", "https://elsewhere.example/?key=" + Fixtures.API_KEY)
                .withHeader("X-Request-ID", "req-" + Fixtures.API_KEY)));
        JsonNode response = invoke(Fixtures.eventText("http-api.json"));
        assertThat(status(response)).isEqualTo(502);
        assertThat(outcome(response).get("error").textValue()).isEqualTo("Phala answered a redirect 307 to "
                + "https://elsewhere.example/?key=[redacted], which the relay does not follow");
        assertThat(outcome(response).get("phala_request_id").textValue()).isEqualTo("req-[redacted]");
        assertThat(outcomes.published()).singleElement().satisfies(o -> {
            assertThat(o.error()).doesNotContain(Fixtures.API_KEY);
            assertThat(o.facts().phalaRequestId()).isEqualTo("req-[redacted]");
        });
    }

    @Test
    void retriesAfterConnectionResetThenAccepts() {
        phala.stubFor(patch(urlEqualTo(PATH)).inScenario("reset").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("ok"));
        phala.stubFor(patch(urlEqualTo(PATH)).inScenario("reset").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(202)));
        JsonNode response = invoke(Fixtures.eventText("http-api.json"));
        assertThat(status(response)).isEqualTo(202);
        assertThat(outcome(response).get("attempts").intValue()).isEqualTo(2);
    }

    @Test
    void answers502WhenTheConnectionBreaksMidBody() {
        phala.stubFor(patch(urlEqualTo(PATH)).willReturn(aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE)));
        JsonNode response = invoke(config("PHALA_MAX_ATTEMPTS", "2"), Fixtures.eventText("http-api.json"), 30_000);
        assertThat(status(response)).isEqualTo(502);
        assertThat(outcome(response).get("error").textValue()).startsWith("Phala could not be reached: ");
    }

    @Test
    void answers502WhenPhalaRefusesConnections() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        JsonNode response = invoke(Fixtures.config("PHALA_API_BASE_URL", "http://127.0.0.1:" + closedPort,
                "PHALA_RETRY_BASE_DELAY_MS", "20", "PHALA_MAX_ATTEMPTS", "2"), Fixtures.eventText("http-api.json"), 30_000);
        assertThat(status(response)).isEqualTo(502);
        assertThat(outcome(response).get("error").textValue())
                .isEqualTo("Phala could not be reached: connection refused (gave up after 2 attempts)");
    }

    @Test
    void doesNotFollowARedirectToAnotherHost() {
        phala.stubFor(patch(urlEqualTo(PATH)).willReturn(aResponse().withStatus(307)
                .withHeader("Location", "http://127.0.0.2:9/steal")));
        JsonNode response = invoke(Fixtures.eventText("http-api.json"));
        assertThat(status(response)).isEqualTo(502);
        assertThat(outcome(response).get("error").textValue())
                .isEqualTo("Phala answered a redirect 307 to http://127.0.0.2:9/steal, which the relay does not follow");
        phala.verify(1, patchRequestedFor(urlEqualTo(PATH)));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "retries {0} then accepts")
    @org.junit.jupiter.params.provider.ValueSource(ints = {409, 429, 500, 502, 503, 504})
    void retriesTransientStatusThenAccepts(int status) {
        phala.stubFor(patch(urlEqualTo(PATH)).inScenario("s" + status).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(status)).willSetStateTo("ok"));
        phala.stubFor(patch(urlEqualTo(PATH)).inScenario("s" + status).whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(202)));
        JsonNode response = invoke(Fixtures.eventText("http-api.json"));
        assertThat(status(response)).isEqualTo(202);
        assertThat(outcome(response).get("attempts").intValue()).isEqualTo(2);
    }

    @Test
    void acceptsA200AsUpdateInitiated() {
        phala.stubFor(patch(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200).withBody("{\"ok\":true}")));
        JsonNode response = invoke(Fixtures.eventText("http-api.json"));
        assertThat(status(response)).isEqualTo(202);
        assertThat(outcome(response).get("http_status").intValue()).isEqualTo(200);
    }

    @Test
    void acceptsA202WithABodyThatIsNotJson() {
        phala.stubFor(patch(urlEqualTo(PATH)).willReturn(aResponse().withStatus(202).withBody("<html>ok</html>")));
        assertThat(status(invoke(Fixtures.eventText("http-api.json")))).isEqualTo(202);
    }

    @Test
    void redactsTheKeyWhenAnUpstreamEchoesIt() {
        phala.stubFor(patch(urlEqualTo(PATH)).willReturn(aResponse().withStatus(403)
                .withBody("{\"detail\":\"key " + Fixtures.API_KEY + " is not in workspace\"}")));
        JsonNode response = invoke(Fixtures.eventText("http-api.json"));
        assertThat(status(response)).isEqualTo(403);
        assertThat(outcome(response).get("error").textValue())
                .isEqualTo("Phala answered 403: key [redacted] is not in workspace");
    }

    @Test
    void answersBeforeTheLambdaDeadline() {
        phala.stubFor(patch(urlEqualTo(PATH)).willReturn(aResponse().withStatus(503).withHeader("Retry-After", "1")));
        MutableClock clock = new MutableClock();
        JsonNode response = invoke(config("PHALA_MAX_ATTEMPTS", "10", "DEADLINE_RESERVE_MS", "500"),
                Fixtures.eventText("http-api.json"), 2_500, clock);
        Duration took = Duration.between(MutableClock.START, clock.instant());
        assertThat(status(response)).isEqualTo(503);
        assertThat(took).isLessThan(Duration.ofMillis(2_500 - 300));
        assertThat(outcome(response).get("error").textValue()).contains("would pass the Lambda deadline");
    }

    @Test
    void contractValidatorRejectsWhatPhalaWouldReject() {
        // The check above can fail: the validator bites on a body that breaks the contract.
        assertThat(PhalaContract.check("PATCH", PATH, "{\"compose_hash\":7}").hasErrors()).isTrue();
        assertThat(PhalaContract.check("PATCH", PATH, "{\"env_keys\":[\"A\"]}").hasErrors()).isTrue();
        assertThat(PhalaContract.check("PATCH", PATH, "{\"compose_hash\":\"ab\",\"update_env_vars\":\"yes\"}").hasErrors())
                .isTrue();
        assertThat(PhalaContract.check("PATCH", PATH,
                "{\"compose_hash\":\"ab\",\"encrypted_env\":null,\"env_keys\":null,\"update_env_vars\":null}").hasErrors())
                .isFalse();
    }
}
