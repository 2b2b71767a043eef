package com.composerelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.json.Json;
import com.composerelay.local.LocalDeployment;
import com.composerelay.local.LocalDeployment.Published;
import com.composerelay.local.SampleEvents;
import com.composerelay.local.SqsEventSource;
import com.composerelay.support.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Tag;
import com.composerelay.support.Tags;

/**
 * The chat-ops routes of the deployable under the runtime emulator: a Slack slash command answered
 * at once, relayed through the queue and reported to its {@code response_url} (a local server),
 * then Phala's webhook closing the loop in the same thread; the CI webhook and its replays; unsigned
 * and stale requests.
 */
@Tag(Tags.LOCALSTACK)
@Tag(Tags.EMULATOR)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChatOpsE2E {
    private static LocalDeployment stack;
    private static HttpServer slack;
    private static final LinkedBlockingQueue<JsonNode> posted = new LinkedBlockingQueue<>();
    private static String correlationId;

    @BeforeAll
    static void deploy() throws Exception {
        stack = LocalDeployment.start(new LocalDeployment.Options("chat-" + UUID.randomUUID().toString().substring(0, 8),
                Map.of(), 1, LocalDeployment.Phala.PROMPT, Path.of("target", "e2e-logs")));
        slack = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        slack.createContext("/commands/", exchange -> {
            try (exchange) {
                posted.add(TestJson.parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                exchange.sendResponseHeaders(200, -1);
            } catch (Json.Malformed e) {
                exchange.sendResponseHeaders(400, -1);
            }
        });
        slack.start();
    }

    @AfterAll
    static void tearDown() {
        if (slack != null) {
            slack.stop(0);
        }
        if (stack != null) {
            String log = stack.function.log();
            stack.close();
            assertThat(log).doesNotContain(LocalDeployment.SAMPLE_API_KEY)
                    .doesNotContain(SampleEvents.sampleSecret("SAMPLE_SLACK_SIGNING_SECRET"));
        }
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private static JsonNode invoke(String event) throws Exception {
        return TestJson.parse(stack.function.invoke(event));
    }

    private static JsonNode body(JsonNode response) throws Exception {
        return TestJson.parse(response.get("body").textValue());
    }

    @Test
    @Order(1)
    void answersTheSlashCommandAtOnceAndQueuesTheUpdate() throws Exception {
        String responseUrl = "http://127.0.0.1:" + slack.getAddress().getPort() + "/commands/T0001/1234/5678";
        String event = SampleEvents.fresh("slack-command.json", now(), form -> form.replace(
                "https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT0001%2F1234%2F5678",
                URLEncoder.encode(responseUrl, StandardCharsets.UTF_8)));
        long patches = stack.phala.patches();
        long start = System.nanoTime();
        JsonNode response = invoke(event);
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("slash command answered in " + millis + " ms (first invocation: JVM start and init included)");

        assertThat(response.get("statusCode").intValue()).isEqualTo(200);
        JsonNode ack = body(response);
        assertThat(ack.get("response_type").textValue()).isEqualTo("ephemeral");
        assertThat(ack.get("text").textValue()).startsWith(":hourglass_flowing_sand: Updating `cvm_ykL5lbAn`");
        // Slack gives up after 3 s: the answer does not wait for Phala, the update waits on the queue.
        assertThat(stack.phala.patches()).as("no PATCH before the answer").isEqualTo(patches);
        assertThat(stack.depth(stack.requestQueueUrl)).as("the update is queued").isEqualTo(1);
        assertThat(stack.outcomesSoFar()).as("nothing is decided yet").isEmpty();
    }

    @Test
    @Order(2)
    void relaysTheQueuedUpdateAndPostsTheOutcomeToTheChannel() throws Exception {
        SqsEventSource.Poll poll = stack.eventSource.pollOnce(10, 5);
        assertThat(poll.received()).isEqualTo(1);
        assertThat(poll.deleted()).isEqualTo(1);
        List<Published> published = stack.outcomes(1, 10);
        assertThat(published).singleElement().satisfies(p -> {
            assertThat(p.status()).isEqualTo("accepted");
            assertThat(p.outcome().get("trigger").textValue()).isEqualTo("slack");
            assertThat(p.outcome().get("correlation_id").textValue()).startsWith("slack-");
            assertThat(p.attributes()).containsEntry("trigger", "slack");
        });
        correlationId = published.getFirst().outcome().get("correlation_id").textValue();
        JsonNode reply = posted.poll(10, TimeUnit.SECONDS);
        assertThat(reply).isNotNull();
        assertThat(reply.get("response_type").textValue()).isEqualTo("in_channel");
        assertThat(reply.get("text").textValue()).isEqualTo(
                ":arrows_counterclockwise: Phala accepted the update: `cvm_ykL5lbAn` is restarting with compose `9f2c1e4b7a6d…`.");
    }

    @Test
    @Order(3)
    void turnsPhalasCvmUpdatedEventIntoACompletedOutcomeInTheSameThread() throws Exception {
        JsonNode response = invoke(SampleEvents.fresh("phala-event.json", now(), b -> b));
        assertThat(response.get("statusCode").intValue()).isEqualTo(200);
        assertThat(body(response).get("result").textValue()).isEqualTo("completed");
        List<Published> published = stack.outcomes(1, 10);
        assertThat(published).singleElement().satisfies(p -> {
            assertThat(p.status()).isEqualTo("completed");
            assertThat(p.outcome().get("correlation_id").textValue()).isEqualTo(correlationId);
            assertThat(p.outcome().get("compose_hash").textValue()).startsWith("9f2c1e4b");
            assertThat(p.outcome().get("trigger").textValue()).isEqualTo("phala");
        });
        JsonNode reply = posted.poll(10, TimeUnit.SECONDS);
        assertThat(reply.get("text").textValue())
                .isEqualTo(":white_check_mark: `cvm_ykL5lbAn` is running with compose `9f2c1e4b7a6d…` (cvm.updated).");

        JsonNode again = invoke(SampleEvents.fresh("phala-event.json", now(), b -> b));
        assertThat(body(again).get("result").textValue()).isEqualTo("duplicate");
        assertThat(stack.outcomesSoFar()).isEmpty();
    }

    @Test
    @Order(4)
    void relaysTheSignedCiWebhookSample() throws Exception {
        // The hook signs its time of sending in the body: the sample is re-signed with timestamp = now.
        String event = SampleEvents.fresh("hook-compose-update.json", now(), b -> b);
        JsonNode response = invoke(event);
        assertThat(response.get("statusCode").intValue()).isEqualTo(202);
        assertThat(body(response).get("cvm_id").textValue()).isEqualTo("cvm_ykL5lbAn");
        assertThat(body(response).get("trigger").textValue()).isEqualTo("hook");
        assertThat(stack.outcomes(1, 10)).extracting(p -> p.attributes().get("trigger")).containsExactly("hook");
        // A redelivery of the same signed body is answered from the record, whatever X-GitHub-Delivery says.
        JsonNode again = invoke(event);
        assertThat(again.get("headers").get("Idempotent-Replayed").textValue()).isEqualTo("true");
        JsonNode newDelivery = invoke(event.replace("72d3162e-cc78-11e3-81ab-4c9367dc0958", "a-new-delivery-id"));
        assertThat(newDelivery.get("statusCode").intValue()).isEqualTo(202);
        assertThat(newDelivery.get("headers").get("Idempotent-Replayed").textValue()).isEqualTo("true");
        assertThat(stack.outcomesSoFar()).isEmpty();
    }

    @Test
    @Order(5)
    void refusesUnsignedAndStaleRequestsWithoutDetail() throws Exception {
        JsonNode stale = invoke(SampleEvents.fresh("slack-command.json", now() - 600, b -> b));
        assertThat(stale.get("statusCode").intValue()).isEqualTo(401);
        assertThat(stale.get("body").textValue()).isEqualTo("{\"error\":\"unauthorized\"}");
        String tampered = SampleEvents.fresh("hook-compose-update.json", now(), b -> b)
                .replace("\"x-hub-signature-256\"", "\"x-hub-signature-unused\"");
        assertThat(invoke(tampered).get("statusCode").intValue()).isEqualTo(401);
        // The hook sample as stored is signed with a timestamp of 2026-11-25: refused as stale, without detail.
        JsonNode staleHook = invoke(java.nio.file.Files.readString(Path.of("events", "hook-compose-update.json")));
        assertThat(staleHook.get("statusCode").intValue()).isEqualTo(401);
        assertThat(staleHook.get("body").textValue())
                .isEqualTo("{\"error\":\"timestamp: outside the 300 s window of the relay's clock; sign a fresh request\"}");
        assertThat(stack.outcomesSoFar()).isEmpty();
    }
}
