package com.composerelay.core;

import com.composerelay.core.Outcome.Accepted;
import com.composerelay.core.Outcome.Completed;
import com.composerelay.core.Outcome.Failed;
import com.composerelay.core.Outcome.Rejected;

/** The HTTP status a caller sees for an outcome: decided here only, and recorded with the claim for duplicates. */
public final class CallerStatus {
    private CallerStatus() {}

    public static int of(Outcome outcome) {
        return switch (outcome) {
            case Accepted a -> 202;
            case Completed c -> 200;
            case Rejected r -> switch (r.reason()) {
                case INVALID_REQUEST -> 400;
                case PHALA_REFUSED -> r.facts().httpStatus();
                case PHALA_UNEXPECTED, CVM_ENV_KEY_UNUSABLE -> 502;
                case ENV_SECRET_MISSING, ONCHAIN_REGISTRATION_REQUIRED -> 422;
            };
            case Failed f -> switch (f.reason()) {
                case KEY_REFUSED, PHALA_UNREACHABLE -> 502;
                case PHALA_UNAVAILABLE -> Integer.valueOf(503).equals(f.facts().httpStatus()) ? 503 : 502;
                case PHALA_TIMEOUT, NO_TIME_LEFT -> 504;
                case KEY_UNAVAILABLE, IDEMPOTENCY_UNAVAILABLE, ENV_UNAVAILABLE -> 503;
                case CVM_NOT_RUNNING, WATCH_TIMED_OUT -> 502;
            };
        };
    }
}
