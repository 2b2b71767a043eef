package com.composerelay.trigger;

import com.composerelay.core.RelayTable;
import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.core.Outcome;
import com.composerelay.core.PhalaAnswer;
import com.composerelay.core.PhalaApi;
import com.composerelay.support.Events;
import com.composerelay.support.Fixtures;
import com.composerelay.support.Harness;
import com.composerelay.support.Invoke;
import com.composerelay.support.RecordingOutcomes;
import com.composerelay.RelayHandler;
import com.composerelay.support.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqsTriggerTest {
    private final Harness harness = new Harness();

    private static List<String> failures(JsonNode response) {
        List<String> ids = new ArrayList<>();
        response.get("batchItemFailures").forEach(f -> ids.add(f.get("itemIdentifier").textValue()));
        return ids;
    }

    @Test
    void relaysTheGoodMessageAndRejectsTheBadOneOfTheSample() throws Exception {
        JsonNode response = harness.invoke(Fixtures.eventText("sqs-batch.json"));

        assertThat(response).isEqualTo(TestJson.parse("{\"batchItemFailures\":[]}"));
        assertThat(harness.phala.calls()).singleElement()
                .satisfies(c -> assertThat(c.update().cvmId()).isEqualTo("3f1c2a8e-5b7d-4e9f-a1c3-2b4d6e8f0a1c"));
        List<Outcome> published = harness.outcomes.published();
        assertThat(published).extracting(o -> o.facts().requestId() + " " + o.status())
                .containsExactlyInAnyOrder("059f36b4-87a3-44ab-83d2-661975830a7d accepted",
                        "2e1424d4-f796-459a-8184-9c92662be6da rejected");
        Outcome rejected = published.stream().filter(o -> o.status().equals("rejected")).findFirst().orElseThrow();
        assertThat(rejected.error()).isEqualTo("composeHash: is not a known field, did you mean compose_hash? "
                + "(known: compose_hash, encrypted_env, env_keys, update_env_vars, cvm_id)");
        assertThat(rejected.facts().cvmId()).isEqualTo("cvm_ykL5lbAn");
        assertThat(rejected.facts().trigger().wire()).isEqualTo("sqs");
    }

    @Test
    void relaysTheFifoSampleInItsGroupsOrderAndCountsEachOutcome() throws Exception {
        JsonNode response = harness.invoke(Fixtures.eventText("sqs-fifo-batch.json"));

        assertThat(response).isEqualTo(TestJson.parse("{\"batchItemFailures\":[]}"));
        assertThat(harness.phala.calls()).extracting(c -> c.update().cvmId() + " " + c.update().composeHash())
                .containsExactly("cvm_ykL5lbAn " + Fixtures.HASH,
                        "cvm_ykL5lbAn 0d1c2b3a4f5e6d7c8b9a0f1e2d3c4b5a6f7e8d9c0b1a2f3e4d5c6b7a8f9e0d1c");
        assertThat(harness.outcomes.published()).extracting(o -> o.facts().requestId() + " " + o.status())
                .containsExactly("7b1c7f2e-3d4a-4b8e-9c6d-1a2b3c4d5e6f accepted",
                        "c4e8a1d2-6f3b-4a7c-8e9d-0b1a2c3d4e5f accepted");
        assertThat(harness.metrics.recorded()).containsExactly(
                "PhalaLatency [0] PhalaAttempts 1", "Outcomes status=accepted trigger=sqs",
                "PhalaLatency [0] PhalaAttempts 1", "Outcomes status=accepted trigger=sqs");
    }

    @Test
    void aFailureReturnsTheRestOfTheFifoSamplesGroupToTheQueueInOrder() {
        harness.phala.then(429).then(429).then(429).then(429);
        JsonNode response = harness.invoke(Fixtures.eventText("sqs-fifo-batch.json"));

        assertThat(failures(response)).containsExactly("7b1c7f2e-3d4a-4b8e-9c6d-1a2b3c4d5e6f",
                "c4e8a1d2-6f3b-4a7c-8e9d-0b1a2c3d4e5f");
        assertThat(harness.phala.calls()).hasSize(4)
                .allSatisfy(c -> assertThat(c.update().composeHash()).isEqualTo(Fixtures.HASH));
        // Not yet decided (first delivery of three): nothing published, nothing counted as an outcome.
        assertThat(harness.outcomes.published()).isEmpty();
        assertThat(harness.metrics.recorded()).containsExactly("PhalaLatency [0, 0, 0, 0] PhalaAttempts 4");
    }

    @Test
    void rejectsUnparseableMessageWithNullCvmIdAndDoesNotRedeliverIt() {
        JsonNode response = harness.invoke(Events.sqs(Events.sqsRecord("m-1", "not json {", 1)));
        assertThat(failures(response)).isEmpty();
        Outcome outcome = harness.outcomes.published().getFirst();
        assertThat(outcome.status()).isEqualTo("rejected");
        assertThat(outcome.facts().cvmId()).isNull();
        assertThat(outcome.error()).startsWith("body: is not valid JSON (line 1, column ");
    }

    @Test
    void reportsTransientFailureForRedeliveryAndPublishesNothing() {
        harness.phala.then(503).then(503).then(503).then(503);
        JsonNode response = harness.invoke(Events.sqs(Events.sqsRecord("m-1", Events.updateBody("cvm_1"), 1)));
        assertThat(failures(response)).containsExactly("m-1");
        assertThat(harness.outcomes.published()).isEmpty();
    }

    @Test
    void publishesFailedOutcomeOnLastDelivery() {
        harness.phala.then(503).then(503).then(503).then(503);
        // MAX_RECEIVE_COUNT is 3 in the test configuration.
        JsonNode response = harness.invoke(Events.sqs(Events.sqsRecord("m-1", Events.updateBody("cvm_1"), 3)));
        assertThat(failures(response)).containsExactly("m-1");
        assertThat(harness.outcomes.published()).singleElement().satisfies(o -> {
            assertThat(o.status()).isEqualTo("failed");
            assertThat(o.facts().cvmId()).isEqualTo("cvm_1");
            assertThat(o.facts().attempts()).isEqualTo(4);
        });
    }

    @Test
    void reportsEveryMessageWhenAllFailWithoutThrowing() {
        for (int i = 0; i < 12; i++) {
            harness.phala.then(503);
        }
        JsonNode response = harness.invoke(Events.sqs(Events.sqsRecord("m-1", Events.updateBody("cvm_1"), 1),
                Events.sqsRecord("m-2", Events.updateBody("cvm_2"), 1), Events.sqsRecord("m-3", Events.updateBody("cvm_3"), 1)));
        assertThat(failures(response)).containsExactly("m-1", "m-2", "m-3");
        assertThat(harness.outcomes.published()).isEmpty();
    }

    @Test
    void treatsPhala4xxAsFinal() {
        harness.phala.then(422);
        JsonNode response = harness.invoke(Events.sqs(Events.sqsRecord("m-1", Events.updateBody("cvm_1"), 1)));
        assertThat(failures(response)).isEmpty();
        assertThat(harness.outcomes.published()).singleElement()
                .satisfies(o -> assertThat(o.status()).isEqualTo("rejected"));
    }

    @Test
    void treatsARefusedKeyAsTransient() {
        harness.phala.then(401).then(401);
        JsonNode response = harness.invoke(Events.sqs(Events.sqsRecord("m-1", Events.updateBody("cvm_1"), 1)));
        assertThat(failures(response)).containsExactly("m-1");
        assertThat(harness.outcomes.published()).isEmpty();
    }

    @Test
    void stopsFifoGroupAtFirstTransientFailureAndReportsTheRest() {
        harness.phala.then(202).then(503).then(503).then(503).then(503);
        JsonNode response = harness.invoke(Events.sqs(
                Events.fifoRecord("a-1", "group-a", Events.updateBody("cvm_a"), 1),
                Events.fifoRecord("a-2", "group-a", Events.updateBody("cvm_a"), 1),
                Events.fifoRecord("a-3", "group-a", Events.updateBody("cvm_a"), 1)));
        assertThat(failures(response)).containsExactly("a-2", "a-3");
        assertThat(harness.phala.calls()).hasSize(5);
        assertThat(harness.outcomes.published()).extracting(o -> o.facts().requestId()).containsExactly("a-1");
    }

    @Test
    void anErrorWhileRelayingReportsTheMessageAndTheRestOfItsGroupNeverLosesThem() {
        // An Error (a body too deep to handle, memory) is no reason to end the worker without reporting.
        PhalaApi failing = (update, key, timeout) -> {
            throw new StackOverflowError();
        };
        Harness broken = Harness.builder().phala(failing).build();
        JsonNode response = broken.invoke(Events.sqs(
                Events.fifoRecord("e-1", "group-e", Events.updateBody("cvm_e"), 1),
                Events.fifoRecord("e-2", "group-e", Events.updateBody("cvm_e"), 1),
                Events.sqsRecord("s-1", Events.updateBody("cvm_s"), 1)));
        assertThat(failures(response)).containsExactly("e-1", "e-2", "s-1");
        assertThat(broken.outcomes.published()).isEmpty();
    }

    /** FIFO group {@code group-a}: a-1, a record of {@code cvm_lost} without messageId, a-3. */
    private static String groupWithARecordWithoutMessageId() {
        ObjectNode withoutId = Events.fifoRecord("gone", "group-a", Events.updateBody("cvm_lost"), 1);
        withoutId.remove("messageId");
        return Events.sqs(
                Events.fifoRecord("a-1", "group-a", Events.updateBody("cvm_a"), 1),
                withoutId,
                Events.fifoRecord("a-3", "group-a", Events.updateBody("cvm_a"), 1));
    }

    @Test
    void aRecordWithoutMessageIdIsRejectedAndItsGroupGoesOn() {
        JsonNode response = harness.invoke(groupWithARecordWithoutMessageId());

        assertThat(failures(response)).isEmpty();
        assertThat(harness.phala.calls()).extracting(c -> c.update().cvmId()).containsExactly("cvm_a", "cvm_a");
        assertThat(harness.outcomes.published()).extracting(o -> o.facts().requestId() + " " + o.status())
                .containsExactly("a-1 accepted", "lambda-req-1#1 rejected", "a-3 accepted");
        Outcome rejected = harness.outcomes.published().get(1);
        assertThat(rejected).isInstanceOfSatisfying(Outcome.Rejected.class,
                r -> assertThat(r.reason()).isEqualTo(Outcome.Rejection.INVALID_REQUEST));
        assertThat(rejected.error()).isEqualTo("messageId: is required: a record without one could not be returned to "
                + "the queue, so it is not relayed");
        assertThat(rejected.facts().cvmId()).isEqualTo("cvm_lost");
        assertThat(rejected.facts().composeHash()).isEqualTo(Fixtures.HASH);
        assertThat(rejected.facts().trigger().wire()).isEqualTo("sqs");
    }

    @Test
    void aRecordWithoutMessageIdAfterAFailureInItsGroupIsRejectedToo() {
        harness.phala.then(503).then(503).then(503).then(503);
        JsonNode response = harness.invoke(groupWithARecordWithoutMessageId());

        assertThat(failures(response)).containsExactly("a-1", "a-3");
        assertThat(harness.outcomes.published()).extracting(o -> o.facts().requestId() + " " + o.status())
                .containsExactly("lambda-req-1#1 rejected");
    }

    @Test
    void aReceiveCountBeyondIntCountsAsTheLastDelivery() {
        harness.phala.then(503).then(503).then(503).then(503);
        ObjectNode record = Events.sqsRecord("m-1", Events.updateBody("cvm_1"), 1);
        ((ObjectNode) record.get("attributes")).put("ApproximateReceiveCount", "2147483648");

        JsonNode response = harness.invoke(Events.sqs(record));

        assertThat(failures(response)).as("it goes back, to the DLQ").containsExactly("m-1");
        assertThat(harness.outcomes.published()).singleElement().satisfies(o -> {
            assertThat(o.status()).isEqualTo("failed");
            assertThat(o.facts().requestId()).isEqualTo("m-1");
            assertThat(o.facts().attempts()).isEqualTo(4);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999", "9223372036854775808", "0", "-1", "junk", "2.5", ""})
    void aReceiveCountThatIsNotAPositiveIntCountsAsTheLastDelivery(String receiveCount) {
        harness.phala.then(503).then(503).then(503).then(503);
        ObjectNode record = Events.sqsRecord("m-1", Events.updateBody("cvm_1"), 1);
        ((ObjectNode) record.get("attributes")).put("ApproximateReceiveCount", receiveCount);

        JsonNode response = harness.invoke(Events.sqs(record));

        assertThat(failures(response)).containsExactly("m-1");
        assertThat(harness.outcomes.published()).singleElement().satisfies(o -> assertThat(o.status()).isEqualTo("failed"));
    }

    @Test
    void keepsGoingInFifoGroupAfterAFinalRejection() {
        JsonNode response = harness.invoke(Events.sqs(
                Events.fifoRecord("a-1", "group-a", "{\"cvm_id\":\"cvm_a\"}", 1),
                Events.fifoRecord("a-2", "group-a", Events.updateBody("cvm_a"), 1)));
        assertThat(failures(response)).isEmpty();
        assertThat(harness.outcomes.published()).extracting(o -> o.facts().requestId() + " " + o.status())
                .containsExactly("a-1 rejected", "a-2 accepted");
    }

    @Test
    void keepsOrderWithinFifoGroupsAndOtherGroupsGoOn() {
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        PhalaApi phala = (update, key, timeout) -> {
            order.add(update.cvmId());
            return new PhalaAnswer(update.cvmId().equals("b1") ? 503 : 202, null, null, Optional.empty(), null);
        };
        RecordingOutcomes outcomes = new RecordingOutcomes();
        RelayHandler handler = handler(phala, outcomes, Fixtures.config("PHALA_MAX_ATTEMPTS", "1"));
        JsonNode response = invoke(handler, Events.sqs(
                Events.fifoRecord("a-1", "A", Events.updateBody("a1"), 1),
                Events.fifoRecord("b-1", "B", Events.updateBody("b1"), 1),
                Events.fifoRecord("a-2", "A", Events.updateBody("a2"), 1),
                Events.fifoRecord("b-2", "B", Events.updateBody("b2"), 1),
                Events.fifoRecord("a-3", "A", Events.updateBody("a3"), 1)));
        assertThat(failures(response)).containsExactly("b-1", "b-2");
        List<String> groupA = order.stream().filter(id -> id.startsWith("a")).toList();
        assertThat(groupA).containsExactly("a1", "a2", "a3");
        assertThat(order).doesNotContain("b2");
    }

    @Test
    void relaysABatchOfTenConcurrently() {
        // Each PATCH answers only when all ten are in flight together: one at a time, the first would wait in vain.
        CyclicBarrier allTen = new CyclicBarrier(10);
        PhalaApi slow = (update, key, timeout) -> {
            try {
                allTen.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new PhalaApi.Unreachable("interrupted");
            } catch (BrokenBarrierException | TimeoutException e) {
                throw new PhalaApi.Unreachable("the ten PATCHes were not in flight together");
            }
            return new PhalaAnswer(202, null, null, Optional.empty(), null);
        };
        RecordingOutcomes outcomes = new RecordingOutcomes();
        RelayHandler handler = handler(slow, outcomes, Fixtures.config());
        ObjectNode[] records = new ObjectNode[10];
        for (int i = 0; i < 10; i++) {
            records[i] = Events.sqsRecord("m-" + i, Events.updateBody("cvm_" + i), 1);
        }
        JsonNode response = invoke(handler, Events.sqs(records));
        assertThat(failures(response)).isEmpty();
        assertThat(outcomes.published()).hasSize(10);
        // Sequentially the first PATCH would wait for the other nine and time out; concurrently all ten meet.
        assertThat(allTen.isBroken()).as("all ten PATCHes were in flight at once").isFalse();
    }

    private static RelayHandler handler(PhalaApi phala, RecordingOutcomes outcomes, com.composerelay.config.Config config) {
        return Harness.builder().config(config).phala(phala).outcomes(outcomes).idempotency(RelayTable.none())
                .realTime().build().handler;
    }

    private static JsonNode invoke(RelayHandler handler, String event) {
        return Invoke.json(handler, event);
    }

}
