package com.composerelay.log;

import com.composerelay.core.Outcome;
import com.composerelay.core.PipelineLog;

/** The pipeline's log lines: each decided outcome, each duplicate answered as recorded, each answer not recorded. */
public final class PipelineLogLines implements PipelineLog {
    @Override
    public void decided(Outcome outcome) {
        Outcome.Facts f = outcome.facts();
        Log.info("request " + outcome.status(), "request_id", f.requestId(), "correlation_id", f.correlationId(),
                "trigger", f.trigger().wire(), "cvm_id", f.cvmId(), "attempts", f.attempts(),
                "http_status", f.httpStatus(), "error", outcome.error());
    }

    @Override
    public void replayed(String requestId, String key) {
        Log.info("duplicate request: answered as recorded, nothing sent", "request_id", requestId, "idempotency_key", key);
    }

    @Override
    public void notRecorded(String requestId, String key, String problem) {
        Log.warn("idempotency record not updated: " + problem, "request_id", requestId, "idempotency_key", key);
    }
}
