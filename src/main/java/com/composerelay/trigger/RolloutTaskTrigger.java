package com.composerelay.trigger;

import com.composerelay.codec.RolloutStateJson;
import com.composerelay.core.InvalidRequest;
import com.composerelay.core.Invocation;
import com.composerelay.core.Rollout;
import com.composerelay.core.RolloutEngine;
import com.composerelay.core.RolloutTask;
import com.composerelay.core.RolloutTasks;
import com.composerelay.core.Rollouts;
import com.composerelay.core.StoreKeys;
import com.composerelay.core.StoreUnavailable;
import com.composerelay.json.Json;
import com.composerelay.log.Log;
import com.fasterxml.jackson.jr.stree.JrsObject;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The rollout state machine's tasks, from the task queue only (its policy lets only the machine's
 * role send): each task done, then answered with {@code SendTaskSuccess} or {@code SendTaskFailure};
 * a task token is never logged. Tasks that may pass (the table, a step in progress elsewhere) go
 * back in {@code batchItemFailures} and come again.
 */
public final class RolloutTaskTrigger {
    private final Supplier<RolloutTasks> tasks;
    private final RolloutEngine engine;
    private final String taskQueueArn;

    public RolloutTaskTrigger(Supplier<RolloutTasks> tasks, RolloutEngine engine, String taskQueueArn) {
        this.tasks = tasks;
        this.engine = engine;
        this.taskQueueArn = taskQueueArn;
    }

    /** Whether an SQS event's records come from the task queue. */
    boolean accepts(JrsValue event) {
        JrsValue first = event.path("Records").path(0);
        return taskQueueArn != null && taskQueueArn.equals(Json.asText(first.path("eventSourceARN"), null));
    }

    public JrsObject handle(JrsValue event, Invocation invocation) {
        java.util.List<Object> failures = new java.util.ArrayList<>();
        java.util.List<JrsValue> records = new java.util.ArrayList<>();
        Json.elements(event.path("Records")).forEach(records::add);
        for (int i = 0; i < records.size(); i++) {
            SqsMessage message = SqsMessage.read(records.get(i), invocation.requestId() + "#" + i);
            boolean done;
            if (!taskQueueArn.equals(message.eventSourceArn())) {
                Log.warn("message of another queue in a task batch, dropped", "request_id", message.messageId());
                done = true;
            } else {
                try {
                    done = task(message, invocation);
                } catch (RuntimeException e) {
                    Log.warn("rollout task not done: " + e.getClass().getName(), "request_id", message.messageId());
                    done = false;
                }
            }
            if (!done && message.messageId() != null) {
                failures.add(Map.of("itemIdentifier", message.messageId()));
            }
        }
        return Json.object(Map.of("batchItemFailures", failures));
    }

    // ---- the task queue

    /** One task of the state machine; true when answered (or not to be answered again), false to have it again. */
    private boolean task(SqsMessage message, Invocation invocation) {
        RolloutTask task;
        try {
            JrsValue body = Json.parse(message.body() == null ? "" : message.body());
            task = RolloutStateJson.task(body);
        } catch (Json.Malformed | InvalidRequest e) {
            // Only the state machine writes here: a message it did not write is dropped, not retried.
            Log.warn("rollout task not readable, dropped: " + e.getMessage(), "request_id", message.messageId());
            return true;
        }
        RolloutTask.Answer answer;
        try {
            answer = tasks.get().run(task, invocation);
        } catch (RolloutTask.Retry e) {
            Log.info("rollout task " + task.kind() + " deferred: " + e.getMessage(), "rollout_id", task.rolloutId(),
                    "wave", task.wave());
            return false;
        }
        try {
            boolean waiting = switch (answer) {
                case RolloutTask.Answer.Success s -> engine.succeed(task.token(), s.output());
                case RolloutTask.Answer.Failure f -> engine.fail(task.token(), f.error(), f.cause());
                case RolloutTask.Answer.Later later -> true;
            };
            Log.info("rollout task " + task.kind() + " " + switch (answer) {
                case RolloutTask.Answer.Success s -> "succeeded";
                case RolloutTask.Answer.Failure f -> "failed (" + f.error() + ")";
                case RolloutTask.Answer.Later later -> "waits";
            } + (waiting ? "" : "; its token waits no more (answered before or timed out)"),
                    "rollout_id", task.rolloutId(), "wave", task.wave());
            return true;
        } catch (RolloutEngine.Unavailable e) {
            Log.warn("rollout task " + task.kind() + " done, its answer not delivered: " + e.getMessage(),
                    "rollout_id", task.rolloutId());
            return false;
        }
    }

}
