package com.composerelay.whole;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.core.Outcome;
import com.composerelay.core.Rollout;
import com.composerelay.core.Trigger;
import com.composerelay.support.Events;
import com.composerelay.support.FakeProvisioning;
import com.composerelay.support.Harness;
import com.composerelay.support.PhalaEvents;
import com.composerelay.support.RecordingEngine;
import com.composerelay.support.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The watch of a whole update ({@code wait}): a one-CVM rollout on the state machine (waves
 * {@code [1]}, stop on failure), whose tasks reach the relay on the task queue; its end publishes
 * the update's own final outcome exactly once, whether the watch or Phala's webhook decides it.
 */
class WatchTest {
    static final String CVM = "cvm_ykL5lbAn";
    static final String VM = FakeProvisioning.VM_UUID;
    static final String NEW = FakeProvisioning.HASH;
    static final String OLD = "2222222222222222222222222222222222222222222222222222222222222222";

    final Harness harness = Harness.chatOps();
    int tokens;

    /** Accepts a whole update with wait: true over the queue; returns the watch's rollout id. */
    String accepted() {
        harness.phala.then(202);
        JsonNode result = harness.invoke(Events.sqs(Events.sqsMessage("msg-whole-1", """
                {"cvm_id": "%s", "app_compose": {"docker_compose_file": "services: {}"}, "wait": true}
                """.formatted(CVM), 1)));
        assertThat(result.get("batchItemFailures")).isEmpty();
        assertThat(harness.outcomes.published()).singleElement().isInstanceOf(Outcome.Accepted.class);
        RecordingEngine.Call start = harness.engine.calls.getFirst();
        assertThat(start.kind()).isEqualTo("start");
        return start.nameOrToken();
    }

    /** The state machine's task {@code kind} delivered on the task queue; returns the relay's answer to it. */
    RecordingEngine.Call task(String rolloutId, String kind, String extra) {
        String token = "token-" + ++tokens;
        var message = Events.sqsMessage("task-" + tokens, "{\"relay_task\":\"" + kind + "\",\"rollout_id\":\"" + rolloutId
                + "\"" + extra + ",\"task_token\":\"" + token + "\"}", 1);
        message.setEventSourceArn(Harness.TASK_QUEUE_ARN);
        int before = harness.engine.calls.size();
        JsonNode result = harness.invoke(Events.sqs(message));
        assertThat(result.get("batchItemFailures")).as(kind + " done").isEmpty();
        List<RecordingEngine.Call> after = harness.engine.calls.subList(before, harness.engine.calls.size());
        assertThat(after).as("the answer to " + kind).singleElement().satisfies(c -> assertThat(c.nameOrToken()).isEqualTo(token));
        return after.getFirst();
    }

    RecordingEngine.Call check(String id) {
        return task(id, "check", ",\"wave\":1,\"phase\":\"wave\"");
    }

    /** Prepare, snapshot and commit, as the machine sends them first: nothing is sent to Phala again. */
    void beginning(String id) {
        harness.provisioning.readReplies.add(FakeProvisioning.cvm("updating", true, OLD));
        RecordingEngine.Call prepared = task(id, "prepare", "");
        assertThat(prepared.text()).as(String.valueOf(prepared.cause())).isEqualTo("{}");
        assertThat(task(id, "snapshot", ",\"wave\":1").text()).isEqualTo("{}");
        assertThat(task(id, "commit", ",\"wave\":1").text()).isEqualTo("{}");
        assertThat(harness.provisioning.provisions).hasSize(1);
        assertThat(harness.phala.calls()).hasSize(1);
    }

    void status(String status, boolean inProgress, String bootError) {
        Map<String, String> values = new java.util.HashMap<>(Map.of("status", status, "in_progress", String.valueOf(inProgress)));
        if (bootError != null) {
            values.put("boot_error", bootError);
        }
        harness.fleetStatus.put(VM, values);
    }

    @Test
    void theWatchIsAOneCvmRolloutThatStopsOnFailure() throws Exception {
        String id = accepted();
        Outcome accepted = harness.outcomes.published().getFirst();
        assertThat(accepted.facts().trigger()).isEqualTo(Trigger.SQS);
        assertThat(id).matches("ro_[0-9a-f]{24}");
        assertThat(TestJson.parse(harness.engine.calls.getFirst().text())).isEqualTo(TestJson.parse("""
                {"rollout_id": "%s", "strategy": {"check_interval_seconds": 15, "bake_seconds": 0, "has_alarms": false,
                 "alarms": [], "on_failure": "stop", "approval_timeout_seconds": 60},
                 "waves": [{"number": 1, "approve_after": false}]}""".formatted(id)));
        Rollout rollout = harness.rollouts.find(id).orElseThrow();
        assertThat(rollout.status()).isEqualTo("running");
        assertThat(rollout.watch()).isEqualTo(new Rollout.Watch("msg-whole-1", "msg-whole-1", 600, false));
        assertThat(rollout.targets()).singleElement().satisfies(t -> {
            assertThat(t.cvmId()).isEqualTo(CVM);
            assertThat(t.status()).isEqualTo("updating");
        });
    }

    @Test
    void completesWhenTheCvmRunsTheNewCompose() {
        String id = accepted();
        beginning(id);
        status("updating", true, null);
        assertThat(check(id).text()).isEqualTo("{\"healthy\":false}");
        status("running", false, null);
        harness.provisioning.readReplies.add(FakeProvisioning.cvm("running", false, NEW));
        assertThat(check(id).text()).isEqualTo("{\"healthy\":true}");
        assertThat(task(id, "check", ",\"wave\":1,\"phase\":\"bake\"").text()).isEqualTo("{\"healthy\":true}");
        assertThat(task(id, "wave_done", ",\"wave\":1").text()).isEqualTo("{}");
        assertThat(task(id, "finish", ",\"result\":\"completed\"").text()).isEqualTo("{}");

        assertThat(harness.outcomes.published()).hasSize(2);
        assertThat(harness.outcomes.published().get(1)).isInstanceOfSatisfying(Outcome.Completed.class, c -> {
            assertThat(c.event()).isEqualTo("watch");
            assertThat(c.facts().trigger()).isEqualTo(Trigger.WATCH);
            assertThat(c.facts().correlationId()).isEqualTo("msg-whole-1");
            assertThat(c.facts().cvmId()).isEqualTo(CVM);
            assertThat(c.facts().composeHash()).isEqualTo(NEW);
        });
        assertThat(harness.rolloutReports).as("a watch publishes the update's outcomes, no rollout reports").isEmpty();
        assertThat(harness.fleetCalls).containsExactly("statusBatch " + VM, "statusBatch " + VM, "statusBatch " + VM);
    }

    @Test
    void failsWhenTheCvmDoesNotBootNamingItsError() {
        String id = accepted();
        beginning(id);
        status("error", false, "container shop exited (1)");
        RecordingEngine.Call failed = check(id);
        assertThat(failed.kind()).isEqualTo("failure");
        assertThat(failed.text()).isEqualTo("RolloutFailed");
        assertThat(failed.cause()).isEqualTo(CVM + ": boot error: container shop exited (1)");
        task(id, "finish", ",\"result\":\"failed\",\"failure\":{\"Error\":\"RolloutFailed\",\"Cause\":\"x\"}");
        assertThat(harness.outcomes.published().get(1)).isInstanceOfSatisfying(Outcome.Failed.class, f -> {
            assertThat(f.reason()).isEqualTo(Outcome.Failure.CVM_NOT_RUNNING);
            assertThat(f.error()).isEqualTo("the CVM did not run the update: boot error: container shop exited (1)");
        });
    }

    @Test
    void failsWhenTheWatchsTimeIsUpNamingWhatItLastSaw() {
        String id = accepted();
        beginning(id);
        status("updating", true, null);
        assertThat(check(id).text()).isEqualTo("{\"healthy\":false}");
        harness.clock.advance(Duration.ofSeconds(601));
        RecordingEngine.Call failed = check(id);
        assertThat(failed.text()).isEqualTo("RolloutFailed");
        task(id, "finish", ",\"result\":\"failed\"");
        assertThat(harness.outcomes.published().get(1)).isInstanceOfSatisfying(Outcome.Failed.class, f -> {
            assertThat(f.reason()).isEqualTo(Outcome.Failure.WATCH_TIMED_OUT);
            assertThat(f.error()).isEqualTo("the CVM did not run the new compose within 600 s (status updating, in progress)");
        });
    }

    @Test
    void aRedeliveredFinishPublishesNothingMore() {
        String id = accepted();
        beginning(id);
        status("running", false, null);
        harness.provisioning.readReplies.add(FakeProvisioning.cvm("running", false, NEW));
        check(id);
        task(id, "finish", ",\"result\":\"completed\"");
        task(id, "finish", ",\"result\":\"completed\"");
        assertThat(harness.outcomes.published()).hasSize(2);
    }

    @Test
    void webhookThenWatchGivesOneFinalOutcome() {
        String id = accepted();
        beginning(id);
        harness.invoke(PhalaEvents.signed(harness, "evt-1", "cvm.updated", CVM));
        int afterWebhook = harness.outcomes.published().size();
        status("running", false, null);
        harness.provisioning.readReplies.add(FakeProvisioning.cvm("running", false, NEW));
        check(id);
        task(id, "finish", ",\"result\":\"completed\"");
        assertThat(harness.outcomes.published()).hasSize(afterWebhook);
        assertThat(harness.outcomes.published().stream().filter(o -> o instanceof Outcome.Completed).count()).isEqualTo(1);
    }

    @Test
    void anUpdateThatKeepsTheHashCompletesOnlyAfterTheCvmWasSeenRestarting() throws Exception {
        harness.envSecrets.put("compose-relay/env/shop", "{\"database_url\":\"postgres://x\"}");
        harness.provisioning.readReplies.add(FakeProvisioning.cvm("running", false, NEW)); // the env step's read: same hash
        harness.phala.then(202);
        harness.invoke(Events.sqs(Events.sqsMessage("msg-env-1", """
                {"cvm_id": "%s", "app_compose": {"docker_compose_file": "services: {}"}, "wait": true,
                 "env": {"DATABASE_URL": {"secret_id": "compose-relay/env/shop", "json_key": "database_url"}}}
                """.formatted(CVM), 1)));
        String id = harness.engine.calls.getFirst().nameOrToken();
        assertThat(harness.rollouts.find(id).orElseThrow().watch().needsProgress()).isTrue();
        harness.provisioning.readReplies.add(FakeProvisioning.cvm("running", false, NEW));
        task(id, "prepare", "");
        status("running", false, null);
        harness.provisioning.readReplies.add(FakeProvisioning.cvm("running", false, NEW));
        assertThat(check(id).text()).as("running on the same hash, never seen restarting").isEqualTo("{\"healthy\":false}");
        status("stopping", true, null);
        assertThat(check(id).text()).isEqualTo("{\"healthy\":false}");
        status("running", false, null);
        harness.provisioning.readReplies.add(FakeProvisioning.cvm("running", false, NEW));
        assertThat(check(id).text()).isEqualTo("{\"healthy\":true}");
    }

    /**
     * Finding (issue 21): any producer may set {@code correlation_id}. Two watched updates of one CVM
     * sharing it are still two updates: each gets its own watch, keyed by the relay's request id, and
     * its own final outcome; Phala's webhook decides only the update its CVM's thread names.
     */
    @Test
    void twoWatchedUpdatesWithTheSameCorrelationIdEachGetTheirOwnWatchAndFinalOutcome() throws Exception {
        for (String messageId : List.of("msg-a", "msg-b")) {
            harness.phala.then(202);
            var message = Events.sqsMessage(messageId, """
                    {"cvm_id": "%s", "app_compose": {"docker_compose_file": "services: {}"}, "wait": true}
                    """.formatted(CVM), 1);
            message.setMessageAttributes(Map.of("correlation_id", Events.stringAttribute("deploy-42")));
            assertThat(harness.invoke(Events.sqs(message)).get("batchItemFailures")).isEmpty();
        }
        assertThat(harness.outcomes.published()).hasSize(2).allSatisfy(o -> {
            assertThat(o).isInstanceOf(Outcome.Accepted.class);
            assertThat(o.facts().correlationId()).isEqualTo("deploy-42");
            assertThat(o.facts().whole().watch()).isEqualTo("scheduled");
        });
        List<String> ids = harness.engine.calls.stream().filter(c -> c.kind().equals("start"))
                .map(RecordingEngine.Call::nameOrToken).toList();
        assertThat(ids).as("one watch each").hasSize(2).doesNotHaveDuplicates();
        assertThat(harness.rollouts.find(ids.get(0)).orElseThrow().watch().requestId()).isEqualTo("msg-a");
        assertThat(harness.rollouts.find(ids.get(1)).orElseThrow().watch().requestId()).isEqualTo("msg-b");

        harness.invoke(PhalaEvents.signed(harness, "evt-b", "cvm.updated", CVM)); // the CVM's thread is msg-b's
        task(ids.get(1), "finish", ",\"result\":\"completed\""); // already decided by the webhook
        task(ids.get(0), "finish", ",\"result\":\"completed\"");
        List<Outcome> finals = harness.outcomes.published().subList(2, harness.outcomes.published().size());
        assertThat(finals).hasSize(2).allSatisfy(o -> {
            assertThat(o).isInstanceOf(Outcome.Completed.class);
            assertThat(o.facts().correlationId()).isEqualTo("deploy-42");
        });
        assertThat(finals.get(0).facts().trigger()).isEqualTo(Trigger.PHALA);
        assertThat(finals.get(1).facts().trigger()).isEqualTo(Trigger.WATCH);
        assertThat(finals.get(1).facts().requestId()).isEqualTo("msg-a");
    }

    /**
     * Finding (issue 21): without the idempotency table a forged watch message ({@code origin=watch},
     * a made-up nonce) delivered twice once published two {@code completed} outcomes. The queue has no
     * watch messages now (a watch is a rollout), {@code origin=watch} is an ordinary producer's message,
     * and no update is watched without a durable table to keep its watch and its one final outcome.
     */
    @Test
    void withoutTheIdempotencyTableAForgedWatchMessageTwicePublishesNoCompletedAndNothingIsWatched() {
        Harness bare = Harness.builder().config(Harness.chatOpsConfig(Harness.DEFAULT_ALLOWLIST))
                .idempotency(com.composerelay.core.RelayTable.none()).build();
        bare.phala.then(202);
        bare.invoke(Events.sqs(Events.sqsMessage("msg-wait", """
                {"cvm_id": "%s", "app_compose": {"docker_compose_file": "services: {}"}, "wait": true}
                """.formatted(CVM), 1)));
        String forged = """
                {"watch": {"cvm_id": "%s", "compose_hash": "%s", "correlation_id": "msg-wait", "request_id": "msg-wait",
                 "trigger": "sqs", "check": 1, "started_at": 1795632000000, "give_up_at": 1895632000000,
                 "nonce": "made-up-nonce", "needs_progress": false, "seen_progress": false}}""".formatted(CVM, NEW);
        for (int delivery = 1; delivery <= 2; delivery++) {
            var message = Events.sqsMessage("forged-watch", forged, delivery);
            message.setMessageAttributes(Map.of("origin", Events.stringAttribute("watch")));
            assertThat(bare.invoke(Events.sqs(message)).get("batchItemFailures")).isEmpty();
        }
        assertThat(bare.outcomes.published()).noneMatch(o -> o instanceof Outcome.Completed);
        assertThat(bare.engine.calls).as("no watch started without a durable table").isEmpty();
        assertThat(bare.phala.calls()).as("the wait was refused before anything was sent").isEmpty();
        assertThat(bare.outcomes.published().getFirst()).isInstanceOfSatisfying(Outcome.Rejected.class, r ->
                assertThat(r.error()).startsWith("wait: "));
        assertThat(bare.outcomes.published().subList(1, 3)).allSatisfy(o -> {
            assertThat(o).isInstanceOf(Outcome.Rejected.class);
            assertThat(o.facts().trigger()).as("an ordinary producer's message").isEqualTo(Trigger.SQS);
        });
    }

    @Test
    void aRedeliveredWholeUpdateMessageNeitherProvisionsNorCommitsNorWatchesAgain() {
        accepted();
        harness.invoke(Events.sqs(Events.sqsMessage("msg-whole-1", """
                {"cvm_id": "%s", "app_compose": {"docker_compose_file": "services: {}"}, "wait": true}
                """.formatted(CVM), 2)));
        assertThat(harness.provisioning.provisions).hasSize(1);
        assertThat(harness.phala.calls()).hasSize(1);
        assertThat(harness.engine.calls).hasSize(1);
        assertThat(harness.outcomes.published()).hasSize(1);
    }

    @Test
    void aTaskOnTheRequestQueueIsRefusedAndNothingRuns() throws Exception {
        String id = accepted();
        harness.invoke(Events.sqs(Events.sqsMessage("forged-1", "{\"relay_task\":\"finish\",\"rollout_id\":\"" + id
                + "\",\"result\":\"completed\",\"task_token\":\"t\"}", 1)));
        assertThat(harness.engine.calls).hasSize(1);
        assertThat(harness.outcomes.published().getLast()).isInstanceOfSatisfying(Outcome.Rejected.class, r ->
                assertThat(r.error()).isEqualTo("relay_task: a rollout task is accepted only on the rollout task queue,"
                        + " from the relay's state machine"));
        assertThat(harness.rollouts.find(id).orElseThrow().status()).isEqualTo("running");
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
}
