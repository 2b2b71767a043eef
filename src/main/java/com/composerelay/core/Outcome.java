package com.composerelay.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What became of one request: Phala accepted the update, the CVM runs it ({@code completed}), the
 * request was refused for good, or it failed for a reason that may pass (and so may be retried by
 * the caller or by SQS).
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
            Instant finishedAt,
            WholeDetails whole,
            String actor) {

        public Facts {
            requestId = clip(requestId, MAX_TEXT);
            correlationId = clip(correlationId, MAX_TEXT);
            cvmId = clip(cvmId, MAX_TEXT);
            composeHash = clip(composeHash, MAX_TEXT);
            phalaRequestId = clip(phalaRequestId, MAX_TEXT);
            actor = clip(actor, MAX_TEXT);
        }

        /** The facts of a PATCH-form request (no whole-update details). */
        public Facts(String requestId, String correlationId, Trigger trigger, String cvmId, String composeHash,
                     int attempts, Integer httpStatus, String phalaRequestId, Instant startedAt, Instant finishedAt) {
            this(requestId, correlationId, trigger, cvmId, composeHash, attempts, httpStatus, phalaRequestId, startedAt,
                    finishedAt, null, null);
        }

        public Facts withWhole(WholeDetails details) {
            return new Facts(requestId, correlationId, trigger, cvmId, composeHash, attempts, httpStatus, phalaRequestId,
                    startedAt, finishedAt, details, actor);
        }

        /** The same facts, finished at {@code at}. */
        public Facts finishedAt(Instant at) {
            return new Facts(requestId, correlationId, trigger, cvmId, composeHash, attempts, httpStatus, phalaRequestId,
                    startedAt, at, whole, actor);
        }

        /** The same facts with who asked for the update (a token's name, an IAM ARN, a Slack user), or null. */
        public Facts withActor(String actor) {
            return new Facts(requestId, correlationId, trigger, cvmId, composeHash, attempts, httpStatus, phalaRequestId,
                    startedAt, finishedAt, whole, actor);
        }
    }

    /**
     * What a whole update adds to its outcome: Phala's app id, the env names (never values), the names
     * the relay added to {@code allowed_envs}, each step, and whether it is watched.
     *
     * @param watch {@code null} when not asked; else {@code scheduled}, or why it could not be
     */
    record WholeDetails(String appId, List<String> envKeys, List<String> allowedEnvsAdded, List<Step> steps,
                        String watch) {
        public WholeDetails {
            appId = clip(appId, MAX_TEXT);
            envKeys = List.copyOf(envKeys);
            allowedEnvsAdded = List.copyOf(allowedEnvsAdded);
            steps = List.copyOf(steps);
            watch = clip(watch, MAX_TEXT);
        }

        public WholeDetails withWatch(String watch) {
            return new WholeDetails(appId, envKeys, allowedEnvsAdded, steps, watch);
        }
    }

    /**
     * One step of a whole update ({@code provision}, {@code env}, {@code commit}).
     *
     * @param result {@code ok}, {@code failed} or {@code rejected}
     */
    record Step(String name, int attempts, Integer httpStatus, String result, Duration took) {}

    /** Phala initiated the update (202: "update initiated", not yet "deployed"). */
    record Accepted(Facts facts) implements Outcome {}

    /** The CVM runs the update: Phala reported it ({@code cvm.updated}, {@code cvm.restarted}) or the watch saw it. */
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
        PHALA_UNEXPECTED,
        /** An env value's secret does not exist, holds no string, lacks its json_key, or may not be read. */
        ENV_SECRET_MISSING,
        /** An on-chain KMS CVM: the compose hash must be registered on chain before the commit. */
        ONCHAIN_REGISTRATION_REQUIRED,
        /** The CVM gave no usable env public key, so the env cannot be sealed for it. */
        CVM_ENV_KEY_UNUSABLE;

        /**
         * Refusals that the caller fixes outside the request (a secret created, a hash registered on
         * chain): the same request sent again must run again, so they are not replayed to duplicates.
         */
        public boolean dependsOnOutsideState() {
            return this == ENV_SECRET_MISSING || this == ONCHAIN_REGISTRATION_REQUIRED || this == CVM_ENV_KEY_UNUSABLE;
        }
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
        CVM_NOT_RUNNING,
        /** Secrets Manager could not give an env value now (throttled, timed out). */
        ENV_UNAVAILABLE,
        /** A watched update did not run the new compose within the watch's time. */
        WATCH_TIMED_OUT
    }

    Facts facts();

    /** {@code accepted}, {@code completed}, {@code rejected} or {@code failed}. */
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
                request.update().composeHash(), 0, null, null, request.startedAt(), finishedAt).withActor(request.actor()),
                reason, error);
    }

    /** The outcome of a request that broke a validation rule: Phala was not called. */
    static Outcome invalid(String requestId, Trigger trigger, String cvmId, String composeHash,
                           InvalidRequest problem, Instant startedAt, Instant finishedAt) {
        return new Rejected(new Facts(requestId, requestId, trigger, cvmId, composeHash, 0, null, null, startedAt, finishedAt),
                Rejection.INVALID_REQUEST, problem.getMessage());
    }
}
