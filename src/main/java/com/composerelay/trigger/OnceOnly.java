package com.composerelay.trigger;

import com.composerelay.core.Fingerprint;
import com.composerelay.core.IdempotencyStore;
import com.composerelay.core.IdempotencyStore.Claim;
import com.composerelay.core.Outcome;
import com.composerelay.core.Relay;
import com.composerelay.core.RelayRequest;
import com.composerelay.codec.OutcomeJson;
import com.composerelay.log.Log;
import java.time.Clock;
import java.util.function.ToIntFunction;

/**
 * Relays a request at most once per idempotency key: claims the key, relays, then records the
 * decided outcome (or, for a transient failure, gives the key up so a retry may try again).
 */
final class OnceOnly {

    /** What became of the request. */
    sealed interface Result {
        /** Relayed now (or failed before relaying): publish and answer as usual. */
        record Decided(Outcome outcome) implements Result {}

        /** A duplicate of a decided request: answer as recorded; nothing is sent or published. */
        record Replayed(String outcomeJson, int callerStatus) implements Result {}

        /** A duplicate of a request still in progress elsewhere. */
        record Busy(String message) implements Result {}

        /** The key came with a different request before. */
        record Conflict(String message) implements Result {}
    }

    private final Relay relay;
    private final IdempotencyStore store;
    private final Clock clock;

    OnceOnly(Relay relay, IdempotencyStore store, Clock clock) {
        this.relay = relay;
        this.store = store;
        this.clock = clock;
    }

    Result relay(RelayRequest request, String key, ToIntFunction<Outcome> callerStatus) {
        Claim claim;
        try {
            claim = store.claim(key, Fingerprint.of(request.update()), request.deadline());
        } catch (IdempotencyStore.Unavailable e) {
            return new Result.Decided(Outcome.failedBeforeRelay(request, Outcome.Failure.IDEMPOTENCY_UNAVAILABLE,
                    "the idempotency record could not be checked, so nothing was sent: " + e.getMessage(),
                    clock.instant()));
        }
        return switch (claim) {
            case Claim.Claimed c -> new Result.Decided(relayClaimed(request, key, callerStatus));
            case Claim.Completed done -> {
                Log.info("duplicate request: answered as recorded, nothing sent", "request_id", request.requestId(),
                        "idempotency_key", key);
                yield new Result.Replayed(done.outcomeJson(), done.callerStatus());
            }
            case Claim.InProgress busy -> new Result.Busy(
                    "a request with the same idempotency key is in progress; try again later");
            case Claim.Mismatch mismatch -> new Result.Conflict(
                    "was used for a different request within the idempotency window; use a new key");
        };
    }

    private Outcome relayClaimed(RelayRequest request, String key, ToIntFunction<Outcome> callerStatus) {
        Outcome outcome = relay.relay(request);
        try {
            if (outcome instanceof Outcome.Failed) {
                store.release(key);
            } else {
                store.complete(key, OutcomeJson.write(outcome), callerStatus.applyAsInt(outcome));
            }
        } catch (IdempotencyStore.Unavailable e) {
            // The result stands; the record stays "in progress" until the holder's deadline passes.
            Log.warn("idempotency record not updated: " + e.getMessage(), "request_id", request.requestId(),
                    "idempotency_key", key);
        }
        return outcome;
    }
}
