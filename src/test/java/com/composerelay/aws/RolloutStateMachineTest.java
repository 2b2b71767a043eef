package com.composerelay.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.support.LocalAws;
import com.composerelay.support.Tags;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.StateMachineType;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The rollout engine's state machine ({@code statemachine/rollout.asl.json}) under LocalStack's Step
 * Functions, without the relay: a scripted worker takes each task message from the task queue, records
 * it and answers it with SendTaskSuccess or SendTaskFailure as the scenario says, so every test pins
 * the exact sequence of relay tasks of one path through the machine (and, for the plain paths, the
 * state transitions it costs).
 */
@Tag(Tags.LOCALSTACK)
class RolloutStateMachineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DEFINITION = Path.of("statemachine/rollout.asl.json");
    private static final Duration EXECUTION_LIMIT = Duration.ofSeconds(90);

    private static LocalAws aws;
    private static SfnClient sfn;
    private static CloudWatchClient cloudWatch;
    private static String queueUrl;
    private static String machineArn;
    private static Worker worker;

    @BeforeAll
    static void createQueueAndMachine() throws Exception {
        aws = new LocalAws();
        var http = UrlConnectionHttpClient.create();
        sfn = SfnClient.builder().httpClient(http).region(Region.of(LocalAws.REGION))
                .credentialsProvider(LocalAws.CREDENTIALS).endpointOverride(aws.endpoint).build();
        cloudWatch = CloudWatchClient.builder().httpClient(http).region(Region.of(LocalAws.REGION))
                .credentialsProvider(LocalAws.CREDENTIALS).endpointOverride(aws.endpoint).build();
        queueUrl = aws.queue("rollout-tasks", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "180"));
        String template = Files.readString(DEFINITION);
        assertThat(template).contains("\"QueueUrl\": \"${TaskQueueUrl}\"");
        // What DefinitionSubstitutions does in template.yaml.
        String definition = template.replace("${TaskQueueUrl}", queueUrl);
        machineArn = sfn.createStateMachine(b -> b.name(aws.prefix + "-rollout").type(StateMachineType.STANDARD)
                .definition(definition).roleArn("arn:aws:iam::000000000000:role/" + aws.prefix + "-rollout"))
                .stateMachineArn();
        worker = new Worker();
        worker.start();
    }

    @AfterAll
    static void stopWorker() throws InterruptedException {
        if (worker != null) {
            worker.stop();
        }
    }

    // --- scenarios ------------------------------------------------------------------------------

    @Test
    void threeWavesCompleteCheckingAlarmsAfterEachWaveAndItsBake() throws Exception {
        String alarm = alarm("quiet"); // exists, never in ALARM
        Run run = run(strategy(true, List.of(alarm), "rollback"), waves(false, false, false),
                (task, seen) -> task.is("check", 2, "wave") && seen.count(task) == 0 ? healthy(false) : null);

        assertThat(run.tasks()).containsExactlyElementsOf(flat(
                List.of("prepare"),
                wave(1),
                List.of("snapshot 2", "commit 2", "check 2 wave", "check 2 wave", "check 2 bake", "wave_done 2"),
                wave(3),
                List.of("finish completed")));
        assertThat(run.finish().has("failure")).isFalse();
        assertThat(run.describeAlarmsCalls()).isEqualTo(6); // after each wave is healthy and after each bake
        // 42 for three waves healthy at their first check, plus Wait, check and Choice for the second check.
        assertThat(run.transitions()).isEqualTo(42 + 3);
    }

    @Test
    void withoutAlarmsNoDescribeAlarmsIsCalled() throws Exception {
        Run run = run(strategy(false, List.of(), "rollback"), waves(false, false, false), (task, seen) -> null);

        assertThat(run.tasks()).containsExactlyElementsOf(flat(
                List.of("prepare"), wave(1), wave(2), wave(3), List.of("finish completed")));
        assertThat(run.describeAlarmsCalls()).isZero();
        assertThat(run.transitions()).isEqualTo(30);
    }

    @Test
    void aCheckFailureInWaveTwoRollsBack() throws Exception {
        String cause = "{\"cvm_id\":\"cvm-3\",\"reason\":\"boot_error\"}";
        Run run = run(strategy(false, List.of(), "rollback"), waves(false, false, false), (task, seen) -> {
            if (task.is("check", 2, "wave")) {
                return failure("RolloutFailed", cause);
            }
            if (task.kind().equals("rollback_check") && seen.count(task) == 0) {
                return healthy(false);
            }
            return null;
        });

        assertThat(run.tasks()).containsExactlyElementsOf(flat(
                List.of("prepare"), wave(1),
                List.of("snapshot 2", "commit 2", "check 2 wave",
                        "rollback", "rollback_check", "rollback_check", "finish rolled_back")));
        assertThat(run.finish().get("failure")).isEqualTo(errorObject("RolloutFailed", cause));
    }

    @Test
    void onFailureStopEndsFailedWithoutRollback() throws Exception {
        String cause = "{\"cvm_id\":\"cvm-3\",\"reason\":\"not healthy within 600 s\"}";
        Run run = run(strategy(false, List.of(), "stop"), waves(false, false, false),
                (task, seen) -> task.is("check", 2, "wave") ? failure("RolloutFailed", cause) : null);

        assertThat(run.tasks()).containsExactlyElementsOf(flat(
                List.of("prepare"), wave(1), List.of("snapshot 2", "commit 2", "check 2 wave", "finish failed")));
        assertThat(run.finish().get("failure")).isEqualTo(errorObject("RolloutFailed", cause));
    }

    @Test
    void anAlarmInAlarmAfterWaveOneRollsBackNamingIt() throws Exception {
        String metricAlarm = alarm("5xx");
        String compositeAlarm = aws.prefix + "-" + "shop-health";
        cloudWatch.putCompositeAlarm(b -> b.alarmName(compositeAlarm).alarmRule("ALARM(\"" + metricAlarm + "\")"));
        String quietAlarm = alarm("latency");
        Run run = run(strategy(true, List.of(metricAlarm, compositeAlarm, quietAlarm), "rollback"),
                waves(false, false, false), (task, seen) -> {
                    if (task.is("wave_done", 1, null)) {
                        for (String name : List.of(metricAlarm, compositeAlarm)) {
                            cloudWatch.setAlarmState(b -> b.alarmName(name).stateValue(StateValue.ALARM)
                                    .stateReason("RolloutStateMachineTest"));
                        }
                    }
                    return null;
                });

        assertThat(run.tasks()).containsExactlyElementsOf(flat(
                List.of("prepare"), wave(1),
                List.of("snapshot 2", "commit 2", "check 2 wave", "rollback", "rollback_check", "finish rolled_back")));
        JsonNode failure = run.finish().get("failure");
        assertThat(failure.get("Error").asText()).isEqualTo("AlarmFired");
        // The Cause is the JSON array of the names in ALARM (metric and composite alarms), the quiet one left out.
        JsonNode names = JSON.readTree(failure.get("Cause").asText());
        assertThat(names.isArray()).isTrue();
        assertThat(names.valueStream().map(JsonNode::asText).collect(Collectors.toSet()))
                .isEqualTo(Set.of(metricAlarm, compositeAlarm));
    }

    @Test
    void approveAfterWaveOnePausesUntilApproved() throws Exception {
        Run run = run(strategy(false, List.of(), "rollback"), waves(true, false, false),
                (task, seen) -> task.kind().equals("pause") ? Answer.HOLD : null,
                held -> {
                    // Paused: the execution runs and no task comes until the relay answers.
                    int before = held.tasksSoFar();
                    sleep(1500);
                    assertThat(held.status()).isEqualTo(ExecutionStatus.RUNNING);
                    assertThat(held.tasksSoFar()).isEqualTo(before);
                    sfn.sendTaskSuccess(b -> b.taskToken(held.token()).output("{\"approved\":true}"));
                });

        assertThat(run.tasks()).containsExactlyElementsOf(flat(
                List.of("prepare"), wave(1), List.of("pause 1"), wave(2), wave(3), List.of("finish completed")));
        assertThat(run.transitions()).isEqualTo(30 + 1);
    }

    @Test
    void anAbortedPauseRollsBack() throws Exception {
        Run run = run(strategy(false, List.of(), "rollback"), waves(true, false, false),
                (task, seen) -> task.kind().equals("pause") ? failure("RolloutAborted", "aborted by U123") : null);

        assertThat(run.tasks()).containsExactlyElementsOf(flat(
                List.of("prepare"), wave(1), List.of("pause 1", "rollback", "rollback_check", "finish rolled_back")));
        assertThat(run.finish().get("failure")).isEqualTo(errorObject("RolloutAborted", "aborted by U123"));
    }

    @Test
    void anUnansweredPauseTimesOutAndRollsBack() throws Exception {
        ObjectNode strategy = strategy(false, List.of(), "rollback");
        strategy.put("approval_timeout_seconds", 1);
        Run run = run(strategy, waves(true, false, false),
                (task, seen) -> task.kind().equals("pause") ? Answer.IGNORE : null);

        assertThat(run.tasks()).containsExactlyElementsOf(flat(
                List.of("prepare"), wave(1), List.of("pause 1", "rollback", "rollback_check", "finish rolled_back")));
        // On AWS the Map fails with the iteration's States.Timeout. LocalStack 4.14 re-raises an iteration's error
        // as a custom error name, which may not start with "States.", so it reports States.Runtime naming it
        // (iteration_worker.py); either way the Catch on the Map takes it and the rollout rolls back.
        JsonNode failure = run.finish().get("failure");
        if (failure.get("Error").asText().equals("States.Runtime")) {
            assertThat(failure.get("Cause").asText()).contains("'States.Timeout'");
        } else {
            assertThat(failure.get("Error").asText()).isEqualTo("States.Timeout");
        }
    }

    @Test
    void cancelKeepingWhatChangedEndsCancelledWithoutRollback() throws Exception {
        Run run = run(strategy(false, List.of(), "rollback"), waves(false, false, false),
                (task, seen) -> task.is("check", 2, "wave") ? failure("RolloutCancelledKeep", "cancelled by alice") : null);

        assertThat(run.tasks()).containsExactlyElementsOf(flat(
                List.of("prepare"), wave(1), List.of("snapshot 2", "commit 2", "check 2 wave", "finish cancelled")));
        assertThat(run.finish().get("failure")).isEqualTo(errorObject("RolloutCancelledKeep", "cancelled by alice"));
    }

    @Test
    void aCvmThatDoesNotComeBackEndsRollbackFailed() throws Exception {
        String cause = "{\"cvm_id\":\"cvm-1\",\"reason\":\"boot_error\"}";
        String rollbackCause = "{\"cvm_id\":\"cvm-1\",\"reason\":\"not healthy on its old compose within 600 s\"}";
        Run run = run(strategy(false, List.of(), "rollback"), waves(false, false, false), (task, seen) -> {
            if (task.is("check", 1, "wave")) {
                return failure("RolloutFailed", cause);
            }
            return task.kind().equals("rollback_check") ? failure("RollbackFailed", rollbackCause) : null;
        });

        assertThat(run.tasks()).containsExactly(
                "prepare", "snapshot 1", "commit 1", "check 1 wave", "rollback", "rollback_check", "finish rollback_failed");
        assertThat(run.finish().get("failure")).isEqualTo(errorObject("RolloutFailed", cause));
        assertThat(run.finish().get("rollback_failure")).isEqualTo(errorObject("RollbackFailed", rollbackCause));
    }

    @Test
    void aFailedPrepareEndsFailedWithNothingToRollBack() throws Exception {
        Run run = run(strategy(false, List.of(), "rollback"), waves(false, false, false),
                (task, seen) -> task.kind().equals("prepare") ? failure("RolloutFailed", "{\"reason\":\"env secret missing\"}") : null);

        assertThat(run.tasks()).containsExactly("prepare", "finish failed");
        assertThat(run.finish().get("failure").get("Error").asText()).isEqualTo("RolloutFailed");
    }

    @Test
    void theTaskMessagesCarryExactlyTheContractsFields() throws Exception {
        Run run = run(strategy(false, List.of(), "rollback"), waves(false), (task, seen) -> null);

        for (JsonNode body : run.bodies()) {
            String kind = body.get("relay_task").asText();
            Set<String> fields = new java.util.TreeSet<>();
            body.fieldNames().forEachRemaining(fields::add);
            Set<String> expected = new java.util.TreeSet<>(Set.of("relay_task", "rollout_id", "task_token"));
            if (Set.of("snapshot", "commit", "check", "wave_done", "pause").contains(kind)) {
                expected.add("wave");
                assertThat(body.get("wave").isInt()).isTrue();
            }
            if (kind.equals("check")) {
                expected.add("phase");
            }
            if (kind.equals("finish")) {
                expected.add("result");
            }
            assertThat(fields).as(kind).isEqualTo(expected);
            assertThat(body.get("rollout_id").asText()).isEqualTo(run.rolloutId());
            assertThat(body.get("task_token").asText()).isNotBlank();
        }
    }

    // --- the run of one scenario ------------------------------------------------------------------

    /** What the worker does with one task: answer success or failure, hold it for the test, or drop it. */
    record Answer(String output, String error, String cause) {
        static final Answer HOLD = new Answer(null, null, null);
        static final Answer IGNORE = new Answer(null, null, null);
    }

    private static Answer success(String output) {
        return new Answer(output, null, null);
    }

    private static Answer healthy(boolean healthy) {
        return success("{\"healthy\":" + healthy + "}");
    }

    private static Answer failure(String error, String cause) {
        return new Answer(null, error, cause);
    }

    /** The default answers of the relay on the happy path. */
    private static Answer usual(Task task) {
        return switch (task.kind()) {
            case "check", "rollback_check" -> healthy(true);
            case "pause" -> success("{\"approved\":true}");
            default -> success("{}");
        };
    }

    /** One task message as the relay sees it. */
    record Task(String kind, Integer wave, String phase, String result, JsonNode body) {
        static Task of(JsonNode body) {
            return new Task(body.get("relay_task").asText(),
                    body.has("wave") ? body.get("wave").asInt() : null,
                    body.has("phase") ? body.get("phase").asText() : null,
                    body.has("result") ? body.get("result").asText() : null,
                    body);
        }

        boolean is(String kind, Integer wave, String phase) {
            return this.kind.equals(kind) && java.util.Objects.equals(this.wave, wave)
                    && java.util.Objects.equals(this.phase, phase);
        }

        @Override
        public String toString() {
            return Stream.of(kind, wave == null ? null : wave.toString(), phase, result)
                    .filter(java.util.Objects::nonNull).collect(Collectors.joining(" "));
        }
    }

    /** The tasks a scenario has seen so far. */
    record Seen(List<Task> tasks) {
        int count(Task like) {
            return (int) tasks.stream().filter(t -> t.toString().equals(like.toString())).count();
        }
    }

    /** A held task (Answer.HOLD): what the test may look at before answering it. */
    record Held(String token, String executionArn, List<Task> tasks) {
        int tasksSoFar() {
            return tasks.size();
        }

        ExecutionStatus status() {
            return sfn.describeExecution(b -> b.executionArn(executionArn)).status();
        }
    }

    interface WhileHeld {
        void act(Held held) throws Exception;
    }

    /** One scenario's execution, its tasks in order and its history. */
    record Run(String rolloutId, List<Task> recorded, List<HistoryEvent> history) {
        List<String> tasks() {
            return recorded.stream().map(Task::toString).toList();
        }

        List<JsonNode> bodies() {
            return recorded.stream().map(Task::body).toList();
        }

        JsonNode finish() {
            List<Task> finishes = recorded.stream().filter(t -> t.kind().equals("finish")).toList();
            assertThat(finishes).hasSize(1);
            return finishes.getFirst().body();
        }

        /** Step Functions bills a state transition per state entered. */
        long transitions() {
            return history.stream().filter(e -> e.typeAsString().endsWith("StateEntered")).count();
        }

        long describeAlarmsCalls() {
            return history.stream().filter(e -> e.taskScheduledEventDetails() != null)
                    .filter(e -> e.taskScheduledEventDetails().resourceType().equals("aws-sdk:cloudwatch")
                            && e.taskScheduledEventDetails().resource().equals("describeAlarms"))
                    .count();
        }
    }

    private static Run run(ObjectNode strategy, ArrayNode waves, BiFunction<Task, Seen, Answer> script) throws Exception {
        return run(strategy, waves, script, held -> {
            throw new AssertionError("the scenario held a task but says nothing to do with it");
        });
    }

    private static Run run(ObjectNode strategy, ArrayNode waves, BiFunction<Task, Seen, Answer> script, WhileHeld whileHeld)
            throws Exception {
        String rolloutId = "ro_" + aws.prefix.substring("cr-test-".length()) + Long.toHexString(System.nanoTime());
        ObjectNode input = JSON.createObjectNode();
        input.put("rollout_id", rolloutId);
        input.set("strategy", strategy);
        input.set("waves", waves);
        Scenario scenario = new Scenario(script);
        worker.scenarios.put(rolloutId, scenario);
        String executionArn = sfn.startExecution(b -> b.stateMachineArn(machineArn).name(rolloutId)
                .input(input.toString())).executionArn();
        long until = System.nanoTime() + EXECUTION_LIMIT.toNanos();
        while (true) {
            String token = scenario.held.poll(200, TimeUnit.MILLISECONDS);
            if (token != null) {
                whileHeld.act(new Held(token, executionArn, scenario.tasks));
            }
            var execution = sfn.describeExecution(b -> b.executionArn(executionArn));
            if (execution.status() != ExecutionStatus.RUNNING) {
                assertThat(scenario.errors).as("worker errors").isEmpty();
                assertThat(execution.status()).as("execution %s (%s: %s)", rolloutId, execution.error(), execution.cause())
                        .isEqualTo(ExecutionStatus.SUCCEEDED);
                break;
            }
            if (System.nanoTime() > until) {
                throw new AssertionError("execution " + rolloutId + " still running after " + EXECUTION_LIMIT
                        + "; tasks so far " + scenario.tasks);
            }
        }
        worker.scenarios.remove(rolloutId);
        return new Run(rolloutId, List.copyOf(scenario.tasks), history(executionArn));
    }

    private static List<HistoryEvent> history(String executionArn) {
        List<HistoryEvent> events = new ArrayList<>();
        String next = null;
        do {
            String token = next;
            var page = sfn.getExecutionHistory(b -> b.executionArn(executionArn).maxResults(1000).nextToken(token));
            events.addAll(page.events());
            next = page.nextToken();
        } while (next != null);
        return events;
    }

    private static final class Scenario {
        final BiFunction<Task, Seen, Answer> script;
        final List<Task> tasks = new CopyOnWriteArrayList<>();
        final List<String> errors = new CopyOnWriteArrayList<>();
        final LinkedBlockingQueue<String> held = new LinkedBlockingQueue<>();

        Scenario(BiFunction<Task, Seen, Answer> script) {
            this.script = script;
        }
    }

    /** The relay's part, scripted: takes task messages and answers them per their rollout's scenario. */
    private static final class Worker {
        final Map<String, Scenario> scenarios = new ConcurrentHashMap<>();
        private volatile boolean running = true;
        private final Thread thread = new Thread(this::loop, "rollout-task-worker");

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(5000);
        }

        private void loop() {
            while (running) {
                List<Message> messages;
                try {
                    messages = aws.sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
                            .messages();
                } catch (RuntimeException e) {
                    if (running) {
                        sleep(200);
                    }
                    continue;
                }
                for (Message message : messages) {
                    aws.sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
                    handle(message.body());
                }
            }
        }

        private void handle(String text) {
            JsonNode body;
            try {
                body = JSON.readTree(text);
            } catch (Exception e) {
                scenarios.values().forEach(s -> s.errors.add("not JSON: " + text));
                return;
            }
            Scenario scenario = scenarios.get(body.path("rollout_id").asText());
            if (scenario == null) {
                return; // a task of an execution no test waits for any more
            }
            try {
                Task task = Task.of(body);
                Answer answer = scenario.script.apply(task, new Seen(List.copyOf(scenario.tasks)));
                scenario.tasks.add(task);
                if (answer == null) {
                    answer = usual(task);
                }
                String token = body.get("task_token").asText();
                if (answer == Answer.HOLD) {
                    scenario.held.add(token);
                } else if (answer.error() != null) {
                    Answer a = answer;
                    sfn.sendTaskFailure(b -> b.taskToken(token).error(a.error()).cause(a.cause()));
                } else if (answer != Answer.IGNORE) {
                    Answer a = answer;
                    sfn.sendTaskSuccess(b -> b.taskToken(token).output(a.output()));
                }
            } catch (RuntimeException e) {
                scenario.errors.add(e.toString());
            }
        }
    }

    // --- inputs and expectations --------------------------------------------------------------------

    private static ObjectNode strategy(boolean hasAlarms, List<String> alarms, String onFailure) {
        ObjectNode strategy = JSON.createObjectNode();
        strategy.put("check_interval_seconds", 1);
        strategy.put("bake_seconds", 0);
        strategy.put("has_alarms", hasAlarms);
        ArrayNode names = strategy.putArray("alarms");
        alarms.forEach(names::add);
        strategy.put("on_failure", onFailure);
        strategy.put("approval_timeout_seconds", 86400);
        return strategy;
    }

    private static ArrayNode waves(boolean... approveAfter) {
        ArrayNode waves = JSON.createArrayNode();
        IntStream.range(0, approveAfter.length).forEach(i ->
                waves.addObject().put("number", i + 1).put("approve_after", approveAfter[i]));
        return waves;
    }

    /** A metric alarm of this run, created in its initial state (INSUFFICIENT_DATA). */
    private static String alarm(String name) {
        String alarmName = aws.prefix + "-" + name;
        // A period of an hour: LocalStack's evaluation never resets the state a test set.
        cloudWatch.putMetricAlarm(b -> b.alarmName(alarmName).namespace("RolloutStateMachineTest").metricName(name)
                .statistic(Statistic.SUM).period(3600).evaluationPeriods(1).threshold(0.0)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD));
        return alarmName;
    }

    /** The tasks of one wave that is healthy at its first check, with no pause. */
    private static List<String> wave(int n) {
        return List.of("snapshot " + n, "commit " + n, "check " + n + " wave", "check " + n + " bake", "wave_done " + n);
    }

    @SafeVarargs
    private static List<String> flat(List<String>... parts) {
        return Stream.of(parts).flatMap(List::stream).toList();
    }

    private static JsonNode errorObject(String error, String cause) {
        return JSON.createObjectNode().put("Error", error).put("Cause", cause);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
