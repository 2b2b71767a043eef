package com.composerelay.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.core.Outcome;
import com.composerelay.core.PhalaAnswer;
import com.composerelay.core.CallerValue;
import com.composerelay.support.Events;
import com.composerelay.support.FakeContext;
import com.composerelay.support.Fixtures;
import com.composerelay.support.Harness;
import com.composerelay.support.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiGatewayTriggerTest {
    private final Harness harness = new Harness();

    private static String hashBody() {
        return "{\"compose_hash\":\"" + Fixtures.HASH + "\"}";
    }

    @Test
    void relaysTheHttpApiSampleAndAnswers202WithTheOutcome() throws Exception {
        harness.phala.then(202);
        JsonNode response = harness.invoke(Fixtures.eventText("http-api.json"));

        assertThat(response.get("statusCode").intValue()).isEqualTo(202);
        assertThat(response.get("headers").get("Content-Type").textValue()).isEqualTo("application/json");
        assertThat(response.get("isBase64Encoded").booleanValue()).isFalse();
        assertThat(Harness.body(response)).isEqualTo(TestJson.parse("""
                {"status":"accepted","cvm_id":"cvm_ykL5lbAn","compose_hash":"%s","trigger":"api","attempts":1,
                 "http_status":202,"error":null,"request_id":"Jb1fHgq7IAMEVfA=","correlation_id":"Jb1fHgq7IAMEVfA=",
                 "phala_request_id":"phala-req-202",
                 "started_at":"2026-11-25T12:00:00Z","finished_at":"2026-11-25T12:00:00Z"}
                """.formatted(Fixtures.HASH)));
        var call = harness.phala.calls().getFirst();
        assertThat(call.update().cvmId()).isEqualTo("cvm_ykL5lbAn");
        assertThat(call.update().encryptedEnv()).isEqualTo(CallerValue.given("a1b2c3d4"));
        assertThat(call.update().envKeys()).isEqualTo(CallerValue.given(List.of("DATABASE_URL", "LOG_LEVEL")));
        assertThat(call.update().updateEnvVars()).isEqualTo(CallerValue.given(true));
        assertThat(harness.outcomes.published()).singleElement()
                .satisfies(o -> assertThat(o.status()).isEqualTo("accepted"));
    }

    @Test
    void relaysTheRestApiSampleWithBase64Body() {
        JsonNode response = harness.invoke(Fixtures.eventText("rest-api.json"));
        assertThat(response.get("statusCode").intValue()).isEqualTo(202);
        JsonNode outcome = Harness.body(response);
        assertThat(outcome.get("cvm_id").textValue()).isEqualTo("app_7a1c5e2f9b3d4c6a8e0f1b2d3c4e5f6a7b8c9d0e");
        assertThat(outcome.get("compose_hash").textValue()).isEqualTo("0x" + Fixtures.HASH);
        assertThat(outcome.get("request_id").textValue()).isEqualTo("c6af9ac6-7b61-11e6-9a41-93e8deadbeef");
    }

    @Test
    void answers400NamingTheFieldAndPublishesTheRejection() {
        JsonNode response = harness.invoke(Events.httpApi("cvm_1", "{\"compose_hash\":\"" + Fixtures.HASH
                + "\",\"update_env_vars\":\"true\"}"));
        assertThat(response.get("statusCode").intValue()).isEqualTo(400);
        JsonNode outcome = Harness.body(response);
        assertThat(outcome.get("status").textValue()).isEqualTo("rejected");
        assertThat(outcome.get("error").textValue())
                .isEqualTo("update_env_vars: must be true, false or null (a JSON boolean), not a string");
        assertThat(outcome.get("cvm_id").textValue()).isEqualTo("cvm_1");
        assertThat(outcome.get("compose_hash").textValue()).isEqualTo(Fixtures.HASH);
        assertThat(outcome.get("attempts").intValue()).isZero();
        assertThat(outcome.get("http_status").isNull()).isTrue();
        assertThat(harness.phala.calls()).isEmpty();
        assertThat(harness.outcomes.published()).singleElement()
                .satisfies(o -> assertThat(o).isInstanceOf(Outcome.Rejected.class));
    }

    @Test
    void answers400ForInvalidCvmIdWithoutEchoingIt() {
        JsonNode response = harness.invoke(Events.httpApi("..", hashBody()));
        assertThat(response.get("statusCode").intValue()).isEqualTo(400);
        assertThat(Harness.body(response).get("error").textValue()).isEqualTo("cvm_id: must not be '.' or '..'");
        assertThat(Harness.body(response).get("cvm_id").isNull()).isTrue();
    }

    @Test
    void answers400ForMissingBody() {
        JsonNode response = harness.invoke(Events.httpApi(Events.SAMPLE_CVM_ID, null));
        assertThat(response.get("statusCode").intValue()).isEqualTo(400);
        assertThat(Harness.body(response).get("error").textValue())
                .isEqualTo("body: is required: a JSON object with compose_hash");
    }

    @Test
    void answers400ForBodyThatLiesAboutBase64() {
        var event = Events.httpApiEvent(Events.SAMPLE_CVM_ID, "{\"compose_hash\":\"" + Fixtures.HASH + "\"}");
        event.setIsBase64Encoded(true);
        JsonNode response = harness.invoke(Events.json(event));
        assertThat(response.get("statusCode").intValue()).isEqualTo(400);
        assertThat(Harness.body(response).get("error").textValue())
                .isEqualTo("body: is marked base64-encoded but is not valid base64");
    }

    @Test
    void answers400ForMalformedJsonBody() {
        JsonNode response = harness.invoke(Events.restApi("cvm_1", "{\"compose_hash\":"));
        assertThat(response.get("statusCode").intValue()).isEqualTo(400);
        assertThat(Harness.body(response).get("error").textValue()).startsWith("body: is not valid JSON (line 1, column ");
    }

    @Test
    void passesThroughPhala404() {
        harness.phala.then(new PhalaAnswer(404, "ERR-03-001 CVM not found", "r-404", Optional.empty(), null));
        JsonNode response = harness.invoke(Events.httpApi("cvm_gone", hashBody()));
        assertThat(response.get("statusCode").intValue()).isEqualTo(404);
        JsonNode outcome = Harness.body(response);
        assertThat(outcome.get("status").textValue()).isEqualTo("rejected");
        assertThat(outcome.get("error").textValue()).isEqualTo("Phala answered 404: ERR-03-001 CVM not found");
        assertThat(outcome.get("phala_request_id").textValue()).isEqualTo("r-404");
    }

    @Test
    void passesThroughOnChainKmsRefusal() {
        harness.phala.then(new PhalaAnswer(465, "compose hash not registered", null, Optional.empty(), null));
        assertThat(harness.invoke(Events.httpApi("cvm_1", hashBody())).get("statusCode").intValue()).isEqualTo(465);
    }

    @Test
    void answers503WhenPhalaKeepsAnswering503() {
        harness.phala.then(503).then(503).then(503).then(503);
        JsonNode response = harness.invoke(Events.httpApi("cvm_1", hashBody()));
        assertThat(response.get("statusCode").intValue()).isEqualTo(503);
        JsonNode outcome = Harness.body(response);
        assertThat(outcome.get("status").textValue()).isEqualTo("failed");
        assertThat(outcome.get("attempts").intValue()).isEqualTo(4);
        assertThat(outcome.get("http_status").intValue()).isEqualTo(503);
    }

    @Test
    void answers502WhenPhalaKeepsAnswering429() {
        harness.phala.then(429).then(429).then(429).then(429);
        assertThat(harness.invoke(Events.httpApi("cvm_1", hashBody())).get("statusCode").intValue()).isEqualTo(502);
    }

    @Test
    void answers502WhenTheKeyIsRefusedAfterRefresh() {
        harness.phala.then(401).then(401);
        JsonNode response = harness.invoke(Events.httpApi("cvm_1", hashBody()));
        assertThat(response.get("statusCode").intValue()).isEqualTo(502);
        assertThat(Harness.body(response).get("http_status").intValue()).isEqualTo(401);
    }

    @Test
    void answers504WhenPhalaDoesNotAnswerInTime() {
        harness.phala.thenTimeout().thenTimeout().thenTimeout();
        JsonNode response = harness.invoke(Events.httpApi("cvm_1", hashBody()), new FakeContext("l-1", 28_000));
        assertThat(response.get("statusCode").intValue()).isEqualTo(504);
        assertThat(Harness.body(response).get("error").textValue()).matches(
                "Phala did not answer within \\d+ ms; the next attempt \\(in \\d+ ms\\) would pass the Lambda deadline, "
                        + "so the relay stopped after \\d attempts");
        assertThat(harness.phala.calls().getFirst().timeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void answers504WhenTheDeadlineIsNearlySpentOnArrival() {
        JsonNode response = harness.invoke(Events.httpApi("cvm_1", hashBody()), new FakeContext("l-1", 1_000));
        assertThat(response.get("statusCode").intValue()).isEqualTo(504);
        assertThat(harness.phala.calls()).isEmpty();
        assertThat(harness.outcomes.published()).hasSize(1);
    }

    @Test
    void answers502ForARedirect() {
        harness.phala.then(new PhalaAnswer(302, null, null, Optional.empty(), "https://other.example/"));
        assertThat(harness.invoke(Events.httpApi("cvm_1", hashBody())).get("statusCode").intValue()).isEqualTo(502);
    }

    @Test
    void answers404ForAnotherRoute() {
        JsonNode response = harness.invoke(Events.json(Events.httpApiRequest("PATCH", "$default", "/health", null,
                Events.sampleHttpApiHeaders(), hashBody(), false)));
        assertThat(response.get("statusCode").intValue()).isEqualTo(404);
        assertThat(Harness.body(response).get("error").textValue())
                .isEqualTo("no such route: the relay serves PATCH /cvms/{cvm_id}/compose_file and POST /cvms/{cvm_id}/updates");
        assertThat(harness.outcomes.published()).isEmpty();
    }

    @Test
    void answers405ForAnotherMethod() {
        JsonNode response = harness.invoke(Events.json(Events.restApiEvent("cvm_1", hashBody()).withHttpMethod("POST")));
        assertThat(response.get("statusCode").intValue()).isEqualTo(405);
        assertThat(response.get("headers").get("Allow").textValue()).isEqualTo("PATCH");
        assertThat(harness.phala.calls()).isEmpty();
    }

    @Test
    void takesCvmIdFromThePathWhenPathParametersAreMissing() {
        var event = Events.httpApiEvent(Events.SAMPLE_CVM_ID, hashBody());
        event.setPathParameters(null);
        JsonNode response = harness.invoke(Events.json(event));
        assertThat(response.get("statusCode").intValue()).isEqualTo(202);
        assertThat(harness.phala.calls().getFirst().update().cvmId()).isEqualTo("cvm_ykL5lbAn");
    }

    @Test
    void retriesWithBackoffWithinTheDeadline() {
        harness.phala.then(503).then(202);
        JsonNode response = harness.invoke(Events.httpApi("cvm_1", hashBody()));
        assertThat(response.get("statusCode").intValue()).isEqualTo(202);
        JsonNode outcome = Harness.body(response);
        assertThat(outcome.get("attempts").intValue()).isEqualTo(2);
        Duration waited = Duration.between(
                java.time.Instant.parse(outcome.get("started_at").textValue()),
                java.time.Instant.parse(outcome.get("finished_at").textValue()));
        assertThat(waited).isBetween(Duration.ofMillis(500), Duration.ofMillis(1000));
    }
}
