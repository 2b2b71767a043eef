package com.composerelay.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.composerelay.core.Outcome;
import com.composerelay.support.Events;
import com.composerelay.support.Fixtures;
import com.composerelay.support.HttpPhalaHarness;
import com.composerelay.support.ScriptedHttpPhala;
import com.composerelay.support.ScriptedHttpPhala.Reply;
import com.composerelay.support.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The relay reads exactly what AWS's own event model ({@code aws-lambda-java-events}) writes through the
 * serializer Lambda's runtime uses: events built and written by the model, through the whole handler, give
 * the exact PATCH and outcome; and the relay's reading of the sample events agrees with the model's.
 */
class EventModelTest {
    private static final String PHALA = "https://cloud-api.phala.com/api/v1/cvms/";
    private static final String SAMPLE_BODY = "{\"compose_hash\":\"" + Fixtures.HASH + "\",\"encrypted_env\":\"a1b2c3d4\","
            + "\"env_keys\":[\"DATABASE_URL\",\"LOG_LEVEL\"],\"update_env_vars\":true}";
    private static final String HASH_ONLY = "{\"compose_hash\":\"" + Fixtures.HASH + "\"}";

    private final HttpPhalaHarness harness = new HttpPhalaHarness();

    // ---- through the whole handler ----------------------------------------------------------------

    @Test
    void anHttpApiEventOfTheModelPatchesTheExactPathAndBody() {
        String event = Events.json(Events.httpApiEvent("cvm_model01", SAMPLE_BODY));

        JsonNode response = harness.invoke(event, 30_000).response();

        assertThat(response.get("statusCode").intValue()).isEqualTo(202);
        assertPatches(PHALA + "cvm_model01/compose_file", SAMPLE_BODY);
        assertThat(harness.outcomes.published()).singleElement().satisfies(o -> {
            assertThat(o).isInstanceOf(Outcome.Accepted.class);
            assertThat(o.facts().requestId()).isEqualTo("Jb1fHgq7IAMEVfA=");
            assertThat(o.facts().trigger().wire()).isEqualTo("api");
        });
    }

    @Test
    void anHttpApiEventOfTheModelWithABase64BodyPatchesTheDecodedBody() {
        String event = Events.json(Events.httpApiRequest("PATCH", Events.PATCH_ROUTE, "/cvms/cvm_model02/compose_file",
                Map.of("cvm_id", "cvm_model02"), Events.sampleHttpApiHeaders(), SAMPLE_BODY, true));

        JsonNode response = harness.invoke(event, 30_000).response();

        assertThat(response.get("statusCode").intValue()).isEqualTo(202);
        assertPatches(PHALA + "cvm_model02/compose_file", SAMPLE_BODY);
    }

    @Test
    void aRestApiEventOfTheModelWithABase64BodyPatchesTheDecodedBody() {
        APIGatewayProxyRequestEvent model = Events.restApiEvent("app_model03", null)
                .withBody(Base64.getEncoder().encodeToString(HASH_ONLY.getBytes(StandardCharsets.UTF_8)))
                .withIsBase64Encoded(true);

        JsonNode response = harness.invoke(Events.json(model), 30_000).response();

        assertThat(response.get("statusCode").intValue()).isEqualTo(202);
        assertPatches(PHALA + "app_model03/compose_file", HASH_ONLY);
        assertThat(harness.outcomes.published()).singleElement()
                .satisfies(o -> assertThat(o.facts().requestId()).isEqualTo("c6af9ac6-7b61-11e6-9a41-93e8deadbeef"));
    }

    @Test
    void anSqsEventOfTheModelPatchesEachMessageAndReadsItsAttributes() {
        SQSEvent.SQSMessage fromSlack = Events.sqsMessage("m-2", Events.updateBody("cvm_model05"), 1);
        fromSlack.getMessageAttributes().put(QueueAttributes.ORIGIN, Events.stringAttribute("slack"));
        fromSlack.getMessageAttributes().put(QueueAttributes.CORRELATION_ID, Events.stringAttribute("corr-7"));

        JsonNode response = harness.invoke(Events.sqs(Events.sqsMessage("m-1", Events.updateBody("cvm_model04"), 1),
                fromSlack), 30_000).response();

        assertThat(response.get("batchItemFailures")).isEmpty();
        assertThat(harness.http.sent()).extracting(s -> s.request().uri().toString() + " " + ScriptedHttpPhala.bodyOf(s.request()))
                .containsExactlyInAnyOrder(PHALA + "cvm_model04/compose_file " + HASH_ONLY,
                        PHALA + "cvm_model05/compose_file " + HASH_ONLY);
        assertThat(harness.outcomes.published())
                .extracting(o -> o.facts().requestId() + " " + o.status() + " " + o.facts().trigger().wire()
                        + " " + o.facts().correlationId())
                .containsExactlyInAnyOrder("m-1 accepted sqs m-1", "m-2 accepted slack corr-7");
    }

    @Test
    void aFifoEventOfTheModelStopsItsGroupAtATransientFailure() {
        Reply unavailable = new Reply(503, Map.of(), "{}", Duration.ZERO);
        harness.http.script("cvm_model06", List.of(new Reply(202, Map.of(), "{}", Duration.ZERO),
                unavailable, unavailable, unavailable, unavailable));

        JsonNode response = harness.invoke(Events.sqs(
                Events.fifoMessage("f-1", "group-f", Events.updateBody("cvm_model06"), 1),
                Events.fifoMessage("f-2", "group-f", Events.updateBody("cvm_model06"), 1),
                Events.fifoMessage("f-3", "group-f", Events.updateBody("cvm_model06"), 1)), 30_000).response();

        assertThat(response.get("batchItemFailures")).extracting(f -> f.get("itemIdentifier").textValue())
                .containsExactly("f-2", "f-3");
        assertThat(harness.http.sent()).hasSize(5).allSatisfy(s -> {
            assertThat(s.request().uri().toString()).isEqualTo(PHALA + "cvm_model06/compose_file");
            assertThat(ScriptedHttpPhala.bodyOf(s.request())).isEqualTo(HASH_ONLY);
        });
        assertThat(harness.outcomes.published()).extracting(o -> o.facts().requestId() + " " + o.status())
                .containsExactly("f-1 accepted");
    }

    private void assertPatches(String uri, String body) {
        assertThat(harness.http.sent()).singleElement().satisfies(sent -> {
            HttpRequest patch = sent.request();
            assertThat(patch.method()).isEqualTo("PATCH");
            assertThat(patch.uri().toString()).isEqualTo(uri);
            assertThat(ScriptedHttpPhala.bodyOf(patch)).isEqualTo(body);
        });
    }

    // ---- the model's JSON, as the relay reads it ---------------------------------------------------

    @Test
    void theModelsHttpApiJsonCarriesEveryFieldTheRelayReads() throws Exception {
        Map<String, String> headers = new LinkedHashMap<>(Events.sampleHttpApiHeaders());
        headers.put("idempotency-key", "deploy-42");
        APIGatewayV2HTTPEvent model = Events.httpApiRequest("PATCH", Events.PATCH_ROUTE, "/cvms/cvm_round/compose_file",
                Map.of("cvm_id", "cvm_round"), headers, SAMPLE_BODY, true);
        String json = Events.json(model);

        JsonNode tree = Events.tree(json);
        var relay = new HttpRequestEvent(TestJson.jr(tree), PayloadFormat.HTTP_API_V2);
        assertThat(tree.get("version").textValue()).isEqualTo("2.0");
        assertThat(relay.path()).isEqualTo("/cvms/cvm_round/compose_file");
        assertThat(tree.get("pathParameters").get("cvm_id").textValue()).isEqualTo("cvm_round");
        assertThat(relay.method()).isEqualTo("PATCH");
        assertThat(relay.requestId()).isEqualTo("Jb1fHgq7IAMEVfA=");
        headers.forEach((name, value) -> assertThat(relay.header(name)).as(name).isEqualTo(value));
        assertThat(ApiGatewayTrigger.idempotencyKey(TestJson.jr(tree))).isEqualTo("deploy-42");
        assertThat(tree.get("isBase64Encoded").isBoolean()).isTrue();
        assertThat(tree.get("isBase64Encoded").booleanValue()).isTrue();
        assertThat(tree.get("body").textValue())
                .isEqualTo(Base64.getEncoder().encodeToString(SAMPLE_BODY.getBytes(StandardCharsets.UTF_8)));
        assertThat(new String(relay.rawBody(), StandardCharsets.UTF_8)).isEqualTo(SAMPLE_BODY);
        assertThat(Events.read(APIGatewayV2HTTPEvent.class, json)).as("the model reads its own JSON back").isEqualTo(model);
    }

    // ---- the samples, as the relay and the model read them --------------------------------------------

    @Test
    void theRelayReadsTheHttpApiSampleAsTheModelDoes() throws Exception {
        APIGatewayV2HTTPEvent model = Events.read(APIGatewayV2HTTPEvent.class, Fixtures.eventText("http-api.json"));
        JsonNode tree = Fixtures.event("http-api.json");
        var relay = new HttpRequestEvent(TestJson.jr(tree), PayloadFormat.HTTP_API_V2);

        assertThat(tree.get("version").textValue()).isEqualTo(model.getVersion());
        assertThat(relay.method()).isEqualTo(model.getRequestContext().getHttp().getMethod());
        assertThat(relay.path()).isEqualTo(model.getRawPath());
        assertThat(tree.get("pathParameters").get("cvm_id").textValue()).isEqualTo(model.getPathParameters().get("cvm_id"));
        assertThat(relay.requestId()).isEqualTo(model.getRequestContext().getRequestId());
        assertThat(headersOf(tree.get("headers"))).isEqualTo(model.getHeaders());
        model.getHeaders().forEach((name, value) -> assertThat(relay.header(name)).as(name).isEqualTo(value));
        assertThat(tree.get("isBase64Encoded").booleanValue()).isEqualTo(model.getIsBase64Encoded());
        assertThat(new String(relay.rawBody(), StandardCharsets.UTF_8)).isEqualTo(model.getBody());
        assertThat(Events.httpApiEvent(Events.SAMPLE_CVM_ID, SAMPLE_BODY)).as("Events builds the sample").isEqualTo(model);
    }

    @Test
    void theRelayReadsTheRestApiSampleAsTheModelDoes() throws Exception {
        APIGatewayProxyRequestEvent model = Events.read(APIGatewayProxyRequestEvent.class, Fixtures.eventText("rest-api.json"));
        JsonNode tree = Fixtures.event("rest-api.json");
        var relay = new HttpRequestEvent(TestJson.jr(tree), PayloadFormat.REST_API_V1);

        assertThat(relay.method()).isEqualTo(model.getHttpMethod());
        assertThat(relay.path()).isEqualTo(model.getPath());
        assertThat(tree.get("pathParameters").get("cvm_id").textValue()).isEqualTo(model.getPathParameters().get("cvm_id"));
        assertThat(relay.requestId()).isEqualTo(model.getRequestContext().getRequestId());
        assertThat(headersOf(tree.get("headers"))).isEqualTo(model.getHeaders());
        assertThat(tree.get("isBase64Encoded").booleanValue()).isEqualTo(model.getIsBase64Encoded()).isTrue();
        assertThat(relay.rawBody()).isEqualTo(Base64.getDecoder().decode(model.getBody()));
        String cvmId = model.getPathParameters().get("cvm_id");
        assertThat(Events.restApiEvent(cvmId, model.getBody()).withIsBase64Encoded(true))
                .as("Events builds the sample").isEqualTo(model);
    }

    @Test
    void theRelayReadsTheSqsSamplesAsTheModelDoes() {
        for (String sample : List.of("sqs-batch.json", "sqs-fifo-batch.json")) {
            SQSEvent model = Events.read(SQSEvent.class, Fixtures.eventText(sample));
            List<JsonNode> records = new ArrayList<>();
            Fixtures.event(sample).get("Records").forEach(records::add);

            assertThat(records).as(sample).hasSameSizeAs(model.getRecords()).isNotEmpty();
            for (int i = 0; i < records.size(); i++) {
                JsonNode record = records.get(i);
                SQSEvent.SQSMessage message = model.getRecords().get(i);
                assertThat(record.get("messageId").textValue()).isEqualTo(message.getMessageId());
                assertThat(record.get("body").textValue()).isEqualTo(message.getBody());
                assertThat(record.get("eventSource").textValue()).isEqualTo(message.getEventSource()).isEqualTo("aws:sqs");
                assertThat(record.get("eventSourceARN").textValue()).isEqualTo(message.getEventSourceArn());
                assertThat(headersOf(record.get("attributes"))).as("attributes").isEqualTo(message.getAttributes())
                        .containsKey("ApproximateReceiveCount");
                assertThat(message.getMessageAttributes()).isEqualTo(Collections.emptyMap());
                assertThat(record.get("messageAttributes").isEmpty()).isTrue();
            }
        }
        SQSEvent.SQSMessage first = Events.read(SQSEvent.class, Fixtures.eventText("sqs-batch.json")).getRecords().getFirst();
        assertThat(Events.sqsMessage(first.getMessageId(), first.getBody(), 1)).as("Events builds the sample's record")
                .isEqualTo(first);
    }

    /** A JSON object of strings as a map, in order. */
    private static Map<String, String> headersOf(JsonNode object) {
        Map<String, String> map = new LinkedHashMap<>();
        for (var field : object.properties()) {
            map.put(field.getKey(), field.getValue().textValue());
        }
        return map;
    }
}
