package com.composerelay.core;

import java.time.Instant;

/**
 * What became of one request: Phala accepted the update, the request was refused for good, or it
 * failed for a reason that may pass (and so may be retried by the caller or by SQS).
 */
public sealed interface Outcome {
    /**
     * The longest text an outcome carries (ids, the CVM, the hash, an event name), and the longest
     * error: whatever an upstream sent, an outcome stays small enough for every output (SNS takes 256
     * KB per message, and the message repeats the outcome for each kind of subscriber).
     */
    int MAX_TEXT = 256;
    int MAX_ERROR = 2000;

    /** {@code text} cut to {@code max} characters (never inside a surrogate pair), marked with an ellipsis. */
    static String clip(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(max - 2)) ? max - 2 : max - 1;
        return text.substring(0, end) + "…";
    }

    /** Facts every outcome carries, whatever its status. */
    record Facts(
            String requestId,
            String correlationId,
            Trigger trigger,
            String cvmId,
            String composeHash,
            int attempts,
            Integer httpStatus,
            String phalaRequestId,
            Instant startedAt,
            Instant finishedAt) {

        public Facts {
            requestId = clip(requestId, MAX_TEXT);
            correlationId = clip(correlationId, MAX_TEXT);
            cvmId = clip(cvmId, MAX_TEXT);
            composeHash = clip(composeHash, MAX_TEXT);
            phalaRequestId = clip(phalaRequestId, MAX_TEXT);
        }
    }

    /** Phala initiated the update (202: "update initiated", not yet "deployed"). */
    record Accepted(Facts facts) implements Outcome {}

    /** Phala reported the CVM running again after the update ({@code cvm.updated}, {@code cvm.restarted}). */
    record Completed(Facts facts, String event) implements Outcome {
        public Completed {
            event = clip(event, MAX_TEXT);
        }
    }

    /** Refused for good: invalid input, or a final answer from Phala. Never retried. */
    record Rejected(Facts facts, Rejection reason, String error) implements Outcome {
        public Rejected {
            error = clip(error, MAX_ERROR);
        }
    }

    /** Not done, for a reason that may pass: retried by SQS until its last delivery. */
    record Failed(Facts facts, Failure reason, String error) implements Outcome {
        public Failed {
            error = clip(error, MAX_ERROR);
        }
    }

    /** Why a request was refused for good. */
    enum Rejection {
        /** The request broke a validation rule; Phala was not called. */
        INVALID_REQUEST,
        /** Phala answered a final 4xx (400, 403, 404, 422, 465-468 ...). */
        PHALA_REFUSED,
        /** Phala answered a final status that is not a 4xx (a redirect, 501 ...). */
        PHALA_UNEXPECTED
    }

    /** Why a request failed for now. */
    enum Failure {
        /** Phala answered 401 to the key, and again to the key fetched anew. */
        KEY_REFUSED,
        /** Secrets Manager did not give a usable key. */
        KEY_UNAVAILABLE,
        /** Phala kept answering 409, 429 or 5xx until attempts or time ran out. */
        PHALA_UNAVAILABLE,
        /** Phala could not be reached (connection refused or reset) until attempts or time ran out. */
        PHALA_UNREACHABLE,
        /** Phala did not answer in time. */
        PHALA_TIMEOUT,
        /** Too little of the Lambda deadline was left to try at all. */
        NO_TIME_LEFT,
        /** The idempotency record could not be read or written, so the relay did not risk a PATCH. */
        IDEMPOTENCY_UNAVAILABLE,
        /** Phala reported that the CVM did not come up ({@code cvm.create_failed}, {@code cvm.stopped}). */
        CVM_NOT_RUNNING
    }

    Facts facts();

    /** {@code accepted}, {@code rejected} or {@code failed}. */
    default String status() {
        return switch (this) {
            case Accepted a -> "accepted";
            case Completed c -> "completed";
            case Rejected r -> "rejected";
            case Failed f -> "failed";
        };
    }

    /** A readable reason, or {@code null} when accepted. */
    default String error() {
        return switch (this) {
            case Accepted a -> null;
            case Completed c -> null;
            case Rejected r -> r.error();
            case Failed f -> f.error();
        };
    }

    /** A request that failed before Phala was called (for example, its idempotency record was unreachable). */
    static Outcome failedBeforeRelay(RelayRequest request, Failure reason, String error, Instant finishedAt) {
        return new Failed(new Facts(request.requestId(), request.correlationId(), request.trigger(), request.update().cvmId(),
                request.update().composeHash(), 0, null, null, request.startedAt(), finishedAt), reason, error);
    }

    /** The outcome of a request that broke a validation rule: Phala was not called. */
    static Outcome invalid(String requestId, Trigger trigger, String cvmId, String composeHash,
                           InvalidRequest problem, Instant startedAt, Instant finishedAt) {
        return new Rejected(new Facts(requestId, requestId, trigger, cvmId, composeHash, 0, null, null, startedAt, finishedAt),
                Rejection.INVALID_REQUEST, problem.getMessage());
    }
}
