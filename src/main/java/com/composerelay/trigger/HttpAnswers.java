package com.composerelay.trigger;

import com.composerelay.codec.ComposeUpdateJson;
import com.composerelay.codec.OutcomeJson;
import com.composerelay.core.InvalidRequest;
import com.composerelay.core.Outcome;
import com.composerelay.core.Outcome.Accepted;
import com.composerelay.core.Outcome.Failed;
import com.composerelay.core.Outcome.Rejected;
import com.composerelay.core.RelayRequest;
import com.composerelay.core.Trigger;
import com.composerelay.core.WholeRequest;
import com.fasterxml.jackson.jr.stree.JrsObject;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.time.Instant;
import java.util.Map;

/**
 * How the HTTP routes that relay (the IAM-signed PATCH route and the CI hook) answer: a valid
 * request relayed at most once per key, its outcome published and returned with a status that says
 * what happened; an invalid one rejected with 400, published too.
 */
final class HttpAnswers {
    private final Delivery delivery;
    private final OnceOnly onceOnly;

    HttpAnswers(Delivery delivery) {
        this.delivery = delivery;
        this.onceOnly = delivery.onceOnly();
    }

    /** Relays a valid request at most once per key and answers the way the PATCH route does. */
    JrsObject relayAndAnswer(RelayRequest request, String key) throws InvalidRequest {
        return answer(onceOnly.relay(request, key, HttpAnswers::statusOf));
    }

    /** Runs a valid whole update at most once per key and answers the same way (202 once Phala accepted the commit). */
    JrsObject relayAndAnswer(WholeRequest request, String key) throws InvalidRequest {
        return answer(onceOnly.relay(request, delivery.wholeUpdates().get(), key, HttpAnswers::statusOf));
    }

    private JrsObject answer(OnceOnly.Result result) throws InvalidRequest {
        return switch (result) {
            case OnceOnly.Result.Decided decided -> {
                delivery.publish(decided.outcome());
                yield HttpRequestEvent.response(statusOf(decided.outcome()), OutcomeJson.tree(decided.outcome()));
            }
            case OnceOnly.Result.Replayed replayed -> {
                yield HttpRequestEvent.response(replayed.callerStatus(), replayed.outcomeJson(),
                        Map.of("Idempotent-Replayed", "true"));
            }
            case OnceOnly.Result.Busy busy -> {
                yield HttpRequestEvent.error(409, busy.message(), Map.of("Retry-After", "1"));
            }
            case OnceOnly.Result.Conflict conflict -> throw new InvalidRequest(ApiGatewayTrigger.IDEMPOTENCY_HEADER, conflict.message());
        };
    }

    /** Publishes the rejection of an invalid request and answers 400 with it. */
    JrsObject invalidAnswer(String requestId, Trigger trigger, String cvmId, JrsValue body, InvalidRequest problem,
                             Instant startedAt) {
        Outcome outcome = Outcome.invalid(requestId, trigger, cvmId, ComposeUpdateJson.validComposeHash(body), problem,
                startedAt, delivery.clock().instant());
        delivery.publish(outcome);
        return HttpRequestEvent.response(statusOf(outcome), OutcomeJson.tree(outcome));
    }

    /** The HTTP status a caller sees for an outcome. */
    public static int statusOf(Outcome outcome) {
        return switch (outcome) {
            case Accepted a -> 202;
            case Outcome.Completed c -> 200;
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
