package com.composerelay.core;

import java.time.Clock;
import java.util.Map;

/**
 * The one way a request that changes a CVM goes through the relay: claim its key, run it, record
 * the answer for duplicates, publish its outcome, and say what to answer. A trigger only makes the
 * {@link Request} from its event and turns the {@link Result} into its own answer.
 */
public record Pipeline(RequestClaims claims, Publication publication, PipelineLog log, Clock clock) {

    /** What a caller is answered: the status and JSON body recorded for duplicates, and headers that are not. */
    public record Reply(int status, String body, Map<String, String> headers) {
        public Reply(int status, String body) {
            this(status, body, Map.of());
        }
    }

    /** What running a request decided; {@code reply} null answers with the outcome itself. */
    public record Done(Outcome outcome, Reply reply) {
        public Done(Outcome outcome) {
            this(outcome, null);
        }
    }

    /** The run step of one request: a commit, a whole update, a call forwarded for a client. */
    @FunctionalInterface
    public interface Work {
        Done run();
    }

    /**
     * One request through the pipeline.
     *
     * @param key the idempotency key (a {@link StoreKeys} of job {@code CLAIM})
     * @param fingerprint what the request was, so that a key reused for another request is refused
     * @param facts the request's facts before it runs (its outcome if it cannot be claimed)
     * @param replyUrl the chat the outcome is posted to, or null
     * @param redelivered true when a failure is delivered again (SQS before its last receive): a failed
     *     outcome is then not published, and the trigger hands the request back
     */
    public record Request(Invocation invocation, String key, String fingerprint, Outcome.Facts facts, Work work,
                          String replyUrl, boolean redelivered) {}

    /** What became of the request. */
    public sealed interface Result {
        /** Decided now: published (unless held back for redelivery) and answered with {@code reply}. */
        record Decided(Outcome outcome, Reply reply) implements Result {}

        /** Failed for now and not published: the trigger hands it back for redelivery. */
        record Redeliver(Outcome outcome) implements Result {}

        /** A duplicate of a decided request: answered as recorded; nothing is sent or published. */
        record Replayed(Reply reply) implements Result {}

        /** A duplicate of a request still in progress elsewhere. */
        record Busy(String message) implements Result {}

        /** The key came with a different request before. */
        record Conflict(String message) implements Result {}
    }

    static final String BUSY = "a request with the same idempotency key is in progress; try again later";
    static final String CONFLICT = "was used for a different request within the idempotency window; use a new key";


    /** Runs {@code request} at most once per key: claim, run, record, publish, answer. */
    public Result handle(Request request) {
        RequestClaims.Claim claim;
        try {
            claim = claims.claim(request.key(), request.fingerprint(), request.invocation().deadline());
        } catch (StoreUnavailable e) {
            Outcome failed = new Outcome.Failed(request.facts().finishedAt(clock.instant()),
                    Outcome.Failure.IDEMPOTENCY_UNAVAILABLE,
                    "the idempotency record could not be checked, so nothing was sent: " + e.getMessage());
            return decided(request, failed, null, publication.json(failed));
        }
        return switch (claim) {
            case RequestClaims.Claim.Claimed c -> runClaimed(request);
            case RequestClaims.Claim.Completed done -> {
                log.replayed(request.facts().requestId(), request.key());
                yield new Result.Replayed(new Reply(done.callerStatus(), done.body()));
            }
            case RequestClaims.Claim.InProgress busy -> new Result.Busy(BUSY);
            case RequestClaims.Claim.Mismatch mismatch -> new Result.Conflict(CONFLICT);
        };
    }

    /** An outcome decided without running anything (an invalid request): published and answered. */
    public Result.Decided reject(Outcome outcome, String replyUrl) {
        String json = publication.publish(outcome, replyUrl);
        return new Result.Decided(outcome, new Reply(CallerStatus.of(outcome), json));
    }

    private Result runClaimed(Request request) {
        Done done = request.work().run();
        Outcome outcome = done.outcome();
        String json = publication.json(outcome);
        Reply reply = done.reply() != null ? done.reply() : new Reply(CallerStatus.of(outcome), json);
        try {
            if (outcome instanceof Outcome.Failed
                    || outcome instanceof Outcome.Rejected r && r.reason().dependsOnOutsideState()) {
                claims.release(request.key());
            } else {
                claims.complete(request.key(), reply.body(), reply.status());
            }
        } catch (StoreUnavailable e) {
            // The result stands; the record stays "in progress" until the holder's deadline passes.
            log.notRecorded(request.facts().requestId(), request.key(), e.getMessage());
        }
        return decided(request, outcome, reply, json);
    }

    private Result decided(Request request, Outcome outcome, Reply reply, String json) {
        if (outcome instanceof Outcome.Failed && request.redelivered()) {
            return new Result.Redeliver(outcome);
        }
        publication.publish(outcome, json, request.replyUrl());
        return new Result.Decided(outcome, reply != null ? reply : new Reply(CallerStatus.of(outcome), json));
    }
}
