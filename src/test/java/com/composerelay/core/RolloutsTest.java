package com.composerelay.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.support.RecordingEngine;
import com.composerelay.support.RolloutRig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Starting, cancelling, resuming and aborting rollouts: ids, duplicates, holds, the engine's calls. */
class RolloutsTest {
    private static final String ACTOR = "arn:aws:iam::111122223333:user/ops";
    private static final String STRATEGY = "{\"waves\":[1,\"100%\"],\"approve_after\":[1]}";

    private final RolloutRig rig = new RolloutRig();
    private final List<String> u = rig.standIn.addApp(RolloutRig.APP, 3, RolloutRig.OLD);
    private final Engine engine = new Engine(rig.engine);

    @AfterEach
    void stop() {
        rig.close();
    }

    /** The recording engine, which may be down for a while. */
    private static final class Engine implements RolloutEngine {
        final RecordingEngine inner;
        volatile boolean down;

        Engine(RecordingEngine inner) {
            this.inner = inner;
        }

        private void check(String what) throws Unavailable {
            if (down) {
                throw new Unavailable(what + ": ServiceUnavailable (test)");
            }
        }

        @Override
        public boolean configured() {
            return true;
        }

        @Override
        public void start(String rolloutId, String input) throws Unavailable {
            check("StartExecution");
            inner.start(rolloutId, input);
        }

        @Override
        public boolean succeed(String taskToken, String output) throws Unavailable {
            check("SendTaskSuccess");
            return inner.succeed(taskToken, output);
        }

        @Override
        public boolean fail(String taskToken, String error, String cause) throws Unavailable {
            check("SendTaskFailure");
            return inner.fail(taskToken, error, cause);
        }
    }

    private Rollouts rollouts() {
        return rig.rollouts(engine);
    }

    private Rollouts.Answer start(String body, String key) throws Exception {
        return rollouts().start(RolloutRig.start(body, key, ACTOR), rig.invocation());
    }

    private static String cvmsBody(List<String> cvms, String strategy) {
        return "{\"targets\":{\"cvms\":[" + String.join(",", cvms.stream().map(c -> "\"" + c + "\"").toList())
                + "]},\"app_compose\":{\"docker_compose_file\":\"services: {}\"},\"strategy\":" + strategy + "}";
    }

    private static String idOf(String key) {
        return "ro_" + Fingerprint.sha256Hex(key.getBytes(StandardCharsets.UTF_8)).substring(0, 24);
    }

    private static Rollout done(Rollouts.Answer answer) {
        assertThat(answer).isInstanceOf(Rollouts.Answer.Done.class);
        return ((Rollouts.Answer.Done) answer).rollout();
    }

    private List<RecordingEngine.Call> calls() {
        return rig.engine.calls;
    }

    /** A rollout of the app started and paused after wave 1 with token {@code tok-pause-1}. */
    private String paused() throws Exception {
        String id = done(start(RolloutRig.appBody(STRATEGY), "key-p")).rolloutId();
        rig.run(new RolloutTask("pause", id, 1, null, null, null, null, "tok-pause-1"));
        assertThat(rig.find(id).status()).isEqualTo("paused");
        return id;
    }

    // ---- start

    @Test
    void aStartRecordsTheRolloutUnderTheKeysIdStartsItsExecutionOnceAndReportsIt() throws Exception {
        Rollouts.Answer answer = start(RolloutRig.appBody(STRATEGY), "key-1");

        String id = idOf("key-1");
        assertThat(id).matches("ro_[0-9a-f]{24}");
        assertThat(answer).isInstanceOf(Rollouts.Answer.Done.class);
        assertThat(((Rollouts.Answer.Done) answer).created()).isTrue();
        Rollout r = done(answer);
        assertThat(r.rolloutId()).isEqualTo(id);
        assertThat(r.status()).isEqualTo("running");
        assertThat(r.actor()).isEqualTo(ACTOR);
        assertThat(r.trigger()).isEqualTo(Trigger.API);
        assertThat(r.startedAt()).isEqualTo(rig.clock.instant());
        assertThat(r.waves()).extracting(w -> w.cvms().stream().map(Rollout.Target::cvmId).toList())
                .as("the app's CVMs as Phala lists them").containsExactly(List.of(u.get(0)), List.of(u.get(1), u.get(2)));
        assertThat(r.targets()).extracting(Rollout.Target::status).containsOnly("pending");
        String input = "{\"rollout_id\":\"" + id + "\",\"strategy\":{\"check_interval_seconds\":15,\"bake_seconds\":60,"
                + "\"has_alarms\":false,\"alarms\":[],\"on_failure\":\"rollback\",\"approval_timeout_seconds\":86400},"
                + "\"waves\":[{\"number\":1,\"approve_after\":true},{\"number\":2,\"approve_after\":false}]}";
        assertThat(calls()).containsExactly(new RecordingEngine.Call("start", id, input, null));
        assertThat(rig.journal.calls()).containsExactly("GET /api/v1/apps/" + RolloutRig.APP_HEX + "/cvms");
        assertThat(rig.memory.holders()).containsOnlyKeys(u).containsValues(id);
        assertThat(rig.reports).extracting(rp -> rp.kind()).containsExactly(RolloutReports.Kind.STARTED);
    }

    @Test
    void theSameKeyTwiceIsTheSameRolloutAndOneExecution() throws Exception {
        Rollout first = done(start(RolloutRig.appBody(STRATEGY), "key-1"));
        Rollouts.Answer again = start(RolloutRig.appBody(STRATEGY), "key-1");

        assertThat(again).isEqualTo(new Rollouts.Answer.Done(rig.find(first.rolloutId()), false));
        assertThat(done(again).rolloutId()).isEqualTo(first.rolloutId());
        assertThat(calls()).hasSize(1);
        assertThat(rig.reports).hasSize(1);
        assertThat(rig.journal.calls()).as("the app listed once").hasSize(1);
    }

    @Test
    void anotherBodyUnderTheSameKeyIs422() throws Exception {
        String id = done(start(RolloutRig.appBody(STRATEGY), "key-1")).rolloutId();

        assertThat(start(RolloutRig.appBody("{\"waves\":[1,\"100%\"]}"), "key-1")).isEqualTo(new Rollouts.Answer.Refused(422,
                "Idempotency-Key: was used for a different rollout (" + id + ") within the idempotency window; use a new key"));
        assertThat(calls()).hasSize(1);
    }

    @Test
    void aCvmHeldByAnotherRunningRolloutIs409NamingItAndTheCvmsTakenAreReleased() throws Exception {
        String first = done(start(cvmsBody(List.of(u.get(1)), "{\"waves\":[1]}"), "key-a")).rolloutId();

        Rollouts.Answer answer = start(cvmsBody(u, "{\"waves\":[1,\"100%\"]}"), "key-b");

        assertThat(answer).isEqualTo(new Rollouts.Answer.Refused(409, "targets: CVM " + u.get(1) + " is in rollout "
                + first + ", which has not ended; cancel it or wait for it to end"));
        assertThat(rig.memory.holders()).isEqualTo(java.util.Map.of(u.get(1), first));
        assertThat(rig.memory.find(idOf("key-b"))).isEmpty();
        assertThat(calls()).extracting(RecordingEngine.Call::nameOrToken).containsExactly(first);
    }

    @Test
    void aCvmOfAnEndedRolloutIsTakenOver() throws Exception {
        String first = done(start(cvmsBody(List.of(u.get(1)), "{\"waves\":[1]}"), "key-a")).rolloutId();
        rig.run(RolloutRig.finish(first, "completed", null, null));

        Rollout second = done(start(cvmsBody(u, "{\"waves\":[1,\"100%\"]}"), "key-b"));

        assertThat(rig.memory.holders()).containsOnlyKeys(u).containsValues(second.rolloutId());
    }

    @Test
    void moreThanAHundredCvmsIs400() throws Exception {
        List<String> many = IntStream.range(0, 101).mapToObj(i -> "cvm_" + i).toList();
        rig.standIn.addApp("app_" + "ee".repeat(20), 101, RolloutRig.OLD);

        Rollouts.Answer listed = start("{\"targets\":{\"app_id\":\"app_" + "ee".repeat(20) + "\"},\"app_compose\":"
                + "{\"docker_compose_file\":\"x\"}}", "key-big");

        assertThat(listed).isEqualTo(new Rollouts.Answer.Refused(400, "targets.app_id: app app_" + "ee".repeat(20)
                + " has more than 100 CVMs, more than one rollout takes; list them in targets.cvms in rollouts of at"
                + " most 100"));
        Rollouts.Start direct = new Rollouts.Start("key-many", "fp", "{}", null, many, Trigger.API, ACTOR, null,
                RolloutRig.start(cvmsBody(List.of("cvm_0"), "{\"waves\":[1]}"), "x", ACTOR).planner());
        assertThat(rollouts().start(direct, rig.invocation())).isEqualTo(new Rollouts.Answer.Refused(400,
                "targets: has 101 CVMs, more than a rollout takes (at most 100)"));
        assertThat(calls()).isEmpty();
        assertThat(rig.memory.holders()).isEmpty();
    }

    @Test
    void anAppWithoutCvmsIs422() throws Exception {
        assertThat(start("{\"targets\":{\"app_id\":\"app_" + "dd".repeat(20) + "\"},\"app_compose\":"
                + "{\"docker_compose_file\":\"x\"}}", "key-none")).isInstanceOf(Rollouts.Answer.Refused.class)
                .extracting(a -> ((Rollouts.Answer.Refused) a).status()).isEqualTo(422);
    }

    @Test
    void theEngineDownIs503AndARetryStartsTheRecordedRolloutWithTheSameInput() throws Exception {
        engine.down = true;
        Rollouts.Answer refused = start(RolloutRig.appBody(STRATEGY), "key-1");

        String id = idOf("key-1");
        assertThat(refused).isEqualTo(new Rollouts.Answer.Refused(503, "the rollout " + id + " is recorded but its"
                + " execution could not be started (StartExecution: ServiceUnavailable (test)); send the same request again"));
        assertThat(rig.find(id).status()).isEqualTo("starting");
        assertThat(rig.reports).isEmpty();

        engine.down = false;
        Rollouts.Answer started = start(RolloutRig.appBody(STRATEGY), "key-1");

        assertThat(started).isInstanceOf(Rollouts.Answer.Done.class);
        assertThat(((Rollouts.Answer.Done) started).created()).isTrue();
        assertThat(done(started).status()).isEqualTo("running");
        assertThat(calls()).hasSize(1);
        assertThat(calls().get(0).nameOrToken()).isEqualTo(id);
        assertThat(calls().get(0).text()).isEqualTo(rig.find(id).executionInput());
        assertThat(rig.journal.calls()).as("the app listed once, at the first start").hasSize(1);
        assertThat(rig.reports).hasSize(1);
    }

    @Test
    void theStoreDownIs503AndNothingStarts() throws Exception {
        rig.memory.goDown();
        assertThat(start(RolloutRig.appBody(STRATEGY), "key-1")).isEqualTo(new Rollouts.Answer.Refused(503,
                "the rollout could not be recorded, so nothing was started: the rollout store is down (test)"));
        assertThat(calls()).isEmpty();
    }

    @Test
    void aRelayWithoutAStateMachineRefusesRollouts() throws Exception {
        assertThat(rig.rollouts(RolloutEngine.none()).start(RolloutRig.start(RolloutRig.appBody(STRATEGY), "k", ACTOR),
                rig.invocation())).isEqualTo(new Rollouts.Answer.Refused(503, "rollouts need the rollout state machine"
                + " (ROLLOUT_STATE_MACHINE_ARN), which this relay is not configured with"));
    }

    // ---- cancel

    @Test
    void aCancelOfAnEndedRolloutIs409AndOfAnUnknownOne404() throws Exception {
        String id = done(start(RolloutRig.appBody(STRATEGY), "key-1")).rolloutId();
        rig.run(RolloutRig.finish(id, "completed", null, null));

        assertThat(rollouts().cancel(id, true, ACTOR)).isEqualTo(new Rollouts.Answer.Refused(409, "rollout " + id
                + " has ended (completed)"));
        assertThat(rollouts().cancel("ro_000000000000000000000000", true, ACTOR)).isEqualTo(new Rollouts.Answer.Refused(404,
                "no rollout ro_000000000000000000000000"));
    }

    @Test
    void aCancelOfARunningRolloutIsRecordedForItsNextCheck() throws Exception {
        String id = done(start(RolloutRig.appBody(STRATEGY), "key-1")).rolloutId();

        Rollout r = done(rollouts().cancel(id, false, ACTOR));

        assertThat(r.cancel()).isEqualTo("keep");
        assertThat(r.failure()).isEqualTo(new Rollout.Failure(null, "cancelled by " + ACTOR));
        assertThat(calls()).extracting(RecordingEngine.Call::kind).containsExactly("start");
        assertThat(rollouts().cancel(id, true, "someone else")).as("the first cancel stands")
                .isEqualTo(new Rollouts.Answer.Done(rig.find(id), false));
        assertThat(rig.find(id).cancel()).isEqualTo("keep");
    }

    @Test
    void aCancelOfAPausedRolloutFailsItsPauseTokenRolledBack() throws Exception {
        String id = paused();

        Rollout r = done(rollouts().cancel(id, true, ACTOR));

        assertThat(calls().getLast()).isEqualTo(new RecordingEngine.Call("failure", "tok-pause-1", "RolloutCancelled",
                "cancelled by " + ACTOR));
        assertThat(r.status()).isEqualTo("running");
        assertThat(r.pauseToken()).isNull();
    }

    @Test
    void aCancelOfAPausedRolloutWithoutRollbackIsRolloutCancelledKeep() throws Exception {
        String id = paused();

        rollouts().cancel(id, false, null);

        assertThat(calls().getLast()).isEqualTo(new RecordingEngine.Call("failure", "tok-pause-1", "RolloutCancelledKeep",
                "cancelled by a caller"));
    }

    // ---- decide

    @Test
    void aResumeSendsApprovedOnceAndASecondIs409() throws Exception {
        String id = paused();

        Rollout resumed = done(rollouts().decide(id, true, ACTOR));
        Rollouts.Answer again = rollouts().decide(id, true, ACTOR);

        assertThat(resumed.status()).isEqualTo("running");
        assertThat(resumed.pauseToken()).isNull();
        assertThat(resumed.wave(1).orElseThrow().approvedBy()).as("who approved is recorded").isEqualTo(ACTOR);
        assertThat(resumed.wave(2).orElseThrow().approvedBy()).isNull();
        assertThat(again).isEqualTo(new Rollouts.Answer.Refused(409, "rollout " + id + " is running, not paused"));
        assertThat(calls().subList(1, calls().size())).containsExactly(
                new RecordingEngine.Call("success", "tok-pause-1", "{\"approved\":true}", null));
    }

    @Test
    void anAbortFailsThePauseWithRolloutAbortedAndRecordsWhy() throws Exception {
        String id = paused();

        Rollout aborted = done(rollouts().decide(id, false, ACTOR));

        assertThat(calls().getLast()).isEqualTo(new RecordingEngine.Call("failure", "tok-pause-1", "RolloutAborted",
                "aborted by " + ACTOR));
        assertThat(aborted.failure()).isEqualTo(new Rollout.Failure(null, "aborted at the pause after wave 1 by " + ACTOR));
        assertThat(rollouts().decide(id, false, ACTOR)).isInstanceOf(Rollouts.Answer.Refused.class);
        assertThat(calls()).hasSize(2);
    }

    @Test
    void aResumeOfARunningRolloutIs409() throws Exception {
        String id = done(start(RolloutRig.appBody(STRATEGY), "key-1")).rolloutId();
        assertThat(rollouts().decide(id, true, ACTOR)).isEqualTo(new Rollouts.Answer.Refused(409, "rollout " + id
                + " is running, not paused"));
    }

    @Test
    void aResumeTheEngineDidNotTakeCanBeSentAgain() throws Exception {
        String id = paused();
        engine.down = true;

        Rollouts.Answer refused = rollouts().decide(id, true, ACTOR);

        assertThat(refused).isEqualTo(new Rollouts.Answer.Refused(503, "the execution could not be told:"
                + " SendTaskSuccess: ServiceUnavailable (test); the rollout is still paused, send the decision again"));
        assertThat(rig.find(id).status()).isEqualTo("paused");
        assertThat(rig.find(id).pauseToken()).isEqualTo("tok-pause-1");
        assertThat(rig.find(id).pausedAfter()).isEqualTo(1);
        assertThat(rig.find(id).wave(1).orElseThrow().approvedBy()).as("not approved while the engine was down").isNull();
        engine.down = false;
        assertThat(rollouts().decide(id, true, ACTOR)).isInstanceOf(Rollouts.Answer.Done.class);
        assertThat(calls().getLast()).isEqualTo(new RecordingEngine.Call("success", "tok-pause-1",
                "{\"approved\":true}", null));
    }

    @Test
    void anAbortTheEngineDidNotTakeLeavesNoFailureRecorded() throws Exception {
        String id = paused();
        engine.down = true;

        assertThat(rollouts().decide(id, false, ACTOR)).isInstanceOf(Rollouts.Answer.Refused.class);

        assertThat(rig.find(id).failure()).isNull();
        assertThat(rig.find(id).pauseToken()).isEqualTo("tok-pause-1");
    }

    @Test
    void aCancelThePausedEngineDidNotTakeCanBeSentAgain() throws Exception {
        String id = paused();
        engine.down = true;

        Rollouts.Answer refused = rollouts().cancel(id, false, ACTOR);

        assertThat(refused).isEqualTo(new Rollouts.Answer.Refused(503, "the cancel is recorded, the paused execution"
                + " could not be told: SendTaskFailure: ServiceUnavailable (test); send the cancel again"));
        assertThat(rig.find(id).cancel()).isEqualTo("keep");
        assertThat(rig.find(id).pauseToken()).as("kept for the cancel sent again").isEqualTo("tok-pause-1");
        engine.down = false;
        rollouts().cancel(id, false, ACTOR);
        assertThat(calls().getLast()).isEqualTo(new RecordingEngine.Call("failure", "tok-pause-1",
                "RolloutCancelledKeep", "cancelled by " + ACTOR));
    }
}
