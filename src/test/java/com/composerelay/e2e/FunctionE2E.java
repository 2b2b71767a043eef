package com.composerelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.local.LocalDeployment;
import com.composerelay.local.LocalDeployment.Published;
import com.composerelay.local.SqsEventSource;
import com.composerelay.support.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HexFormat;
import com.composerelay.support.EnvDecryption;
import com.composerelay.local.PhalaStandIn;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Tag;
import com.composerelay.support.Tags;

/**
 * The deployable as Lambda runs it: the {@code sam build} output under the Runtime Interface
 * Emulator with the Java runtime interface client, the handler and environment from the built
 * template, LocalStack for AWS and a Phala stand-in. Events go in over HTTP, and through SQS the
 * way Lambda polls it.
 */
@Tag(Tags.LOCALSTACK)
@Tag(Tags.EMULATOR)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FunctionE2E {
    private static final String HASH = "9f2c1e4b7a6d5c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b";
    private static LocalDeployment stack;

    @BeforeAll
    static void deploy() {
        stack = LocalDeployment.start(new LocalDeployment.Options(
                "e2e-" + UUID.randomUUID().toString().substring(0, 8),
                Map.of("MaxReceiveCount", "3", "WatchIntervalSeconds", "1"),
                1, // a one-second visibility timeout, so redeliveries come quickly
                LocalDeployment.Phala.PROMPT,
                Path.of("target", "e2e-logs")));
    }

    @AfterAll
    static void tearDown() {
        if (stack != null) {
            String log = stack.function.log();
            stack.close();
            assertThat(log).as("function log").doesNotContain(LocalDeployment.SAMPLE_API_KEY)
                    .doesNotContain(LocalDeployment.SAMPLE_DATABASE_URL);
        }
    }

    private static JsonNode invokeFile(String name) throws Exception {
        return TestJson.parse(stack.function.invoke(Files.readString(Path.of("events", name))));
    }

    @Test
    @Order(1)
    void answersTheHttpApiSampleWith202AndPublishesOneAcceptedOutcome() throws Exception {
        JsonNode response = invokeFile("http-api.json");
        System.out.println("first invocation under the emulator (JVM start and init included): "
                + stack.function.firstInvocationMillis() + " ms");

        assertThat(response.get("statusCode").intValue()).isEqualTo(202);
        assertThat(response.get("headers").get("Content-Type").textValue()).isEqualTo("application/json");
        JsonNode outcome = TestJson.parse(response.get("body").textValue());
        assertThat(outcome.get("status").textValue()).isEqualTo("accepted");
        assertThat(outcome.get("cvm_id").textValue()).isEqualTo("cvm_ykL5lbAn");
        assertThat(outcome.get("http_status").intValue()).isEqualTo(202);
        assertThat(outcome.get("request_id").textValue()).isEqualTo("Jb1fHgq7IAMEVfA=");
        List<Published> published = stack.outcomes(1, 10);
        assertThat(published).singleElement().satisfies(p -> {
            assertThat(p.outcome()).isEqualTo(outcome);
            assertThat(p.subject()).isEqualTo("Compose update accepted: cvm_ykL5lbAn");
            assertThat(p.attributes()).containsEntry("status", "accepted").containsEntry("trigger", "api")
                    .containsEntry("cvm_id", "cvm_ykL5lbAn");
        });
    }

    @Test
    @Order(2)
    void answersTheRestApiSampleWith202() throws Exception {
        JsonNode response = invokeFile("rest-api.json");
        assertThat(response.get("statusCode").intValue()).isEqualTo(202);
        JsonNode outcome = TestJson.parse(response.get("body").textValue());
        assertThat(outcome.get("cvm_id").textValue()).isEqualTo("app_7a1c5e2f9b3d4c6a8e0f1b2d3c4e5f6a7b8c9d0e");
        assertThat(stack.outcomes(1, 10)).extracting(Published::status).containsExactly("accepted");
    }

    @Test
    @Order(3)
    void relaysTheGoodMessageOfTheSqsSampleAndRejectsTheBadOne() throws Exception {
        JsonNode response = invokeFile("sqs-batch.json");
        assertThat(response).isEqualTo(TestJson.parse("{\"batchItemFailures\":[]}"));
        List<Published> published = stack.outcomes(2, 10);
        assertThat(published).extracting(p -> p.outcome().get("request_id").textValue() + " " + p.status())
                .containsExactlyInAnyOrder("059f36b4-87a3-44ab-83d2-661975830a7d accepted",
                        "2e1424d4-f796-459a-8184-9c92662be6da rejected");
    }

    @Test
    @Order(4)
    void eventsHoldExactlyTheSamplesTheE2eTestsInvoke() throws IOException {
        // http-api, rest-api, sqs-batch and the two whole-update samples here; slack-command, phala-event and hook-compose-update in ChatOpsE2E;
        // http-api-rollout in run-local.sh (LocalRun) and RolloutE2E;
        // sqs-fifo-batch (a FIFO group's order) in SqsTriggerTest; ecr-image-push and sqs-ecr-image-push in ImageDeployE2E.
        try (Stream<Path> files = Files.list(Path.of("events"))) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("ecr-image-push.json", "env.json", "hook-compose-update.json", "http-api-rollout.json",
                            "http-api-whole-update.json", "http-api.json",
                            "phala-event.json", "rest-api.json", "slack-command.json", "sqs-batch.json",
                            "sqs-ecr-image-push.json", "sqs-fifo-batch.json", "sqs-whole-update.json");
        }
    }

    @Test
    @Order(5)
    void failsTheInvocationOfAnUnknownEventWithAnErrorNamingIt() throws Exception {
        // The runtime reports the function error as Lambda does (errorType, errorMessage); the next
        // test shows the function goes on serving.
        JsonNode response = TestJson.parse(stack.function.invoke("{\"source\":\"aws.events\",\"detail\":{}}"));
        assertThat(response.get("errorType").textValue()).isEqualTo("com.composerelay.trigger.UnrecognisedEvent");
        assertThat(response.get("errorMessage").textValue()).startsWith("unrecognised event: event with source 'aws.events';");
        assertThat(stack.outcomesSoFar()).isEmpty();
    }

    @Test
    @Order(6)
    void aMessageSentToTheQueueEndsInExactlyOneAcceptedOutcome() throws Exception {
        String id = stack.sqs.sendMessage(b -> b.queueUrl(stack.requestQueueUrl)
                .messageBody("{\"cvm_id\":\"cvm_queued01\",\"compose_hash\":\"" + HASH + "\"}")).messageId();
        SqsEventSource.Poll poll = pollUntilReceived();
        assertThat(poll.received()).isEqualTo(1);
        assertThat(poll.deleted()).isEqualTo(1);
        List<Published> published = stack.outcomes(1, 10);
        assertThat(published).singleElement().satisfies(p -> {
            assertThat(p.status()).isEqualTo("accepted");
            assertThat(p.outcome().get("request_id").textValue()).isEqualTo(id);
            assertThat(p.outcome().get("trigger").textValue()).isEqualTo("sqs");
        });
        assertThat(stack.outcomesSoFar()).as("nothing more is published").isEmpty();
        assertThat(stack.depth(stack.requestQueueUrl)).isZero();
    }

    @Test
    @Order(7)
    void aPoisonMessageIsRejectedOnceAndNotRedelivered() throws Exception {
        stack.sqs.sendMessage(b -> b.queueUrl(stack.requestQueueUrl).messageBody("{\"cvm_id\": oops"));
        SqsEventSource.Poll poll = pollUntilReceived();
        assertThat(poll.failed()).isEmpty();
        List<Published> published = stack.outcomes(1, 10);
        assertThat(published).singleElement().satisfies(p -> {
            assertThat(p.status()).isEqualTo("rejected");
            assertThat(p.outcome().get("cvm_id").isNull()).isTrue();
            assertThat(p.outcome().get("error").textValue()).startsWith("body: is not valid JSON");
        });
        assertThat(stack.eventSource.pollOnce(10, 2).received()).as("not redelivered").isZero();
        assertThat(stack.depth(stack.requestQueueUrl)).isZero();
        assertThat(stack.outcomesSoFar()).isEmpty();
    }

    @Test
    @Order(8)
    void aMessageWhoseCvmKeepsAnswering503EndsInTheDlqWithOneFailedOutcome() throws Exception {
        String id = stack.sqs.sendMessage(b -> b.queueUrl(stack.requestQueueUrl)
                .messageBody("{\"cvm_id\":\"down_cvm01\",\"compose_hash\":\"" + HASH + "\"}")).messageId();
        int deliveries = 0;
        List<software.amazon.awssdk.services.sqs.model.Message> dead = List.of();
        long until = System.nanoTime() + 90_000_000_000L;
        while (dead.isEmpty() && System.nanoTime() < until) {
            SqsEventSource.Poll poll = stack.eventSource.pollOnce(10, 1);
            if (poll.received() > 0) {
                deliveries++;
                assertThat(poll.failed()).containsExactly(id);
            }
            dead = stack.deadLetters(0);
        }
        assertThat(dead).extracting(m -> m.messageId()).containsExactly(id);
        assertThat(deliveries).isEqualTo(stack.maxReceiveCount);
        List<Published> published = stack.outcomes(1, 10);
        assertThat(published).singleElement().satisfies(p -> {
            assertThat(p.status()).isEqualTo("failed");
            assertThat(p.outcome().get("cvm_id").textValue()).isEqualTo("down_cvm01");
            assertThat(p.outcome().get("http_status").intValue()).isEqualTo(503);
            assertThat(p.outcome().get("attempts").intValue()).isEqualTo(4);
            assertThat(p.outcome().get("error").textValue())
                    .isEqualTo("Phala answered 503: Node under maintenance (gave up after 4 attempts)");
        });
        assertThat(stack.outcomesSoFar()).as("exactly one failed outcome").isEmpty();
    }

    @Test
    @Order(9)
    void aDuplicateDeliveryOfTheSameMessageSendsNoSecondPatch() throws Exception {
        stack.sqs.sendMessage(b -> b.queueUrl(stack.requestQueueUrl)
                .messageBody("{\"cvm_id\":\"cvm_twice01\",\"compose_hash\":\"" + HASH + "\"}"));
        var messages = stack.sqs.receiveMessage(b -> b.queueUrl(stack.requestQueueUrl).waitTimeSeconds(5)
                .messageSystemAttributeNames(software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName.ALL))
                .messages();
        assertThat(messages).hasSize(1);
        String event = SqsEventSource.event(messages, stack.queueArn(stack.requestQueueUrl), LocalDeployment.REGION);
        long patchesBefore = stack.phala.patches();

        // SQS is at-least-once: the same delivery may reach the function twice.
        JsonNode first = TestJson.parse(stack.function.invoke(event));
        JsonNode second = TestJson.parse(stack.function.invoke(event));

        assertThat(first).isEqualTo(TestJson.parse("{\"batchItemFailures\":[]}"));
        assertThat(second).isEqualTo(first);
        assertThat(stack.phala.patches() - patchesBefore).isEqualTo(1);
        assertThat(stack.outcomes(2, 3)).extracting(Published::status).containsExactly("accepted");
        stack.sqs.deleteMessage(b -> b.queueUrl(stack.requestQueueUrl).receiptHandle(messages.getFirst().receiptHandle()));
    }

    @Test
    @Order(10)
    void theWholeUpdateSampleOverHttpIsProvisionedSealedCommittedAndWatchedToCompleted() throws Exception {
        long provisions = stack.phala.provisions();
        long patches = stack.phala.patches();
        long reads = stack.phala.reads();
        long began = System.nanoTime();
        JsonNode response = invokeFile("http-api-whole-update.json");
        long acceptedMillis = (System.nanoTime() - began) / 1_000_000;

        assertThat(response.get("statusCode").intValue()).isEqualTo(202);
        JsonNode outcome = TestJson.parse(response.get("body").textValue());
        assertThat(outcome.get("status").textValue()).isEqualTo("accepted");
        assertThat(outcome.get("watch").textValue()).isEqualTo("scheduled");
        assertThat(outcome.get("app_id").textValue()).isEqualTo("app_standin0000000000000000000000000000000001");
        assertThat(TestJson.texts(outcome.get("env_keys"))).containsExactly("DATABASE_URL", "LOG_LEVEL");
        assertThat(TestJson.texts(outcome.get("allowed_envs_added"))).containsExactly("DATABASE_URL");
        assertThat(outcome.get("steps")).extracting(step -> step.get("name").textValue() + " " + step.get("result").textValue())
                .containsExactly("env ok", "provision ok", "commit ok");
        assertThat(stack.phala.provisions() - provisions).isEqualTo(1);
        assertThat(stack.phala.patches() - patches).isEqualTo(1);
        assertThat(stack.phala.reads() - reads).isEqualTo(1);
        // The provision: the app compose at the top level, allowed_envs completed, update_env_vars.
        JsonNode provision = TestJson.parse(stack.phala.lastProvision("cvm_ykL5lbAn"));
        assertThat(TestJson.texts(provision.get("allowed_envs"))).containsExactly("LOG_LEVEL", "DATABASE_URL");
        assertThat(provision.get("name").textValue()).isEqualTo("shop");
        assertThat(provision.get("update_env_vars").booleanValue()).isTrue();
        // The commit: the provisioned hash, and the env opened with the CVM's private key gives the secret's value.
        JsonNode patch = TestJson.parse(stack.phala.lastPatch("cvm_ykL5lbAn"));
        assertThat(patch.get("compose_hash").textValue()).isEqualTo(outcome.get("compose_hash").textValue());
        assertThat(TestJson.texts(patch.get("env_keys"))).containsExactly("DATABASE_URL", "LOG_LEVEL");
        assertThat(patch.get("update_env_vars").booleanValue()).isTrue();
        String env = EnvDecryption.open(HexFormat.of().parseHex(
                "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"), patch.get("encrypted_env").textValue());
        assertThat(TestJson.parse(env)).isEqualTo(TestJson.parse("{\"env\":[{\"key\":\"DATABASE_URL\",\"value\":\""
                + LocalDeployment.SAMPLE_DATABASE_URL + "\"},{\"key\":\"LOG_LEVEL\",\"value\":\"info\"}]}"));
        assertThat(response.toString()).doesNotContain(LocalDeployment.SAMPLE_DATABASE_URL);

        List<Published> published = watchUntilFinal(outcome.get("correlation_id").textValue());
        long completedMillis = (System.nanoTime() - began) / 1_000_000;
        assertThat(published).extracting(Published::status).containsExactly("accepted", "completed");
        JsonNode completed = published.get(1).outcome();
        assertThat(completed.get("trigger").textValue()).isEqualTo("watch");
        assertThat(completed.get("compose_hash").textValue()).isEqualTo(outcome.get("compose_hash").textValue());
        assertThat(stack.outcomesSoFar()).as("exactly one final outcome").isEmpty();
        System.out.println("whole update over HTTP under the emulator: accepted in " + acceptedMillis + " ms, completed in "
                + completedMillis + " ms (stand-in updating for " + PhalaStandIn.UPDATE_MILLIS + " ms); Phala calls: "
                + (stack.phala.provisions() - provisions) + " provision, " + (stack.phala.patches() - patches) + " PATCH, "
                + (stack.phala.reads() - reads) + " CVM reads");
    }

    @Test
    @Order(11)
    void theWholeUpdateSampleOverTheQueueEndsInAcceptedThenCompleted() throws Exception {
        JsonNode sample = TestJson.parse(Files.readString(Path.of("events", "sqs-whole-update.json")));
        String body = sample.get("Records").get(0).get("body").textValue();
        long provisions = stack.phala.provisions();
        // The same compose as the HTTP sample's, on the same CVM: the hash does not change, so the watch must see
        // the CVM restarting first; the stand-in keeps it updating long enough for the watch's first check.
        stack.phala.updateMillis(6000);
        String id = stack.sqs.sendMessage(b -> b.queueUrl(stack.requestQueueUrl).messageBody(body)).messageId();

        List<Published> published;
        try {
            published = watchUntilFinal(id);
        } finally {
            stack.phala.updateMillis(PhalaStandIn.UPDATE_MILLIS);
        }
        assertThat(published).extracting(Published::status).containsExactly("accepted", "completed");
        assertThat(published.get(0).outcome().get("trigger").textValue()).isEqualTo("sqs");
        assertThat(published.get(0).outcome().get("request_id").textValue()).isEqualTo(id);
        assertThat(published.get(1).outcome().get("correlation_id").textValue()).isEqualTo(id);
        assertThat(stack.phala.provisions() - provisions).isEqualTo(1);
        assertThat(stack.outcomesSoFar()).as("exactly one final outcome").isEmpty();
        assertThat(stack.depth(stack.requestQueueUrl)).isZero();
    }

    /**
     * Polls the task queue as Lambda would (the watch is a one-CVM rollout on the state machine) until
     * the update of {@code correlationId} has its final outcome.
     */
    private static List<Published> watchUntilFinal(String correlationId) throws Exception {
        List<Published> published = new java.util.ArrayList<>();
        long until = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < until && published.stream().noneMatch(p -> p.status().equals("completed")
                || p.status().equals("failed"))) {
            stack.eventSource.pollOnce(10, 0); // the request itself, when it came over the queue
            stack.taskSource.pollOnce(1, 1);
            published.addAll(stack.outcomes(0, 0));
        }
        assertThat(published).allSatisfy(p ->
                assertThat(p.outcome().get("correlation_id").textValue()).isEqualTo(correlationId));
        return published;
    }

    private static SqsEventSource.Poll pollUntilReceived() throws Exception {
        for (int i = 0; i < 10; i++) {
            SqsEventSource.Poll poll = stack.eventSource.pollOnce(10, 2);
            if (poll.received() > 0) {
                return poll;
            }
        }
        throw new AssertionError("no message arrived on the request queue");
    }
}
