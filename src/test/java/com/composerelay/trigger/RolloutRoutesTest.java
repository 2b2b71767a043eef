package com.composerelay.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.codec.RolloutStateJson;
import com.composerelay.core.ChatReplies;
import com.composerelay.core.Invocation;
import com.composerelay.core.Metrics;
import com.composerelay.core.Rollout;
import com.composerelay.core.RolloutTask;
import com.composerelay.core.SigningSecrets;
import com.composerelay.core.UpdateQueue;
import com.composerelay.core.UpdateThreads;
import com.composerelay.crypto.X25519EnvSealer;
import com.composerelay.json.Json;
import com.composerelay.support.Events;
import com.composerelay.support.FakeKeys;
import com.composerelay.support.Fixtures;
import com.composerelay.support.RecordingEngine;
import com.composerelay.support.RecordingOutcomes;
import com.composerelay.support.RolloutRig;
import com.composerelay.support.TestJson;
import com.composerelay.wiring.Adapters;
import com.composerelay.wiring.Assembly;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rollout routes through the Dispatcher as the deployed relay assembles it (Assembly.dispatcher
 * with rollout ports): the IAM routes' answers, and the task queue told apart from the request queue.
 */
class RolloutRoutesTest {
    private static final String MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:compose-relay-rollout";
    private static final String TASK_QUEUE = "arn:aws:sqs:us-east-1:123456789012:compose-relay-rollout-tasks";
    private static final String CALLER = "arn:aws:iam::123456789012:user/deployer";
    private static final String STRATEGY = "{\"waves\":[1,\"100%\"]}";

    private final RolloutRig rig = new RolloutRig();
    private final List<String> u = rig.standIn.addApp(RolloutRig.APP, 3, RolloutRig.OLD);
    private final RecordingOutcomes outcomes = new RecordingOutcomes();
    private final Dispatcher dispatcher = Assembly.dispatcher(Fixtures.config("ROLLOUT_STATE_MACHINE_ARN", MACHINE,
            "ROLLOUT_TASK_QUEUE_ARN", TASK_QUEUE), new Adapters(new FakeKeys(RolloutRig.KEY), rig.phala, rig.table,
            outcomes, UpdateThreads.none(), ChatReplies.none(), SigningSecrets.none(), UpdateQueue.none(), rig.clock,
            rig.clock::advance, () -> 0.0, Metrics.none(),
            new Adapters.Whole(rig.phala, com.composerelay.core.EnvSecrets.none(), new X25519EnvSealer()),
            Adapters.ClientApi.none(),
            new Adapters.RolloutPorts(rig.memory, rig.engine, rig.reports::add, rig.phala, TASK_QUEUE)));

    @AfterEach
    void stop() {
        rig.close();
    }

    private JrsValue dispatch(String event) throws Exception {
        return dispatcher.dispatch(Json.parse(event), new Invocation("lambda-req-1", rig.clock.instant().plusSeconds(60)));
    }

    /** An IAM-signed HTTP API request. */
    private JrsValue http(String method, String path, String body, Map<String, String> extraHeaders) throws Exception {
        Map<String, String> headers = Events.sampleHttpApiHeaders();
        headers.putAll(extraHeaders);
        ObjectNode event = (ObjectNode) TestJson.parse(Events.json(Events.httpApiRequest(method, method + " " + path,
                path, null, headers, body, false)));
        ((ObjectNode) event.get("requestContext")).putObject("authorizer").putObject("iam").put("userArn", CALLER);
        return dispatch(TestJson.write(event));
    }

    private JrsValue http(String method, String path, String body) throws Exception {
        return http(method, path, body, Map.of());
    }

    private static int status(JrsValue response) {
        return Json.number(response.path("statusCode")).intValue();
    }

    private static String body(JrsValue response) {
        return Json.text(response.path("body"));
    }

    private static String error(String message) {
        return Json.write(Json.object(Map.of("error", message)));
    }

    private String started() throws Exception {
        JrsValue answer = http("POST", "/rollouts", RolloutRig.appBody(STRATEGY), Map.of("idempotency-key", "deploy-42"));
        assertThat(status(answer)).isEqualTo(202);
        return Json.text(Json.parse(body(answer)).path("rollout_id"));
    }

    private static String sqsEvent(String queueArn, String messageId, String body) {
        ObjectNode record = Events.sqsRecord(messageId, body, 1);
        record.put("eventSourceARN", queueArn);
        return Events.sqs(record);
    }

    // ---- HTTP

    @Test
    void aPostOfARolloutIs202WithItsViewAndTheSameKeyAgainIs200WithTheSame() throws Exception {
        JrsValue answer = http("POST", "/rollouts", RolloutRig.appBody(STRATEGY), Map.of("Idempotency-Key", "deploy-42"));

        String id = "ro_" + com.composerelay.core.Fingerprint.sha256Hex("api:deploy-42".getBytes()).substring(0, 24);
        Rollout r = rig.find(Json.text(Json.parse(body(answer)).path("rollout_id")));
        assertThat(status(answer)).isEqualTo(202);
        assertThat(Json.write(answer.path("headers"))).isEqualTo("{\"Content-Type\":\"application/json\"}");
        assertThat(body(answer)).isEqualTo(RolloutStateJson.view(r));
        assertThat(r.actor()).isEqualTo(CALLER);
        assertThat(r.status()).isEqualTo("running");
        assertThat(rig.engine.calls).extracting(RecordingEngine.Call::kind).containsExactly("start");
        assertThat(r.rolloutId()).as("the header's key names it").isEqualTo(id);

        JrsValue again = http("POST", "/rollouts", RolloutRig.appBody(STRATEGY), Map.of("idempotency-key", "deploy-42"));
        assertThat(status(again)).isEqualTo(200);
        assertThat(body(again)).isEqualTo(RolloutStateJson.view(rig.find(r.rolloutId())));
        assertThat(rig.engine.calls).hasSize(1);
    }

    @Test
    void aBadRolloutIs400NamingTheField() throws Exception {
        JrsValue answer = http("POST", "/rollouts", "{\"targets\":{\"app_id\":\"" + RolloutRig.APP + "\"},"
                + "\"app_compose\":{\"docker_compose_file\":\"x\"},\"strategy\":{\"bake_seconds\":-1}}");

        assertThat(status(answer)).isEqualTo(400);
        assertThat(body(answer)).isEqualTo(error("strategy.bake_seconds: must be a whole number of seconds from 0 to 3600"));
        assertThat(status(http("POST", "/rollouts", ""))).isEqualTo(400);
        assertThat(body(http("POST", "/rollouts", "")))
                .isEqualTo(error("body: is required: a JSON object with targets and app_compose"));
        assertThat(rig.engine.calls).isEmpty();
        assertThat(rig.journal.calls()).isEmpty();
    }

    @Test
    void aGetIs200WithTheViewOr404() throws Exception {
        String id = started();

        JrsValue found = http("GET", "/rollouts/" + id, null);
        assertThat(status(found)).isEqualTo(200);
        assertThat(body(found)).isEqualTo(RolloutStateJson.view(rig.find(id)));

        JrsValue missing = http("GET", "/rollouts/ro_000000000000000000000000", null);
        assertThat(status(missing)).isEqualTo(404);
        assertThat(body(missing)).isEqualTo(error("no rollout ro_000000000000000000000000"));
        JrsValue notAnId = http("GET", "/rollouts/nope", null);
        assertThat(status(notAnId)).isEqualTo(404);
        assertThat(body(notAnId)).contains("a rollout id is ro_ and 24 hexadecimal digits");
        assertThat(status(http("GET", "/prod/rollouts/" + id, null))).as("behind a stage").isEqualTo(200);
    }

    @Test
    void aCancelIsRecordedAndAnsweredWithTheView() throws Exception {
        String id = started();

        JrsValue answer = http("POST", "/rollouts/" + id + "/cancel", "{\"rollback\": false}");

        assertThat(status(answer)).isEqualTo(200);
        assertThat(rig.find(id).cancel()).isEqualTo("keep");
        assertThat(body(answer)).isEqualTo(RolloutStateJson.view(rig.find(id)));
        assertThat(rig.find(id).failure()).isEqualTo(new Rollout.Failure(null, "cancelled by " + CALLER));
        JrsValue bad = http("POST", "/rollouts/" + id + "/cancel", "{\"keep\": true}");
        assertThat(status(bad)).isEqualTo(400);
        assertThat(body(bad)).isEqualTo(error("keep: is not a field of a cancel; the only one is rollback"));
        assertThat(status(http("POST", "/rollouts/" + id + "/cancel", "{\"rollback\": \"no\"}"))).isEqualTo(400);
    }

    @Test
    void aCancelOfAnEndedRolloutIs409() throws Exception {
        String id = started();
        rig.run(RolloutRig.finish(id, "completed", null, null));

        JrsValue answer = http("POST", "/rollouts/" + id + "/cancel", "");

        assertThat(status(answer)).isEqualTo(409);
        assertThat(body(answer)).isEqualTo(error("rollout " + id + " has ended (completed)"));
    }

    @Test
    void aResumeApprovesAPauseOnceThen409() throws Exception {
        String id = started();
        rig.run(new RolloutTask("pause", id, 1, null, null, null, null, "tok-pause-1"));

        JrsValue resumed = http("POST", "/rollouts/" + id + "/resume", "");
        JrsValue again = http("POST", "/rollouts/" + id + "/resume", "");

        assertThat(status(resumed)).isEqualTo(200);
        assertThat(Json.text(Json.parse(body(resumed)).path("status"))).isEqualTo("running");
        assertThat(status(again)).isEqualTo(409);
        assertThat(body(again)).isEqualTo(error("rollout " + id + " is running, not paused"));
        assertThat(rig.engine.calls.getLast()).isEqualTo(new RecordingEngine.Call("success", "tok-pause-1",
                "{\"approved\":true}", null));
        assertThat(rig.engine.calls).hasSize(2);
    }

    @Test
    void otherMethodsAre405WithAllow() throws Exception {
        String id = "ro_000000000000000000000000";
        JrsValue getAll = http("GET", "/rollouts", null);
        assertThat(status(getAll)).isEqualTo(405);
        assertThat(Json.text(getAll.path("headers").path("Allow"))).isEqualTo("POST");
        assertThat(body(getAll)).isEqualTo(error("method GET is not allowed: use POST"));
        JrsValue delete = http("DELETE", "/rollouts/" + id, null);
        assertThat(status(delete)).isEqualTo(405);
        assertThat(Json.text(delete.path("headers").path("Allow"))).isEqualTo("GET");
        JrsValue getCancel = http("GET", "/rollouts/" + id + "/cancel", null);
        assertThat(status(getCancel)).isEqualTo(405);
        assertThat(Json.text(getCancel.path("headers").path("Allow"))).isEqualTo("POST");
        assertThat(status(http("PUT", "/rollouts/" + id + "/resume", "{}"))).isEqualTo(405);
        assertThat(rig.engine.calls).isEmpty();
    }

    @Test
    void aCvmNamedRolloutsIsStillThePatchRoute() throws Exception {
        JrsValue answer = http("PATCH", "/cvms/rollouts/compose_file", "{\"compose_hash\":\"" + Fixtures.HASH + "\"}");

        assertThat(status(answer)).isEqualTo(202);
        assertThat(rig.journal.calls()).containsExactly("PATCH /api/v1/cvms/rollouts/compose_file {\"compose_hash\":\""
                + Fixtures.HASH + "\"}");
        assertThat(status(http("POST", "/cvms/rollouts/updates", "{}"))).as("the whole update's route").isEqualTo(400);
        assertThat(rig.engine.calls).isEmpty();
    }

    // ---- the queues

    @Test
    void aTaskFromTheTaskQueueIsRunAndTheEngineAnswered() throws Exception {
        String id = started();
        rig.journal.clear();
        String task = "{\"relay_task\":\"prepare\",\"rollout_id\":\"" + id + "\",\"task_token\":\"tok-prepare\"}";

        JrsValue answer = dispatch(sqsEvent(TASK_QUEUE, "m-1", task));

        assertThat(Json.write(answer)).isEqualTo("{\"batchItemFailures\":[]}");
        assertThat(rig.engine.calls.getLast()).isEqualTo(new RecordingEngine.Call("success", "tok-prepare", "{}", null));
        assertThat(rig.find(id).composeHash()).isNotNull();
        assertThat(rig.journal.calls()).hasSize(4);
        assertThat(outcomes.published()).isEmpty();
    }

    @Test
    void aTaskThatFailsIsAnsweredWithTheFailureAndOneThatMustWaitComesBack() throws Exception {
        String id = started();
        String snapshot = "{\"relay_task\":\"snapshot\",\"rollout_id\":\"" + id + "\",\"wave\":1,\"task_token\":\"tok-s\"}";
        rig.memory.goDown();

        assertThat(Json.write(dispatch(sqsEvent(TASK_QUEUE, "m-2", snapshot))))
                .isEqualTo("{\"batchItemFailures\":[{\"itemIdentifier\":\"m-2\"}]}");
        assertThat(rig.engine.calls).hasSize(1);
    }

    @Test
    void aTaskOnTheRequestQueueIsRefusedAndNothingRuns() throws Exception {
        String id = started();
        rig.journal.clear();
        String task = "{\"relay_task\":\"commit\",\"rollout_id\":\"" + id + "\",\"wave\":1,\"task_token\":\"tok-forged\"}";

        JrsValue answer = dispatch(sqsEvent(Events.QUEUE_ARN, "m-3", task));

        assertThat(Json.write(answer)).isEqualTo("{\"batchItemFailures\":[]}");
        assertThat(rig.engine.calls).hasSize(1);
        assertThat(rig.journal.calls()).isEmpty();
        assertThat(rig.find(id).targets()).extracting(Rollout.Target::status).containsOnly("pending");
        assertThat(outcomes.published()).hasSize(1);
        assertThat(outcomes.published().get(0).error()).isEqualTo("relay_task: a rollout task is accepted only on the"
                + " rollout task queue, from the relay's state machine");
    }

    @Test
    void aRolloutOnTheRequestQueueIsStarted() throws Exception {
        JrsValue answer = dispatch(sqsEvent(Events.QUEUE_ARN, "m-4", RolloutRig.appBody(STRATEGY)));

        assertThat(Json.write(answer)).isEqualTo("{\"batchItemFailures\":[]}");
        assertThat(rig.engine.calls).extracting(RecordingEngine.Call::kind).containsExactly("start");
        Rollout r = rig.find(rig.engine.calls.get(0).nameOrToken());
        assertThat(r.status()).isEqualTo("running");
        assertThat(r.targets()).extracting(Rollout.Target::cvmId).containsExactlyElementsOf(u);
        assertThat(rig.journal.calls()).containsExactly("GET /api/v1/apps/" + RolloutRig.APP_HEX + "/cvms");

        dispatch(sqsEvent(Events.QUEUE_ARN, "m-4", RolloutRig.appBody(STRATEGY)));
        assertThat(rig.engine.calls).as("a redelivered message starts nothing more").hasSize(1);
    }
}
