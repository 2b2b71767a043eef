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
 * Rollouts at the relay's edges: the IAM routes ({@code POST /rollouts}, {@code GET
 * /rollouts/{id}}, its cancel and resume), a rollout on the request queue, and the state machine's
 * tasks on the task queue (each done, then answered with {@code SendTaskSuccess} or
 * {@code SendTaskFailure}; a task token is never logged).
 */
public final class RolloutTrigger {
    static final Pattern ROLLOUT_ID = Pattern.compile("ro_[0-9a-f]{24}");
    private static final int MAX_ACTION_BODY = 1024;

    /** Reads a rollout request and makes its start (key, fingerprint, targets, planner). */
    @FunctionalInterface
    public interface StartReader {
        Rollouts.Start read(JrsValue body, String text, String key, com.composerelay.core.Trigger trigger, String actor)
                throws InvalidRequest;
    }

    private final Supplier<Rollouts> rollouts;
    private final Supplier<RolloutTasks> tasks;
    private final RolloutEngine engine;
    private final StartReader reader;

    public RolloutTrigger(Supplier<Rollouts> rollouts, Supplier<RolloutTasks> tasks, RolloutEngine engine,
                          StartReader reader) {
        this.rollouts = rollouts;
        this.tasks = tasks;
        this.engine = engine;
        this.reader = reader;
    }

    // ---- HTTP

    JrsObject http(HttpRequestEvent request, HttpRoutes.Decision.Found route, Invocation invocation) {
        String actor = ApiGatewayTrigger.callerArn(request);
        if (route.route() == HttpRoutes.Route.ROLLOUTS) {
            return start(request, actor, invocation);
        }
        String id = route.cvmId();
        if (id == null || !ROLLOUT_ID.matcher(id).matches()) {
            return HttpRequestEvent.error(404, "no rollout " + (id == null ? "" : Quote.of(id))
                    + ": a rollout id is ro_ and 24 hexadecimal digits");
        }
        return switch (route.route()) {
            case ROLLOUT -> view(id);
            case ROLLOUT_CANCEL -> {
                Boolean rollback;
                try {
                    rollback = cancelBody(request);
                } catch (InvalidRequest e) {
                    yield HttpRequestEvent.error(400, e.getMessage());
                }
                yield answer(rollouts.get().cancel(id, rollback, actor), 202);
            }
            case ROLLOUT_RESUME -> answer(rollouts.get().decide(id, true, actor), 202);
            default -> HttpRequestEvent.error(404, "no such route");
        };
    }

    private JrsObject start(HttpRequestEvent request, String actor, Invocation invocation) {
        try {
            String text = new String(request.rawBody(), StandardCharsets.UTF_8);
            JrsValue body = parse(text);
            String headerKey = ApiGatewayTrigger.idempotencyKey(request.event());
            String key = headerKey != null ? StoreKeys.REQUEST_HEADER.of(headerKey)
                    : "content:" + com.composerelay.core.Fingerprint.sha256Hex(text.getBytes(StandardCharsets.UTF_8));
            Rollouts.Start start = reader.read(body, text, key, com.composerelay.core.Trigger.API, actor);
            return answer(rollouts.get().start(start, invocation), 202);
        } catch (InvalidRequest e) {
            return HttpRequestEvent.error(400, e.getMessage());
        }
    }

    private JrsObject view(String id) {
        try {
            Optional<Rollout> found = rollouts.get().find(id);
            return found.map(r -> HttpRequestEvent.response(200, RolloutStateJson.view(r), Map.of()))
                    .orElseGet(() -> HttpRequestEvent.error(404, "no rollout " + id));
        } catch (StoreUnavailable e) {
            return HttpRequestEvent.error(503, "the rollout could not be read: " + e.getMessage(),
                    Map.of("Retry-After", "1"));
        }
    }

    /** {@code {"rollback": false}} keeps what changed; an empty body or {@code true} rolls it back. */
    private static boolean cancelBody(HttpRequestEvent request) throws InvalidRequest {
        byte[] raw = request.rawBody();
        if (raw.length > MAX_ACTION_BODY) {
            throw new InvalidRequest("body", "must be at most " + MAX_ACTION_BODY + " bytes");
        }
        String text = new String(raw, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            return true;
        }
        JrsValue body = parse(text);
        if (!body.isObject()) {
            throw new InvalidRequest("body", "must be a JSON object such as {\"rollback\": false}");
        }
        for (var field : Json.fields(body)) {
            if (!field.getKey().equals("rollback")) {
                throw new InvalidRequest(Quote.of(field.getKey()), "is not a field of a cancel; the only one is rollback");
            }
        }
        JrsValue rollback = body.path("rollback");
        if (rollback.isMissingNode()) {
            return true;
        }
        if (!Json.isBoolean(rollback)) {
            throw new InvalidRequest("rollback", "must be true or false");
        }
        return Json.isTrue(rollback);
    }

    private static JrsObject answer(Rollouts.Answer answer, int createdStatus) {
        return switch (answer) {
            case Rollouts.Answer.Done done -> HttpRequestEvent.response(done.created() ? createdStatus : 200,
                    RolloutStateJson.view(done.rollout()), Map.of());
            case Rollouts.Answer.Refused refused -> HttpRequestEvent.error(refused.status(), refused.message(),
                    refused.status() == 503 ? Map.of("Retry-After", "1") : Map.of());
        };
    }

    private static JrsValue parse(String text) throws InvalidRequest {
        if (text.isBlank()) {
            throw new InvalidRequest("body", "is required: a JSON object with targets and app_compose");
        }
        try {
            return Json.parse(text);
        } catch (Json.Malformed e) {
            throw new InvalidRequest("body", e.getMessage());
        }
    }

    // ---- the request queue

    /** A rollout asked for on the request queue; true when decided (false: deliver it again). */
    boolean fromQueue(SqsMessage message, JrsValue body, Invocation invocation) {
        String text = message.body();
        String key = message.idempotencyKey();
        Rollouts.Answer answer;
        try {
            answer = rollouts.get().start(reader.read(body, text, key, message.trigger(), message.actor()), invocation);
        } catch (InvalidRequest e) {
            Log.warn("rollout refused: " + e.getMessage(), "request_id", message.messageId());
            return true;
        }
        return switch (answer) {
            case Rollouts.Answer.Done done -> {
                Log.info("rollout " + (done.created() ? "started" : "already started"), "request_id",
                        message.messageId(), "rollout_id", done.rollout().rolloutId());
                yield true;
            }
            case Rollouts.Answer.Refused refused -> {
                Log.warn("rollout refused (" + refused.status() + "): " + refused.message(), "request_id",
                        message.messageId());
                yield refused.status() != 503;
            }
        };
    }

    // ---- the task queue

    /** One task of the state machine; true when answered (or not to be answered again), false to have it again. */
    boolean task(SqsMessage message, Invocation invocation) {
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

    /** A text quoted for a message (bounded). */
    private static final class Quote {
        static String of(String text) {
            return com.composerelay.codec.Quoted.clip(text, 80);
        }
    }
}
