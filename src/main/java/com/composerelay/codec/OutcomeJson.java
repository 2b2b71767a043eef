package com.composerelay.codec;

import com.composerelay.core.Outcome;
import com.composerelay.json.Json;
import com.fasterxml.jackson.jr.stree.JrsObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The outcome as subscribers and HTTP callers read it. */
public final class OutcomeJson {
    private OutcomeJson() {}

    public static JrsObject tree(Outcome outcome) {
        Outcome.Facts f = outcome.facts();
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("status", outcome.status());
        node.put("cvm_id", f.cvmId());
        node.put("compose_hash", f.composeHash());
        node.put("trigger", f.trigger().wire());
        node.put("attempts", f.attempts());
        node.put("http_status", f.httpStatus());
        node.put("error", outcome.error());
        node.put("request_id", f.requestId());
        node.put("correlation_id", f.correlationId());
        node.put("phala_request_id", f.phalaRequestId());
        node.put("started_at", iso(f.startedAt()));
        node.put("finished_at", iso(f.finishedAt()));
        if (f.actor() != null) {
            node.put("actor", f.actor());
        }
        if (f.whole() != null) {
            Outcome.WholeDetails whole = f.whole();
            node.put("app_id", whole.appId());
            node.put("env_keys", whole.envKeys());
            node.put("allowed_envs_added", whole.allowedEnvsAdded());
            List<Object> steps = new ArrayList<>();
            for (Outcome.Step step : whole.steps()) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("name", step.name());
                s.put("result", step.result());
                s.put("attempts", step.attempts());
                s.put("http_status", step.httpStatus());
                s.put("duration_ms", step.took().toMillis());
                steps.add(s);
            }
            node.put("steps", steps);
            if (whole.watch() != null) {
                node.put("watch", whole.watch());
            }
        }
        return Json.object(node);
    }

    public static String write(Outcome outcome) {
        return Json.write(tree(outcome));
    }

    private static String iso(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }
}
