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
 * The rollout routes (IAM): {@code POST /rollouts} starts one, {@code GET /rollouts/{id}} reads it,
 * {@code POST /rollouts/{id}/cancel} cancels it (rolled back unless the body is
 * {@code {"rollback": false}}), {@code POST /rollouts/{id}/resume} approves a pause.
 */
public final class RolloutApiTrigger {
    static final Pattern ROLLOUT_ID = Pattern.compile("ro_[0-9a-f]{24}");
    private static final int MAX_ACTION_BODY = 1024;

    private final RolloutStarts starts;

    public RolloutApiTrigger(RolloutStarts starts) {
        this.starts = starts;
    }

    // ---- HTTP

    JrsObject http(HttpRequestEvent request, HttpRoutes.Decision.Found route, Invocation invocation) {
        String actor = IamRequest.callerArn(request);
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
                yield answer(starts.rollouts().cancel(id, rollback, actor), 202);
            }
            case ROLLOUT_RESUME -> answer(starts.rollouts().decide(id, true, actor), 202);
            default -> HttpRequestEvent.error(404, "no such route");
        };
    }

    private JrsObject start(HttpRequestEvent request, String actor, Invocation invocation) {
        try {
            String text = new String(request.rawBody(), StandardCharsets.UTF_8);
            JrsValue body = parse(text);
            String headerKey = IamRequest.idempotencyKey(request.event());
            String key = headerKey != null ? StoreKeys.REQUEST_HEADER.of(headerKey)
                    : "content:" + com.composerelay.core.Fingerprint.sha256Hex(text.getBytes(StandardCharsets.UTF_8));
            return answer(starts.start(body, key, com.composerelay.core.Trigger.API, actor, null, invocation), 202);
        } catch (InvalidRequest e) {
            return HttpRequestEvent.error(400, e.getMessage());
        }
    }

    private JrsObject view(String id) {
        try {
            Optional<Rollout> found = starts.rollouts().find(id);
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

    /** A text quoted for a message (bounded). */
    private static final class Quote {
        static String of(String text) {
            return com.composerelay.codec.Quoted.clip(text, 80);
        }
    }
}
