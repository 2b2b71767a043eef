package com.composerelay.codec;

import com.composerelay.core.InvalidRequest;
import com.composerelay.core.Trigger;
import com.composerelay.core.WatchCheck;
import com.composerelay.json.Json;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** A watch check as a queue message: {@code {"watch": {...}}}, written and read only by the relay. */
public final class WatchCheckJson {
    public static final String WATCH = "watch";

    private WatchCheckJson() {}

    public static String write(WatchCheck check) {
        Map<String, Object> watch = new LinkedHashMap<>();
        watch.put("cvm_id", check.cvmId());
        watch.put("compose_hash", check.composeHash());
        watch.put("correlation_id", check.correlationId());
        watch.put("request_id", check.requestId());
        watch.put("trigger", check.trigger().wire());
        watch.put("check", check.check());
        watch.put("started_at", check.startedAt().toEpochMilli());
        watch.put("give_up_at", check.giveUpAt().toEpochMilli());
        if (check.actor() != null) {
            watch.put("actor", check.actor());
        }
        watch.put("nonce", check.nonce());
        watch.put("needs_progress", check.needsProgress());
        watch.put("seen_progress", check.seenProgress());
        return Json.write(Json.object(Map.of(WATCH, Json.object(watch))));
    }

    public static WatchCheck read(JrsValue body) throws InvalidRequest {
        JrsValue watch = body.path(WATCH);
        if (!watch.isObject()) {
            throw new InvalidRequest(WATCH, "must be an object");
        }
        String cvmId = text(watch, "cvm_id");
        com.composerelay.core.ComposeUpdate.checkCvmId(cvmId);
        Trigger trigger = null;
        String wire = text(watch, "trigger");
        for (Trigger t : Trigger.values()) {
            if (t.wire().equals(wire)) {
                trigger = t;
            }
        }
        if (trigger == null) {
            throw new InvalidRequest(WATCH + ".trigger", "is not a known trigger");
        }
        return new WatchCheck(cvmId, text(watch, "compose_hash"), text(watch, "correlation_id"), text(watch, "request_id"),
                trigger, (int) number(watch, "check"), Instant.ofEpochMilli(number(watch, "started_at")),
                Instant.ofEpochMilli(number(watch, "give_up_at")),
                watch.get("actor") == null ? null : text(watch, "actor"), text(watch, "nonce"),
                Json.asBoolean(watch.path("needs_progress"), false), Json.asBoolean(watch.path("seen_progress"), false));
    }

    private static String text(JrsValue watch, String field) throws InvalidRequest {
        JrsValue value = watch.get(field);
        if (value == null || !Json.isText(value) || Json.text(value).isEmpty() || Json.text(value).length() > 256) {
            throw new InvalidRequest(WATCH + "." + field, "is required: a string of 1 to 256 characters");
        }
        return Json.text(value);
    }

    private static long number(JrsValue watch, String field) throws InvalidRequest {
        JrsValue value = watch.get(field);
        Number n = value != null && value.isNumber() ? Json.number(value) : null;
        if (!(n instanceof Integer || n instanceof Long) || n.longValue() < 0) {
            throw new InvalidRequest(WATCH + "." + field, "is required: a whole number");
        }
        return n.longValue();
    }
}
