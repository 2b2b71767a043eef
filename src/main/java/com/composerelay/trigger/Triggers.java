package com.composerelay.trigger;

import com.composerelay.core.IdempotencyStore;
import com.composerelay.core.Outcome;
import com.composerelay.core.Outcomes;
import com.composerelay.core.Relay;
import com.composerelay.log.Log;
import java.time.Clock;

/** What every trigger needs: the relay, the idempotency record, where outcomes go, and the clock. */
public record Triggers(Relay relay, IdempotencyStore idempotency, Outcomes outcomes, Clock clock) {

    /** Publishes a decided outcome and logs one line about it. */
    void publish(Outcome outcome) {
        logDecided(outcome);
        outcomes.publish(outcome);
    }

    OnceOnly onceOnly() {
        return new OnceOnly(relay, idempotency, clock);
    }

    static void logDecided(Outcome outcome) {
        Outcome.Facts f = outcome.facts();
        Log.info("request " + outcome.status(), "request_id", f.requestId(), "trigger", f.trigger().wire(),
                "cvm_id", f.cvmId(), "attempts", f.attempts(), "http_status", f.httpStatus(),
                "error", outcome.error());
    }
}
