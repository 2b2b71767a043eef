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
 * Starting a rollout, for the routes that take one (the IAM route and the request queue): the
 * request read (the codec's reader and planner, given by the wiring) and handed to the core.
 */
public final class RolloutStarts {
    /** Reads a rollout request and makes its start (key, fingerprint, targets, planner). */
    @FunctionalInterface
    public interface StartReader {
        Rollouts.Start read(JrsValue body, String key, com.composerelay.core.Trigger trigger, String actor)
                throws InvalidRequest;
    }

    private final Supplier<Rollouts> rollouts;
    private final StartReader reader;

    public RolloutStarts(Supplier<Rollouts> rollouts, StartReader reader) {
        this.rollouts = rollouts;
        this.reader = reader;
    }

    Rollouts rollouts() {
        return rollouts.get();
    }

    /** Reads {@code body} and starts its rollout (once per {@code key}); replies go to {@code replyUrl}, if any. */
    Rollouts.Answer start(JrsValue body, String key, com.composerelay.core.Trigger trigger, String actor,
                          String replyUrl, Invocation invocation) throws InvalidRequest {
        Rollouts.Start start = reader.read(body, key, trigger, actor);
        if (replyUrl != null) {
            start = start.withReplyUrl(replyUrl);
        }
        return rollouts.get().start(start, invocation);
    }

    // ---- the request queue

    /** A rollout asked for on the request queue; true when decided (false: deliver it again). */
    boolean fromQueue(SqsMessage message, JrsValue body, Invocation invocation) {
        String key = message.idempotencyKey();
        Rollouts.Answer answer;
        try {
            answer = start(body, key, message.trigger(), message.actor(), message.replyUrl(), invocation);
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

}
