package com.composerelay.trigger;

import com.composerelay.core.Fingerprint;
import com.composerelay.core.IdempotencyStore;
import com.composerelay.core.IdempotencyStore.Claim;
import com.composerelay.core.Outcome;
import com.composerelay.core.Relay;
import com.composerelay.core.RelayRequest;
import com.composerelay.codec.OutcomeJson;
import com.composerelay.log.Log;
import com.composerelay.core.WholeRequest;
import com.composerelay.core.WholeUpdate;
import com.composerelay.core.WholeUpdates;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Function;
import java.util.function.Supplier;
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
        return run(request.requestId(), Fingerprint.of(request.update()), request.deadline(), key,
                () -> relay.relay(request),
                error -> Outcome.failedBeforeRelay(request, Outcome.Failure.IDEMPOTENCY_UNAVAILABLE, error, clock.instant()),
                callerStatus);
    }

    /** A whole update, at most once per key: a duplicate never provisions nor commits again. */
    Result relay(WholeRequest request, WholeUpdates updates, String key, ToIntFunction<Outcome> callerStatus) {
        WholeUpdate update = request.update();
        return run(request.requestId(), Fingerprint.of(update), request.deadline(), key, () -> updates.run(request),
                error -> new Outcome.Failed(new Outcome.Facts(request.requestId(), request.correlationId(), request.trigger(),
                        update.cvmId(), null, 0, null, null, request.startedAt(), clock.instant()).withActor(request.actor()),
                        Outcome.Failure.IDEMPOTENCY_UNAVAILABLE, error),
                callerStatus);
    }

    /**
     * Runs {@code work} once per key: {@code unavailable} makes the outcome when the record cannot be
     * checked (from the error in words).
     */
    Result run(String requestId, String fingerprint, Instant deadline, String key, Supplier<Outcome> work,
                       Function<String, Outcome> unavailable, ToIntFunction<Outcome> callerStatus) {
        return run(requestId, fingerprint, deadline, key, work, unavailable, callerStatus, OutcomeJson::write);
    }

    /**
     * The same, recording for duplicates what {@code recorded} makes of the outcome (the outcome's JSON,
     * or for the Phala-compatible routes Phala's own answer) beside the caller's status.
     */
    Result run(String requestId, String fingerprint, Instant deadline, String key, Supplier<Outcome> work,
               Function<String, Outcome> unavailable, ToIntFunction<Outcome> callerStatus,
               Function<Outcome, String> recorded) {
        Claim claim;
        try {
            claim = store.claim(key, fingerprint, deadline);
        } catch (IdempotencyStore.Unavailable e) {
            return new Result.Decided(unavailable.apply(
                    "the idempotency record could not be checked, so nothing was sent: " + e.getMessage()));
        }
        return switch (claim) {
            case Claim.Claimed c -> new Result.Decided(runClaimed(requestId, key, work, callerStatus, recorded));
            case Claim.Completed done -> {
                Log.info("duplicate request: answered as recorded, nothing sent", "request_id", requestId,
                        "idempotency_key", key);
                yield new Result.Replayed(done.outcomeJson(), done.callerStatus());
            }
            case Claim.InProgress busy -> new Result.Busy(
                    "a request with the same idempotency key is in progress; try again later");
            case Claim.Mismatch mismatch -> new Result.Conflict(
                    "was used for a different request within the idempotency window; use a new key");
        };
    }

    private Outcome runClaimed(String requestId, String key, Supplier<Outcome> work, ToIntFunction<Outcome> callerStatus,
                               Function<Outcome, String> recorded) {
        Outcome outcome = work.get();
        try {
            if (outcome instanceof Outcome.Failed
                    || outcome instanceof Outcome.Rejected r && r.reason().dependsOnOutsideState()) {
                store.release(key);
            } else {
                store.complete(key, recorded.apply(outcome), callerStatus.applyAsInt(outcome));
            }
        } catch (IdempotencyStore.Unavailable e) {
            // The result stands; the record stays "in progress" until the holder's deadline passes.
            Log.warn("idempotency record not updated: " + e.getMessage(), "request_id", requestId,
                    "idempotency_key", key);
        }
        return outcome;
    }
}
