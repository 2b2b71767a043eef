package com.composerelay.whole;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.codec.WatchCheckJson;
import com.composerelay.core.Outcome;
import com.composerelay.core.Trigger;
import com.composerelay.core.WatchCheck;
import com.composerelay.support.Events;
import com.composerelay.support.FakeProvisioning;
import com.composerelay.support.Harness;
import com.composerelay.support.PhalaEvents;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The watch of a whole update: each delayed check reads the CVM once, and the update gets exactly
 * one final outcome, whether the watch or Phala's webhook decides it, whatever SQS redelivers.
 */
class WatchTest {
    static final String CVM = "cvm_ykL5lbAn";
    static final String NEW = FakeProvisioning.HASH;
    static final String OLD = "2222222222222222222222222222222222222222222222222222222222222222";

    final Harness harness = Harness.chatOps();

    /** Accepts a whole update with wait: true over the queue; returns its first check. */
    WatchCheck accepted() {
        harness.phala.then(202);
        JsonNode result = harness.invoke(Events.sqs(Events.sqsMessage("msg-whole-1", """
                {"cvm_id": "%s", "app_compose": {"docker_compose_file": "services: {}"}, "wait": true}
                """.formatted(CVM), 1)));
        assertThat(result.get("batchItemFailures")).isEmpty();
        assertThat(harness.outcomes.published()).singleElement().isInstanceOf(Outcome.Accepted.class);
        assertThat(harness.scheduled).hasSize(1);
        return harness.scheduled.getFirst().check();
    }

    /** Delivers a queued check as SQS would, once its delay has passed. */
    JsonNode deliver(WatchCheck check, String messageId, int receiveCount) {
        harness.clock.advance(Duration.ofSeconds(15));
        return harness.invoke(Events.sqs(watchMessage(messageId, WatchCheckJson.write(check), receiveCount)));
    }

    /** A message as SqsWatchQueue sends it: the check's body, attribute origin=watch. */
    static com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage watchMessage(String id, String body, int count) {
        var message = Events.sqsMessage(id, body, count);
        message.setMessageAttributes(new java.util.LinkedHashMap<>(Map.of("origin", Events.stringAttribute("watch"))));
        return message;
    }

    @Test
    void theSqsFormIsAcceptedAndPublishedOnce() {
        WatchCheck first = accepted();
        Outcome accepted = harness.outcomes.published().getFirst();
        assertThat(accepted.facts().trigger()).isEqualTo(Trigger.SQS);
        assertThat(accepted.facts().composeHash()).isEqualTo(NEW);
        assertThat(first.correlationId()).isEqualTo("msg-whole-1");
        assertThat(first.trigger()).isEqualTo(Trigger.SQS);
    }

    @Test
    void completesWhenTheCvmRunsTheNewComposeAfterAnUpdate() {
        WatchCheck first = accepted();
        harness.provisioning.readReplies.add(FakeProvisioning.cvm("updating", true, OLD));
        JsonNode one = deliver(first, "watch-1", 1);
        assertThat(one.get("batchItemFailures")).isEmpty();
        assertThat(harness.scheduled).hasSize(2);
        WatchCheck second = harness.scheduled.get(1).check();
        assertThat(second.check()).isEqualTo(2);
        assertThat(harness.scheduled.get(1).delay()).isEqualTo(Duration.ofSeconds(15));

        harness.provisioning.readReplies.add(FakeProvisioning.cvm("running", false, OLD));
        deliver(second, "watch-2", 1);
        WatchCheck third = harness.scheduled.get(2).check();

        harness.provisioning.readReplies.add(FakeProvisioning.cvm("running", false, "0x" + NEW.toUpperCase()));
        deliver(third, "watch-3", 1);

        assertThat(harness.provisioning.reads).containsExactly(CVM, CVM, CVM);
        assertThat(harness.scheduled).hasSize(3);
        assertThat(harness.outcomes.published()).hasSize(2);
        Outcome done = harness.outcomes.published().get(1);
        assertThat(done).isInstanceOfSatisfying(Outcome.Completed.class, c -> assertThat(c.event()).isEqualTo("watch"));
        assertThat(done.facts().correlationId()).isEqualTo("msg-whole-1");
        assertThat(done.facts().trigger()).isEqualTo(Trigger.WATCH);
        assertThat(done.facts().composeHash()).isEqualTo(NEW);
        assertThat(done.facts().attempts()).isEqualTo(3);
        assertThat(done.facts().httpStatus()).isEqualTo(200);
    }

    @Test
    void progressTargetKeepsTheWatchGoingEvenWhenRunningWithTheNewHash() {
        WatchCheck first = accepted();
        harness.provisioning.readReplies.add(FakeProvisioning.cvm("running", true, NEW));
        deliver(first, "watch-1", 1);
        assertThat(harness.outcomes.published()).hasSize(1);
        assertThat(harness.scheduled).hasSize(2);
    }

    @Test
    void failsWhenTheCvmStops() {
        WatchCheck first = accepted();
        harness.provisioning.readReplies.add(FakeProvisioning.cvm("stopped", false, OLD));
        deliver(first, "watch-1", 1);

        assertThat(harness.scheduled).hasSize(1);
        assertThat(harness.outcomes.published().get(1)).isInstanceOfSatisfying(Outcome.Failed.class, f -> {
            assertThat(f.reason()).isEqualTo(Outcome.Failure.CVM_NOT_RUNNING);
            assertThat(f.error()).isEqualTo("the CVM is stopped after the update (check 1)");
        });
    }

    @Test
    void failsWhenTheWatchsTimeIsUpNamingWhatItLastSaw() {
        Harness h = Harness.builder().config(com.composerelay.support.Fixtures.config("WATCH_TIMEOUT_SECONDS", "20"))
                .build();
        h.phala.then(202);
        h.invoke(Events.sqs(Events.sqsMessage("msg-1", """
                {"cvm_id": "%s", "app_compose": {"docker_compose_file": "services: {}"}, "wait": true}""".formatted(CVM), 1)));
        WatchCheck first = h.scheduled.getFirst().check();
        h.provisioning.readReplies.add(FakeProvisioning.cvm("updating", true, OLD));
        h.clock.advance(Duration.ofSeconds(15));
        h.invoke(Events.sqs(watchMessage("w-1", WatchCheckJson.write(first), 1)));
        WatchCheck second = h.scheduled.get(1).check();
        h.provisioning.readReplies.add(FakeProvisioning.cvm("updating", true, OLD));
        h.clock.advance(Duration.ofSeconds(15));
        h.invoke(Events.sqs(watchMessage("w-2", WatchCheckJson.write(second), 1)));

        assertThat(h.scheduled).hasSize(2);
        assertThat(h.outcomes.published().get(1)).isInstanceOfSatisfying(Outcome.Failed.class, f -> {
            assertThat(f.reason()).isEqualTo(Outcome.Failure.WATCH_TIMED_OUT);
            assertThat(f.error()).isEqualTo("the CVM did not run the new compose within 20 s (2 checks; last seen: status"
                    + " updating, update in progress, compose_hash " + OLD + ")");
        });
    }

    @Test
    void aRedeliveredCheckDoesNotReadNorPublishNorScheduleTwice() {
        WatchCheck first = accepted();
        harness.provisioning.readReplies.add(FakeProvisioning.cvm("running", false, NEW));
        deliver(first, "watch-1", 1);
        JsonNode again = deliver(first, "watch-1", 2);

        assertThat(again.get("batchItemFailures")).isEmpty();
        assertThat(harness.provisioning.reads).hasSize(1);
        assertThat(harness.outcomes.published()).hasSize(2);
        assertThat(harness.scheduled).hasSize(1);
    }

    @Test
    void aRedeliveredCheckThatScheduledTheNextDoesNotScheduleItAgain() {
        WatchCheck first = accepted();
        harness.provisioning.readReplies.add(FakeProvisioning.cvm("updating", true, OLD));
        deliver(first, "watch-1", 1);
        deliver(first, "watch-1", 2);
        assertThat(harness.scheduled).hasSize(2);
        assertThat(harness.provisioning.reads).hasSize(1);
    }

    @Test
    void aCheckWhoseNextCannotBeQueuedGoesBackToTheQueue() {
        WatchCheck first = accepted();
        harness.watchQueueDown = true;
        harness.provisioning.readReplies.add(FakeProvisioning.cvm("updating", true, OLD));
        JsonNode result = deliver(first, "watch-1", 1);
        assertThat(result.get("batchItemFailures")).hasSize(1);
        assertThat(result.get("batchItemFailures").get(0).get("itemIdentifier").textValue()).isEqualTo("watch-1");

        harness.watchQueueDown = false;
        harness.provisioning.readReplies.add(FakeProvisioning.cvm("updating", true, OLD));
        deliver(first, "watch-1", 2);
        assertThat(harness.scheduled).hasSize(2);
    }

    @Test
    void webhookThenWatchGivesOneFinalOutcome() {
        WatchCheck first = accepted();
        JsonNode webhook = harness.invoke(PhalaEvents.signed(harness, "evt_1", "cvm.updated", CVM));
        assertThat(Harness.body(webhook).get("result").textValue()).isEqualTo("completed");
        harness.provisioning.readReplies.add(FakeProvisioning.cvm("running", false, NEW));
        deliver(first, "watch-1", 1);

        assertThat(harness.outcomes.published()).hasSize(2);
        Outcome done = harness.outcomes.published().get(1);
        assertThat(done).isInstanceOf(Outcome.Completed.class);
        assertThat(done.facts().trigger()).isEqualTo(Trigger.PHALA);
        assertThat(done.facts().correlationId()).isEqualTo("msg-whole-1");
        assertThat(harness.scheduled).hasSize(1);
    }

    @Test
    void watchThenWebhookGivesOneFinalOutcome() {
        WatchCheck first = accepted();
        harness.provisioning.readReplies.add(FakeProvisioning.cvm("running", false, NEW));
        deliver(first, "watch-1", 1);
        JsonNode webhook = harness.invoke(PhalaEvents.signed(harness, "evt_2", "cvm.updated", CVM));

        assertThat(Harness.body(webhook).get("result").textValue()).isEqualTo("already-final");
        assertThat(harness.outcomes.published()).hasSize(2);
        assertThat(harness.outcomes.published().get(1).facts().trigger()).isEqualTo(Trigger.WATCH);
    }

    @Test
    void aStoppedEventAfterTheWatchCompletedIsNotASecondFinalOutcome() {
        WatchCheck first = accepted();
        harness.provisioning.readReplies.add(FakeProvisioning.cvm("running", false, NEW));
        deliver(first, "watch-1", 1);
        harness.invoke(PhalaEvents.signed(harness, "evt_3", "cvm.stopped", CVM));
        assertThat(harness.outcomes.published()).hasSize(2);
    }

    @Test
    void anUnreadableWatchMessageIsDroppedNotRetried() {
        JsonNode result = harness.invoke(Events.sqs(watchMessage("w-bad", "{\"watch\": {\"cvm_id\": \"x\"}}", 1)));
        assertThat(result.get("batchItemFailures")).isEmpty();
        assertThat(harness.outcomes.published()).isEmpty();
        assertThat(harness.provisioning.reads).isEmpty();
    }

    @Test
    void aWatchBodyWithoutTheRelaysAttributeIsARequestRefusedByName() {
        // e.g. a producer's "watch": … instead of "wait": the request is refused by name, not silently dropped.
        harness.invoke(Events.sqs(Events.sqsMessage("m-typo", "{\"cvm_id\": \"" + CVM + "\", \"watch\": {\"a\": 1}}", 1)));
        assertThat(harness.outcomes.published()).singleElement().isInstanceOfSatisfying(Outcome.Rejected.class, r ->
                assertThat(r.error()).startsWith("watch: is not a known field"));
        assertThat(harness.provisioning.reads).isEmpty();
    }

    @Test
    void aForgedCheckIsIgnoredWithNothingReadNorPublished() {
        WatchCheck real = accepted();
        // Everything an outcome shows (CVM, hash, correlation id, times) but not the nonce the relay registered.
        WatchCheck forged = new WatchCheck(real.cvmId(), real.composeHash(), real.correlationId(), real.requestId(),
                real.trigger(), 1, real.startedAt(), real.giveUpAt(), "token:someone", "00".repeat(16), false, false);
        JsonNode result = deliver(forged, "forged-1", 1);
        assertThat(result.get("batchItemFailures")).isEmpty();
        assertThat(harness.provisioning.reads).isEmpty();
        assertThat(harness.outcomes.published()).hasSize(1);
        assertThat(harness.scheduled).hasSize(1);
        // A watch that was never started is ignored too.
        WatchCheck unknown = new WatchCheck("cvm_other", real.composeHash(), "corr-unknown", "r", real.trigger(), 1,
                real.startedAt(), real.giveUpAt(), null, real.nonce(), false, false);
        deliver(unknown, "forged-2", 1);
        assertThat(harness.provisioning.reads).isEmpty();
        // The real check still works after both.
        harness.provisioning.readReplies.add(FakeProvisioning.cvm("running", false, NEW));
        deliver(real, "watch-1", 1);
        assertThat(harness.outcomes.published()).hasSize(2);
    }

    @Test
    void anUpdateThatKeepsTheHashCompletesOnlyAfterTheCvmWasSeenUpdating() {
        harness.envSecrets.put("compose-relay/env/k", "v");
        harness.phala.then(202);
        // The CVM runs NEW already; the update brings env only (the provision gives the same hash).
        harness.provisioning.readReplies.add(FakeProvisioning.cvm("running", false, NEW));
        harness.invoke(Events.sqs(Events.sqsMessage("msg-env-1", "{\"cvm_id\": \"" + CVM + "\", \"app_compose\":"
                + " {\"docker_compose_file\": \"services: {}\"}, \"env\": {\"K\": {\"secret_id\": \"compose-relay/env/k\"}},"
                + " \"wait\": true}", 1)));
        WatchCheck first = harness.scheduled.getFirst().check();
        assertThat(first.needsProgress()).isTrue();

        harness.provisioning.readReplies.add(FakeProvisioning.cvm("running", false, NEW)); // not started yet
        deliver(first, "w-1", 1);
        assertThat(harness.outcomes.published()).hasSize(1);
        WatchCheck second = harness.scheduled.get(1).check();
        harness.provisioning.readReplies.add(FakeProvisioning.cvm("updating", true, NEW));
        deliver(second, "w-2", 1);
        WatchCheck third = harness.scheduled.get(2).check();
        assertThat(third.seenProgress()).isTrue();
        harness.provisioning.readReplies.add(FakeProvisioning.cvm("running", false, NEW));
        deliver(third, "w-3", 1);
        assertThat(harness.outcomes.published()).hasSize(2);
        assertThat(harness.outcomes.published().get(1)).isInstanceOf(Outcome.Completed.class);
    }

    @Test
    void bothFormsInOneMessageAreRejectedNamingTheTwo() {
        harness.invoke(Events.sqs(Events.sqsMessage("m-both", """
                {"cvm_id": "%s", "compose_hash": "%s", "app_compose": {"docker_compose_file": "x"}}""".formatted(CVM, NEW), 1)));
        assertThat(harness.outcomes.published()).singleElement().isInstanceOfSatisfying(Outcome.Rejected.class, r ->
                assertThat(r.error()).isEqualTo("app_compose, compose_hash: cannot both be given: app_compose asks the"
                        + " relay to provision and commit, compose_hash commits a hash provisioned before"));
        assertThat(harness.provisioning.provisions).isEmpty();
        assertThat(harness.phala.calls()).isEmpty();
    }

    @Test
    void aRedeliveredWholeUpdateMessageNeitherProvisionsNorCommitsAgain() {
        accepted();
        harness.invoke(Events.sqs(Events.sqsMessage("msg-whole-1", """
                {"cvm_id": "%s", "app_compose": {"docker_compose_file": "services: {}"}, "wait": true}
                """.formatted(CVM), 2)));
        assertThat(harness.provisioning.provisions).hasSize(1);
        assertThat(harness.phala.calls()).hasSize(1);
        assertThat(harness.scheduled).hasSize(1);
        assertThat(harness.outcomes.published()).hasSize(1);
    }
}
