package com.composerelay.trigger;

import com.composerelay.core.UpdateThread;
import com.composerelay.core.ChatReplies;
import com.composerelay.codec.OutcomeText;
import com.composerelay.core.IdempotencyStore;
import com.composerelay.core.Metrics;
import com.composerelay.core.Outcome;
import com.composerelay.core.Outcomes;
import com.composerelay.core.Relay;
import com.composerelay.core.UpdateThreads;
import com.composerelay.core.Watcher;
import com.composerelay.core.WholeUpdates;
import com.composerelay.log.Log;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * What every trigger needs: the relay, the idempotency record, where outcomes go, the threads that
 * tie Phala's later events to an update, chat replies, the clock, what counts outcomes, the whole
 * update and its watch (made when first asked for: the PATCH form never pays for them).
 */
public record Delivery(Relay relay, IdempotencyStore idempotency, Outcomes outcomes, UpdateThreads threads,
                       ChatReplies replies, Clock clock, Metrics metrics, Supplier<WholeUpdates> wholeUpdates,
                       Supplier<Watcher> watcher) {

    /**
     * A decided outcome: logged, counted, published, remembered as the CVM's thread when accepted, and
     * posted to the chat it came from, if any.
     */
    void decided(Outcome outcome, String replyUrl) {
        logDecided(outcome);
        metrics.decided(outcome);
        outcomes.publish(outcome);
        Outcome.Facts f = outcome.facts();
        if (outcome instanceof Outcome.Accepted) {
            threads.remember(new UpdateThread(f.cvmId(), f.correlationId(), f.composeHash(), replyUrl));
        }
        if (replyUrl != null) {
            replies.post(replyUrl, OutcomeText.chatLine(outcome));
        }
    }

    void publish(Outcome outcome) {
        decided(outcome, null);
    }

    OnceOnly onceOnly() {
        return new OnceOnly(relay, idempotency, clock);
    }

    static void logDecided(Outcome outcome) {
        Outcome.Facts f = outcome.facts();
        Log.info("request " + outcome.status(), "request_id", f.requestId(), "correlation_id", f.correlationId(),
                "trigger", f.trigger().wire(), "cvm_id", f.cvmId(), "attempts", f.attempts(),
                "http_status", f.httpStatus(), "error", outcome.error());
    }
}
