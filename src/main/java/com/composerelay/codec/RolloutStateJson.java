package com.composerelay.codec;

import com.composerelay.core.InvalidRequest;
import com.composerelay.core.Rollout;
import com.composerelay.core.RolloutReports;
import com.composerelay.core.RolloutTask;
import com.composerelay.core.Trigger;
import com.composerelay.json.Json;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A rollout as JSON: the record the relay keeps ({@link #write}, {@link #read}), what its callers
 * see ({@link #view}: {@code GET /rollouts/{id}}), its outcomes on the topic ({@link #report}), and
 * the state machine's task messages ({@link #task}).
 */
public final class RolloutStateJson {
    /** A report above this size leaves out each CVM's error text but the failing one's (SNS repeats it per protocol). */
    static final int MAX_REPORT = 40_000;

    private RolloutStateJson() {}

    // ---- the kept record

    public static String write(Rollout r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rollout_id", r.rolloutId());
        m.put("status", r.status());
        m.put("fingerprint", r.fingerprint());
        m.put("compose_hash", r.composeHash());
        m.put("trigger", r.trigger().wire());
        m.put("actor", r.actor());
        m.put("reply_url", r.replyUrl());
        m.put("started_at", millis(r.startedAt()));
        m.put("ended_at", millis(r.endedAt()));
        List<Object> waves = new ArrayList<>();
        for (Rollout.Wave w : r.waves()) {
            Map<String, Object> wave = new LinkedHashMap<>();
            wave.put("number", w.number());
            wave.put("status", w.status());
            wave.put("committed_at", millis(w.committedAt()));
            if (w.approvedBy() != null) {
                wave.put("approved_by", w.approvedBy());
            }
            List<Object> cvms = new ArrayList<>();
            for (Rollout.Target t : w.cvms()) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("cvm_id", t.cvmId());
                c.put("status", t.status());
                c.put("error", t.error());
                c.put("vm_uuid", t.vmUuid());
                c.put("app_id", t.appId());
                c.put("hash_before", t.hashBefore());
                c.put("revision_before", t.revisionBefore());
                cvms.add(c);
            }
            wave.put("cvms", cvms);
            waves.add(wave);
        }
        m.put("waves", waves);
        Map<String, Object> apps = new LinkedHashMap<>();
        r.apps().forEach((id, app) -> {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("lead_cvm_id", app.leadCvmId());
            fields.put("compose_hash", app.composeHash());
            apps.put(id, fields);
        });
        m.put("apps", apps);
        m.put("cancel", r.cancel());
        m.put("pause_token", r.pauseToken());
        m.put("paused_after", r.pausedAfter());
        m.put("failure", failure(r.failure()));
        m.put("rollback_at", millis(r.rollbackAt()));
        m.put("execution_input", r.executionInput());
        if (r.watch() != null) {
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("request_id", r.watch().requestId());
            w.put("correlation_id", r.watch().correlationId());
            w.put("timeout_seconds", r.watch().timeoutSeconds());
            w.put("needs_progress", r.watch().needsProgress());
            m.put("watch", w);
        }
        if (r.release() != null) {
            m.put("release", release(r.release()));
        }
        return Json.write(Json.object(m));
    }

    public static Rollout read(String json, long version) {
        JrsValue n;
        try {
            n = Json.parse(json);
        } catch (Json.Malformed e) {
            throw new IllegalStateException("a kept rollout is not JSON: " + e.getMessage());
        }
        List<Rollout.Wave> waves = new ArrayList<>();
        for (JrsValue w : Json.elements(n.path("waves"))) {
            List<Rollout.Target> cvms = new ArrayList<>();
            for (JrsValue c : Json.elements(w.path("cvms"))) {
                cvms.add(new Rollout.Target(text(c, "cvm_id"), text(c, "status"), text(c, "error"), text(c, "vm_uuid"),
                        text(c, "app_id"), text(c, "hash_before"), text(c, "revision_before")));
            }
            waves.add(new Rollout.Wave(Json.number(w.path("number")).intValue(), text(w, "status"),
                    instant(w, "committed_at"), cvms, text(w, "approved_by")));
        }
        Map<String, Rollout.App> apps = new LinkedHashMap<>();
        for (Map.Entry<String, JrsValue> e : Json.fields(n.path("apps"))) {
            apps.put(e.getKey(), new Rollout.App(e.getKey(), text(e.getValue(), "lead_cvm_id"),
                    text(e.getValue(), "compose_hash")));
        }
        JrsValue f = n.path("failure");
        Rollout.Failure failure = f.isObject() ? new Rollout.Failure(text(f, "cvm_id"), text(f, "reason")) : null;
        JrsValue paused = n.path("paused_after");
        JrsValue w = n.path("watch");
        Rollout.Watch watch = w.isObject() ? new Rollout.Watch(text(w, "request_id"), text(w, "correlation_id"),
                Json.number(w.path("timeout_seconds")).intValue(), Json.isTrue(w.path("needs_progress"))) : null;
        JrsValue rel = n.path("release");
        Rollout.Release release = null;
        if (rel.isObject()) {
            List<Rollout.LineChange> changes = new ArrayList<>();
            for (JrsValue c : Json.elements(rel.path("changes"))) {
                changes.add(new Rollout.LineChange(Json.number(c.path("line")).intValue(), text(c, "before"),
                        text(c, "after")));
            }
            release = new Rollout.Release(text(rel, "channel"), text(rel, "kind"), text(rel, "repository"),
                    text(rel, "tag"), text(rel, "digest"), text(rel, "image"), text(rel, "rollback_of"),
                    text(rel, "revision"), changes);
        }
        return new Rollout(text(n, "rollout_id"), text(n, "status"), text(n, "fingerprint"), text(n, "compose_hash"),
                trigger(text(n, "trigger")), text(n, "actor"), text(n, "reply_url"), instant(n, "started_at"),
                instant(n, "ended_at"), waves, apps, text(n, "cancel"), text(n, "pause_token"),
                paused.isNumber() ? Json.number(paused).intValue() : null, failure, instant(n, "rollback_at"),
                text(n, "execution_input"), version, watch, release);
    }

    // ---- what callers see

    /** The rollout as {@code GET /rollouts/{id}} answers it. */
    public static String view(Rollout r) {
        return Json.write(Json.object(viewFields(r, true, null)));
    }

    private static Map<String, Object> viewFields(Rollout r, boolean errors, String keepErrorOf) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rollout_id", r.rolloutId());
        m.put("status", r.status());
        m.put("compose_hash", r.composeHash());
        List<Object> waves = new ArrayList<>();
        for (Rollout.Wave w : r.waves()) {
            List<Object> cvms = new ArrayList<>();
            for (Rollout.Target t : w.cvms()) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("cvm_id", t.cvmId());
                c.put("status", t.status());
                c.put("error", errors || t.cvmId().equals(keepErrorOf) ? t.error() : null);
                cvms.add(c);
            }
            Map<String, Object> wave = new LinkedHashMap<>();
            wave.put("number", w.number());
            wave.put("status", w.status());
            wave.put("cvms", cvms);
            if (w.approvedBy() != null) {
                wave.put("approved_by", w.approvedBy());
            }
            waves.add(wave);
        }
        m.put("waves", waves);
        m.put("actor", r.actor());
        m.put("trigger", r.trigger().wire());
        m.put("started_at", iso(r.startedAt()));
        m.put("ended_at", iso(r.endedAt()));
        if (r.pausedAfter() != null) {
            m.put("paused_after_wave", r.pausedAfter());
        }
        if (r.failure() != null) {
            m.put("failure", failure(r.failure()));
        }
        if (r.release() != null) {
            m.put("release", release(r.release()));
        }
        return m;
    }

    /** A release as kept and shown: the fields that apply, each line change with its number, before and after. */
    private static Map<String, Object> release(Rollout.Release release) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("channel", release.channel());
        m.put("kind", release.kind());
        putIfSet(m, "repository", release.repository());
        putIfSet(m, "tag", release.tag());
        putIfSet(m, "digest", release.digest());
        putIfSet(m, "image", release.image());
        putIfSet(m, "rollback_of", release.rollbackOf());
        putIfSet(m, "revision", release.revision());
        List<Object> changes = new ArrayList<>();
        for (Rollout.LineChange c : release.changes()) {
            Map<String, Object> change = new LinkedHashMap<>();
            change.put("line", c.line());
            change.put("before", c.before());
            change.put("after", c.after());
            changes.add(change);
        }
        m.put("changes", changes);
        return m;
    }

    private static void putIfSet(Map<String, Object> m, String name, String value) {
        if (value != null) {
            m.put(name, value);
        }
    }

    /** A rollout's outcome on the topic: its event, the wave it is about, and the rollout as it stands. */
    public static String report(RolloutReports.Report report) {
        String json = reportJson(report, true);
        return json.length() <= MAX_REPORT ? json : reportJson(report, false);
    }

    private static String reportJson(RolloutReports.Report report, boolean errors) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", report.kind().wire());
        if (report.wave() != null) {
            m.put("wave", report.wave());
        }
        Rollout r = report.rollout();
        m.putAll(viewFields(r, errors, r.failure() == null ? null : r.failure().cvmId()));
        if (!errors) {
            m.put("errors_left_out", "each CVM's error but the failing one's, to keep the message within SNS's size");
        }
        return Json.write(Json.object(m));
    }

    // ---- the machine's task messages

    /** Whether a queue message's body is one of the state machine's tasks. */
    public static boolean isTask(JrsValue body) {
        return body.isObject() && Json.isText(body.path("relay_task"));
    }

    public static RolloutTask task(JrsValue body) throws InvalidRequest {
        String kind = Json.text(body.path("relay_task"));
        if (!RolloutTask.KINDS.contains(kind)) {
            throw new InvalidRequest("relay_task", "is not one of " + RolloutTask.KINDS);
        }
        String rolloutId = required(body, "rollout_id");
        String token = required(body, "task_token");
        JrsValue wave = body.path("wave");
        Integer number = wave.isNumber() ? Integer.valueOf(Json.number(wave).intValue()) : null;
        if (number == null && List.of("snapshot", "commit", "check", "wave_done", "pause").contains(kind)) {
            throw new InvalidRequest("wave", "is required for the task " + kind);
        }
        JrsValue failure = body.path("failure");
        String error = failure.isObject() ? Json.asText(failure.path("Error"), null) : null;
        String cause = failure.isObject() ? Json.asText(failure.path("Cause"), null) : null;
        return new RolloutTask(kind, rolloutId, number, Json.asText(body.path("phase"), null),
                Json.asText(body.path("result"), null), error, cause, token);
    }

    private static String required(JrsValue body, String field) throws InvalidRequest {
        JrsValue v = body.path(field);
        if (!Json.isText(v) || Json.text(v).isEmpty() || Json.text(v).length() > 2048) {
            throw new InvalidRequest(field, "must be a string of 1 to 2048 characters");
        }
        return Json.text(v);
    }

    // ---- helpers

    private static Map<String, Object> failure(Rollout.Failure f) {
        if (f == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cvm_id", f.cvmId());
        m.put("reason", f.reason());
        return m;
    }

    private static Long millis(Instant at) {
        return at == null ? null : at.toEpochMilli();
    }

    private static String iso(Instant at) {
        return at == null ? null : at.toString();
    }

    private static Instant instant(JrsValue node, String field) {
        JrsValue v = node.path(field);
        return v.isNumber() ? Instant.ofEpochMilli(Json.number(v).longValue()) : null;
    }

    private static String text(JrsValue node, String field) {
        JrsValue v = node.path(field);
        return Json.isText(v) ? Json.text(v) : null;
    }

    private static Trigger trigger(String wire) {
        for (Trigger t : Trigger.values()) {
            if (t.wire().equals(wire)) {
                return t;
            }
        }
        return Trigger.API;
    }
}
