package com.composerelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.local.LocalDeployment;
import com.composerelay.local.LocalDeployment.Published;
import com.composerelay.local.PhalaStandIn;
import com.composerelay.support.Events;
import com.composerelay.support.Tags;
import com.composerelay.support.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

/**
 * Rollouts end to end: the built template's state machine run by LocalStack's Step Functions, its
 * tasks reaching the built function (under the Runtime Interface Emulator) over the task queue as
 * Lambda's event source mapping would bring them, and a Phala stand-in with apps of several CVMs.
 */
@Tag(Tags.LOCALSTACK)
@Tag(Tags.EMULATOR)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RolloutE2E {
    static final String OLD = "0d5f9c2e7b4a1f3e6d8c0b2a4f6e8d0c2b4a6f8e0d2c4b6a8f0e2d4c6b8a0f2e";
    private static LocalDeployment stack;
    private static Thread pump;
    private static final AtomicBoolean pumping = new AtomicBoolean(true);
    private static final AtomicBoolean deliverTwice = new AtomicBoolean(false);
    private static final AtomicInteger tasksDelivered = new AtomicInteger();
    private static final List<Published> outcomes = new ArrayList<>();

    @BeforeAll
    static void deploy() {
        stack = LocalDeployment.start(new LocalDeployment.Options(
                "roll-" + UUID.randomUUID().toString().substring(0, 8),
                Map.of("MaxReceiveCount", "3", "WatchIntervalSeconds", "1", "WatchTimeoutSeconds", "60",
                        "SlackAllowlist", "T0001/C0001/*=*"),
                2, LocalDeployment.Phala.PROMPT, Path.of("target", "e2e-logs")));
        stack.phala.updateMillis(1200);
        // Lambda's event source mapping for the task queue: one task per invocation, one invocation at a time here.
        pump = Thread.ofPlatform().daemon().name("task-queue-poller").start(() -> {
            while (pumping.get()) {
                try {
                    LocalDeploymentPoll poll;
                    synchronized (stack.function) {
                        var p = stack.taskSource.pollOnce(1, 0, deliverTwice.get());
                        poll = new LocalDeploymentPoll(p.received());
                    }
                    tasksDelivered.addAndGet(poll.received());
                    if (poll.received() == 0) {
                        Thread.sleep(150);
                    }
                } catch (Exception e) {
                    if (pumping.get()) {
                        System.err.println("task poller: " + e);
                    }
                }
            }
        });
    }

    private record LocalDeploymentPoll(int received) {}

    @AfterAll
    static void tearDown() throws Exception {
        pumping.set(false);
        if (pump != null) {
            pump.join(5000);
        }
        if (stack != null) {
            String log = stack.function.log();
            stack.close();
            assertThat(log).as("function log").doesNotContain(LocalDeployment.SAMPLE_API_KEY);
        }
    }

    // ---- helpers

    static JsonNode http(String method, String path, String body, Map<String, String> extraHeaders) throws Exception {
        Map<String, String> headers = new java.util.LinkedHashMap<>(Events.sampleHttpApiHeaders());
        headers.putAll(extraHeaders);
        String route = method + " " + path.replaceAll("ro_[0-9a-f]{24}", "{rollout_id}");
        // Each request its own API Gateway request id (the sample's is fixed), as API Gateway gives them.
        String event = Events.json(Events.httpApiRequest(method, route, path, null, headers, body, false))
                .replace("Jb1fHgq7IAMEVfA=", UUID.randomUUID().toString().substring(0, 16));
        return TestJson.parse(stack.function.invoke(event));
    }

    static JsonNode body(JsonNode response) throws Exception {
        return TestJson.parse(response.get("body").textValue());
    }

    static String rolloutBody(String targets, String strategy) {
        return "{\"targets\": " + targets + ", \"app_compose\": {\"docker_compose_file\": \"services:\\n  shop:\\n"
                + "    image: shop:2\\n\", \"name\": \"shop\"}, \"strategy\": " + strategy + "}";
    }

    static String app(String app) {
        return "{\"app_id\": \"" + app + "\"}";
    }

    /** Reads the rollout until its status is one of {@code statuses}, at most {@code seconds}. */
    static JsonNode await(String id, int seconds, String... statuses) throws Exception {
        long until = System.nanoTime() + seconds * 1_000_000_000L;
        JsonNode view = null;
        while (System.nanoTime() < until) {
            view = body(http("GET", "/rollouts/" + id, null, Map.of()));
            if (List.of(statuses).contains(view.get("status").textValue())) {
                return view;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("rollout " + id + " did not reach " + List.of(statuses) + " in " + seconds + " s: " + view);
    }

    /** The outcomes of one rollout published so far, in order. */
    static List<Published> outcomesOf(String id) {
        synchronized (outcomes) {
            outcomes.addAll(stack.outcomesSoFar());
            return outcomes.stream().filter(p -> id.equals(p.attributes().get("rollout_id"))).toList();
        }
    }

    static List<String> events(List<Published> published) {
        return published.stream().map(p -> p.attributes().get("event")
                + (p.outcome().has("wave") ? ":" + p.outcome().get("wave").intValue() : "")
                + "/" + p.attributes().get("status")).toList();
    }

    static List<List<String>> waveCvms(JsonNode view) {
        List<List<String>> waves = new ArrayList<>();
        view.get("waves").forEach(w -> {
            List<String> cvms = new ArrayList<>();
            w.get("cvms").forEach(c -> cvms.add(c.get("cvm_id").textValue()));
            waves.add(cvms);
        });
        return waves;
    }

    static long executionsNamed(String name) {
        return stack.sfn.listExecutions(b -> b.stateMachineArn(stack.rolloutStateMachineArn)).executions().stream()
                .filter(e -> e.name().equals(name)).count();
    }

    // ---- the scenarios

    @Test
    @Order(1)
    void fiveCvmsInWavesOneTwoAllCompleteAndADuplicateRequestActsOnce() throws Exception {
        String appId = "a1000000000000000000000000000000000000a1";
        List<String> vms = stack.phala.addApp(appId, 5, OLD);
        String body = rolloutBody(app(appId), "{\"waves\": [1, 2, \"100%\"], \"check_interval_seconds\": 1,"
                + " \"bake_seconds\": 1}");
        JsonNode response = http("POST", "/rollouts", body, Map.of("idempotency-key", "e2e-complete-1"));
        assertThat(response.get("statusCode").intValue()).as(response.toString()).isEqualTo(202);
        JsonNode started = body(response);
        String id = started.get("rollout_id").textValue();
        assertThat(id).matches("ro_[0-9a-f]{24}");
        assertThat(waveCvms(started)).containsExactly(vms.subList(0, 1), vms.subList(1, 2), vms.subList(2, 5));

        JsonNode duplicate = http("POST", "/rollouts", body, Map.of("idempotency-key", "e2e-complete-1"));
        assertThat(duplicate.get("statusCode").intValue()).isEqualTo(200);
        assertThat(body(duplicate).get("rollout_id").textValue()).isEqualTo(id);

        JsonNode end = await(id, 120, "completed", "failed", "rolled_back", "rollback_failed", "cancelled");
        assertThat(end.get("status").textValue()).as(end.toString()).isEqualTo("completed");
        String hash = end.get("compose_hash").textValue();
        assertThat(hash).matches("[0-9a-f]{64}").isNotEqualTo(OLD);
        end.get("waves").forEach(w -> {
            assertThat(w.get("status").textValue()).isEqualTo("completed");
            w.get("cvms").forEach(c -> assertThat(c.get("status").textValue()).isEqualTo("healthy"));
        });
        // The lead CVM committed (its provision), the others switched to the revision that commit made.
        assertThat(stack.phala.commits(vms.get(0))).containsExactly(hash);
        assertThat(stack.phala.redeploys(vms.get(0))).isEmpty();
        for (String vm : vms) {
            assertThat(stack.phala.composeHash(vm)).isEqualTo(hash);
            if (!vm.equals(vms.get(0))) {
                assertThat(stack.phala.commits(vm)).isEmpty();
                assertThat(stack.phala.redeploys(vm)).hasSize(1);
            }
        }
        assertThat(executionsNamed(id)).isEqualTo(1);
        List<Published> published = outcomesOf(id);
        assertThat(events(published)).containsExactly("rollout.started/running", "rollout.wave:1/running",
                "rollout.wave:2/running", "rollout.wave:3/running", "rollout.finished/completed");
        assertThat(published.getLast().attributes()).containsEntry("trigger", "api").containsEntry("rollout_id", id);
        assertThat(published.getLast().outcome().get("waves").get(2).get("cvms")).hasSize(3);
    }

    @Test
    @Order(2)
    void theThirdCvmFailingRollsBackExactlyTheChangedCvmsAndLeavesTheRestUntouched() throws Exception {
        String appId = "a2000000000000000000000000000000000000a2";
        List<String> vms = stack.phala.addApp(appId, 5, OLD);
        // The third CVM does not boot the new compose; back on the old one it boots.
        stack.phala.onRedeploy(vms.get(2), PhalaStandIn.Script.fails("error", "container shop exited with code 1"));
        stack.phala.onHash(vms.get(2), OLD, PhalaStandIn.Script.boots());
        JsonNode response = http("POST", "/rollouts", rolloutBody(app(appId), "{\"waves\": [1, 3, \"100%\"],"
                + " \"check_interval_seconds\": 1, \"bake_seconds\": 0}"), Map.of("idempotency-key", "e2e-rollback-1"));
        String id = body(response).get("rollout_id").textValue();

        JsonNode end = await(id, 120, "completed", "failed", "rolled_back", "rollback_failed", "cancelled");
        assertThat(end.get("status").textValue()).as(end.toString()).isEqualTo("rolled_back");
        assertThat(end.get("failure").get("cvm_id").textValue()).isEqualTo(vms.get(2));
        assertThat(end.get("failure").get("reason").textValue()).isEqualTo("boot error: container shop exited with code 1");
        for (String vm : vms.subList(0, 3)) {
            assertThat(stack.phala.composeHash(vm)).as(vm + " back on its old compose").isEqualTo(OLD);
            assertThat(stack.phala.status(vm)).isEqualTo("running");
        }
        assertThat(stack.phala.commits(vms.get(0))).hasSize(1);
        assertThat(stack.phala.redeploys(vms.get(0))).hasSize(1);
        assertThat(stack.phala.redeploys(vms.get(1))).hasSize(2);
        assertThat(stack.phala.redeploys(vms.get(2))).hasSize(2);
        for (String vm : vms.subList(3, 5)) {
            assertThat(stack.phala.commits(vm)).as(vm + " untouched").isEmpty();
            assertThat(stack.phala.redeploys(vm)).as(vm + " untouched").isEmpty();
            assertThat(stack.phala.composeHash(vm)).isEqualTo(OLD);
        }
        List<String> statuses = new ArrayList<>();
        end.get("waves").forEach(w -> w.get("cvms").forEach(c -> statuses.add(c.get("status").textValue())));
        assertThat(statuses).containsExactly("rolled_back", "rolled_back", "rolled_back", "pending", "pending");
        assertThat(events(outcomesOf(id))).containsExactly("rollout.started/running", "rollout.wave:1/running",
                "rollout.finished/rolled_back");
    }

    @Test
    @Order(3)
    void anAlarmInAlarmAfterWaveOneRollsBack() throws Exception {
        String alarm = "shop-5xx-" + UUID.randomUUID().toString().substring(0, 8);
        try (CloudWatchClient cloudWatch = CloudWatchClient.builder()
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(com.composerelay.support.LocalAws.CREDENTIALS)
                .endpointOverride(java.net.URI.create(System.getProperty("localstack.endpoint", "http://127.0.0.1:4566")))
                .build()) {
            // Missing data breaches and a datum above the threshold is there, so LocalStack's own evaluation of the
            // alarm keeps it in ALARM rather than taking it back to INSUFFICIENT_DATA.
            cloudWatch.putMetricAlarm(b -> b.alarmName(alarm).namespace("Shop").metricName("5xx").statistic(Statistic.SUM)
                    .period(60).evaluationPeriods(1).threshold(1.0).treatMissingData("breaching")
                    .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD));
            cloudWatch.putMetricData(b -> b.namespace("Shop").metricData(d -> d.metricName("5xx").value(5.0)
                    .timestamp(java.time.Instant.now())));
            cloudWatch.setAlarmState(b -> b.alarmName(alarm).stateValue(StateValue.ALARM).stateReason("e2e"));
            assertThat(cloudWatch.describeAlarms(b -> b.alarmNames(alarm)).metricAlarms().getFirst().stateValue())
                    .isEqualTo(StateValue.ALARM);
            String appId = "a3000000000000000000000000000000000000a3";
            List<String> vms = stack.phala.addApp(appId, 3, OLD);
            JsonNode response = http("POST", "/rollouts", rolloutBody(app(appId), "{\"waves\": [1, \"100%\"],"
                    + " \"check_interval_seconds\": 1, \"bake_seconds\": 0, \"alarms\": [\"" + alarm + "\"]}"),
                    Map.of("idempotency-key", "e2e-alarm-1"));
            String id = body(response).get("rollout_id").textValue();

            JsonNode end = await(id, 120, "completed", "failed", "rolled_back", "rollback_failed", "cancelled");
            assertThat(end.get("status").textValue()).as(end.toString()).isEqualTo("rolled_back");
            assertThat(end.get("failure").get("reason").textValue()).contains(alarm);
            assertThat(stack.phala.composeHash(vms.get(0))).isEqualTo(OLD);
            assertThat(stack.phala.commits(vms.get(0))).hasSize(1);
            assertThat(stack.phala.redeploys(vms.get(0))).hasSize(1);
            for (String vm : vms.subList(1, 3)) {
                assertThat(stack.phala.commits(vm)).isEmpty();
                assertThat(stack.phala.redeploys(vm)).isEmpty();
            }
        }
    }

    @Test
    @Order(4)
    void pauseThenResumeCompletesAndASecondResumeIsRefused() throws Exception {
        String appId = "a4000000000000000000000000000000000000a4";
        List<String> vms = stack.phala.addApp(appId, 3, OLD);
        JsonNode response = http("POST", "/rollouts", rolloutBody(app(appId), "{\"waves\": [1, \"100%\"],"
                + " \"check_interval_seconds\": 1, \"bake_seconds\": 0, \"approve_after\": [1]}"),
                Map.of("idempotency-key", "e2e-pause-1"));
        String id = body(response).get("rollout_id").textValue();
        JsonNode paused = await(id, 60, "paused");
        assertThat(paused.get("paused_after_wave").intValue()).isEqualTo(1);
        assertThat(stack.phala.redeploys(vms.get(1))).as("wave 2 waits for the approval").isEmpty();
        assertThat(events(outcomesOf(id))).containsExactly("rollout.started/running", "rollout.wave:1/running",
                "rollout.paused:1/paused");

        JsonNode resumed = http("POST", "/rollouts/" + id + "/resume", "", Map.of());
        assertThat(resumed.get("statusCode").intValue()).as(resumed.toString()).isEqualTo(200);
        JsonNode again = http("POST", "/rollouts/" + id + "/resume", "", Map.of());
        assertThat(again.get("statusCode").intValue()).isEqualTo(409);
        assertThat(body(again).get("error").textValue()).startsWith("rollout " + id + " is ");

        JsonNode end = await(id, 120, "completed", "failed", "rolled_back", "rollback_failed", "cancelled");
        assertThat(end.get("status").textValue()).as(end.toString()).isEqualTo("completed");
        for (String vm : vms) {
            assertThat(stack.phala.composeHash(vm)).isEqualTo(end.get("compose_hash").textValue());
        }
    }

    @Test
    @Order(5)
    void cancelAtThePauseRollsBackAndEndsCancelled() throws Exception {
        String appId = "a5000000000000000000000000000000000000a5";
        List<String> vms = stack.phala.addApp(appId, 2, OLD);
        JsonNode response = http("POST", "/rollouts", rolloutBody(app(appId), "{\"waves\": [1, \"100%\"],"
                + " \"check_interval_seconds\": 1, \"bake_seconds\": 0, \"approve_after\": [1]}"),
                Map.of("idempotency-key", "e2e-cancel-1"));
        String id = body(response).get("rollout_id").textValue();
        await(id, 60, "paused");
        JsonNode cancelled = http("POST", "/rollouts/" + id + "/cancel", "", Map.of());
        assertThat(cancelled.get("statusCode").intValue()).as(cancelled.toString()).isEqualTo(200);

        JsonNode end = await(id, 120, "completed", "failed", "rolled_back", "rollback_failed", "cancelled");
        assertThat(end.get("status").textValue()).as(end.toString()).isEqualTo("cancelled");
        assertThat(stack.phala.composeHash(vms.get(0))).isEqualTo(OLD);
        assertThat(stack.phala.redeploys(vms.get(0))).hasSize(1);
        assertThat(stack.phala.redeploys(vms.get(1))).isEmpty();
        assertThat(stack.phala.commits(vms.get(1))).isEmpty();
        JsonNode late = http("POST", "/rollouts/" + id + "/cancel", "", Map.of());
        assertThat(late.get("statusCode").intValue()).isEqualTo(409);
    }

    @Test
    @Order(6)
    void cancelWithoutRollbackKeepsWhatChanged() throws Exception {
        String appId = "a6000000000000000000000000000000000000a6";
        List<String> vms = stack.phala.addApp(appId, 2, OLD);
        JsonNode response = http("POST", "/rollouts", rolloutBody(app(appId), "{\"waves\": [1, \"100%\"],"
                + " \"check_interval_seconds\": 1, \"bake_seconds\": 0, \"approve_after\": [1]}"),
                Map.of("idempotency-key", "e2e-keep-1"));
        String id = body(response).get("rollout_id").textValue();
        await(id, 60, "paused");
        http("POST", "/rollouts/" + id + "/cancel", "{\"rollback\": false}", Map.of());
        JsonNode end = await(id, 120, "completed", "failed", "rolled_back", "rollback_failed", "cancelled");
        assertThat(end.get("status").textValue()).isEqualTo("cancelled");
        assertThat(stack.phala.composeHash(vms.get(0))).isEqualTo(end.get("compose_hash").textValue());
        assertThat(stack.phala.redeploys(vms.get(0))).isEmpty();
        assertThat(stack.phala.commits(vms.get(1))).isEmpty();
        assertThat(stack.phala.redeploys(vms.get(1))).isEmpty();
    }

    @Test
    @Order(7)
    void everyTaskDeliveredTwiceStillCommitsAndRedeploysEachCvmOnce() throws Exception {
        String appId = "a7000000000000000000000000000000000000a7";
        List<String> vms = stack.phala.addApp(appId, 3, OLD);
        deliverTwice.set(true);
        try {
            JsonNode response = http("POST", "/rollouts", rolloutBody(app(appId), "{\"waves\": [1, \"100%\"],"
                    + " \"check_interval_seconds\": 1, \"bake_seconds\": 0}"), Map.of("idempotency-key", "e2e-twice-1"));
            String id = body(response).get("rollout_id").textValue();
            JsonNode end = await(id, 120, "completed", "failed", "rolled_back", "rollback_failed", "cancelled");
            assertThat(end.get("status").textValue()).as(end.toString()).isEqualTo("completed");
            assertThat(stack.phala.commits(vms.get(0))).hasSize(1);
            assertThat(stack.phala.redeploys(vms.get(1))).hasSize(1);
            assertThat(stack.phala.redeploys(vms.get(2))).hasSize(1);
            assertThat(events(outcomesOf(id))).containsExactly("rollout.started/running", "rollout.wave:1/running",
                    "rollout.wave:2/running", "rollout.finished/completed");
        } finally {
            deliverTwice.set(false);
        }
    }

    @Test
    @Order(8)
    void aRolloutOnTheRequestQueueDeliveredTwiceStartsOnce() throws Exception {
        String appId = "a8000000000000000000000000000000000000a8";
        List<String> vms = stack.phala.addApp(appId, 2, OLD);
        stack.sqs.sendMessage(b -> b.queueUrl(stack.requestQueueUrl).messageBody(rolloutBody(app(appId),
                "{\"waves\": [1, \"100%\"], \"check_interval_seconds\": 1, \"bake_seconds\": 0}")));
        synchronized (stack.function) {
            assertThat(stack.eventSource.pollOnce(10, 5, true).received()).isEqualTo(1);
        }
        String id = null;
        for (int i = 0; i < 40 && id == null; i++) {
            outcomesOf(""); // reads what was published so far
            for (Published p : outcomes) {
                if ("rollout.started".equals(p.attributes().get("event")) && "sqs".equals(p.attributes().get("trigger"))) {
                    id = p.attributes().get("rollout_id");
                }
            }
            if (id == null) {
                Thread.sleep(250);
            }
        }
        assertThat(id).as("a rollout.started from the queue").isNotNull();
        JsonNode end = await(id, 120, "completed", "failed", "rolled_back", "rollback_failed", "cancelled");
        assertThat(end.get("status").textValue()).isEqualTo("completed");
        assertThat(executionsNamed(id)).isEqualTo(1);
        assertThat(stack.phala.commits(vms.get(0))).hasSize(1);
        assertThat(outcomesOf(id).stream().filter(p -> "rollout.started".equals(p.attributes().get("event")))).hasSize(1);
    }

    @Test
    @Order(9)
    void aWholeUpdateWithWaitEndsCompletedOnceOrFailedOnce() throws Exception {
        String appId = "a9000000000000000000000000000000000000a9";
        List<String> vms = stack.phala.addApp(appId, 2, OLD);
        stack.phala.onCommit(vms.get(1), PhalaStandIn.Script.fails("error", "exit 3"));
        for (String vm : vms) {
            JsonNode response = http("POST", "/cvms/" + vm + "/updates", "{\"app_compose\": {\"docker_compose_file\":"
                    + " \"services: {}\"}, \"wait\": true}", Map.of("idempotency-key", "e2e-wait-" + vm));
            assertThat(response.get("statusCode").intValue()).as(response.toString()).isEqualTo(202);
            assertThat(body(response).get("watch").textValue()).isEqualTo("scheduled");
        }
        List<Published> finals = new ArrayList<>();
        long until = System.nanoTime() + 90_000_000_000L;
        while (finals.size() < 2 && System.nanoTime() < until) {
            Thread.sleep(500);
            synchronized (outcomes) {
                outcomes.addAll(stack.outcomesSoFar());
                finals = outcomes.stream().filter(p -> "watch".equals(p.outcome().path("trigger").asText())).toList();
            }
        }
        assertThat(finals).hasSize(2);
        Thread.sleep(3000);
        synchronized (outcomes) {
            outcomes.addAll(stack.outcomesSoFar());
            finals = outcomes.stream().filter(p -> "watch".equals(p.outcome().path("trigger").asText())).toList();
        }
        assertThat(finals).as("one final outcome per update").hasSize(2);
        Published completed = finals.stream().filter(p -> vms.get(0).equals(p.outcome().path("cvm_id").asText()))
                .findFirst().orElseThrow();
        assertThat(completed.status()).isEqualTo("completed");
        Published failed = finals.stream().filter(p -> vms.get(1).equals(p.outcome().path("cvm_id").asText()))
                .findFirst().orElseThrow();
        assertThat(failed.status()).isEqualTo("failed");
        assertThat(failed.outcome().path("error").asText()).isEqualTo("the CVM did not run the update: boot error: exit 3");
    }

    @Test
    @Order(10)
    void pauseThenAbortFromSlackRollsBackNamingWhoAborted() throws Exception {
        String appId = "aa000000000000000000000000000000000000aa";
        List<String> vms = stack.phala.addApp(appId, 2, OLD);
        JsonNode response = http("POST", "/rollouts", rolloutBody(app(appId), "{\"waves\": [1, \"100%\"],"
                + " \"check_interval_seconds\": 1, \"bake_seconds\": 0, \"approve_after\": [1]}"),
                Map.of("idempotency-key", "e2e-abort-1"));
        String id = body(response).get("rollout_id").textValue();
        await(id, 60, "paused");

        String payload = "{\"type\":\"block_actions\",\"user\":{\"id\":\"U0001\",\"team_id\":\"T0001\"},"
                + "\"team\":{\"id\":\"T0001\"},\"channel\":{\"id\":\"C0001\"},"
                + "\"response_url\":\"http://127.0.0.1:9/actions/T0001/1/2\","
                + "\"actions\":[{\"type\":\"button\",\"action_id\":\"rollout_abort\",\"value\":\"abort:" + id + ":1\"}]}";
        String form = "payload=" + java.net.URLEncoder.encode(payload, java.nio.charset.StandardCharsets.UTF_8);
        String ts = String.valueOf(java.time.Instant.now().getEpochSecond());
        String secret = com.composerelay.local.SampleEvents.sampleSecret("SAMPLE_SLACK_SIGNING_SECRET");
        JsonNode pressed = http("POST", "/slack/interactions", form, Map.of(
                "content-type", "application/x-www-form-urlencoded", "x-slack-request-timestamp", ts,
                "x-slack-signature", com.composerelay.webhook.SlackSignature.sign(secret, ts,
                        form.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        assertThat(pressed.get("statusCode").intValue()).as(pressed.toString()).isEqualTo(200);

        JsonNode end = await(id, 120, "completed", "failed", "rolled_back", "rollback_failed", "cancelled");
        assertThat(end.get("status").textValue()).as(end.toString()).isEqualTo("rolled_back");
        assertThat(end.get("failure").get("reason").textValue())
                .isEqualTo("aborted at the pause after wave 1 by slack:T0001/U0001");
        assertThat(stack.phala.composeHash(vms.get(0))).isEqualTo(OLD);
        assertThat(stack.phala.commits(vms.get(1))).isEmpty();
        assertThat(stack.phala.redeploys(vms.get(1))).isEmpty();
    }

    /**
     * The figures of the issue: a 10-CVM rollout, waves [1, "50%", "100%"], bake 5 s: Phala calls by
     * kind, time, and the state machine's transitions (docs/PERFORMANCE.md records a run).
     */
    @Test
    @Order(11)
    void tenCvmsInWavesOneHalfAllWithTheirFigures() throws Exception {
        String appId = "ab000000000000000000000000000000000000ab";
        List<String> vms = stack.phala.addApp(appId, 10, OLD);
        Map<String, Long> before = stack.phala.callsByKind();
        long began = System.nanoTime();
        JsonNode response = http("POST", "/rollouts", rolloutBody(app(appId), "{\"waves\": [1, \"50%\", \"100%\"],"
                + " \"check_interval_seconds\": 2, \"bake_seconds\": 5}"), Map.of("idempotency-key", "e2e-figures-1"));
        String id = body(response).get("rollout_id").textValue();
        JsonNode end = await(id, 180, "completed", "failed", "rolled_back", "rollback_failed", "cancelled");
        long millis = (System.nanoTime() - began) / 1_000_000;
        assertThat(end.get("status").textValue()).as(end.toString()).isEqualTo("completed");
        assertThat(waveCvms(end).stream().map(List::size).toList()).containsExactly(1, 4, 5);

        Map<String, Long> calls = new java.util.TreeMap<>();
        stack.phala.callsByKind().forEach((kind, n) -> {
            long d = n - before.getOrDefault(kind, 0L);
            if (d > 0) {
                calls.put(kind, d);
            }
        });
        String arn = stack.sfn.listExecutions(b -> b.stateMachineArn(stack.rolloutStateMachineArn)).executions().stream()
                .filter(e -> e.name().equals(id)).findFirst().orElseThrow().executionArn();
        List<software.amazon.awssdk.services.sfn.model.HistoryEvent> history = new ArrayList<>();
        String next = null;
        do {
            String token = next;
            var page = stack.sfn.getExecutionHistory(b -> b.executionArn(arn).maxResults(1000).nextToken(token));
            history.addAll(page.events());
            next = page.nextToken();
        } while (next != null);
        long transitions = history.stream().filter(e -> e.typeAsString().endsWith("StateEntered")).count();
        System.out.println("rollout figures: 10 CVMs, waves [1, 50%, 100%], check every 2 s, bake 5 s: " + millis
                + " ms; state transitions " + transitions + " ($" + String.format("%.5f", transitions * 0.000025)
                + "); Phala calls " + calls);

        // One provision and one PATCH (the lead), a redeploy per other CVM, the revisions read once per
        // snapshot and once per commit that redeploys; a status batch per check, whatever the wave's size.
        assertThat(calls).containsEntry("POST /api/v1/cvms/{id}/compose_file/provision", 1L)
                .containsEntry("PATCH /api/v1/cvms/{id}/compose_file", 1L)
                .containsEntry("POST /api/v1/cvms/{id}/revisions/{id}/redeploy", 9L)
                .containsEntry("GET /api/v1/apps/{id}/revisions", 5L);
        assertThat(calls.get("POST /api/v1/status/batch")).isBetween(6L, 30L);
        for (String vm : vms) {
            assertThat(stack.phala.composeHash(vm)).isEqualTo(end.get("compose_hash").textValue());
        }
    }
}
