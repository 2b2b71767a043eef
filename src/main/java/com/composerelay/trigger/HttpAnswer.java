package com.composerelay.trigger;

import com.composerelay.codec.ComposeUpdateJson;
import com.composerelay.core.InvalidRequest;
import com.composerelay.core.Outcome;
import com.composerelay.core.Pipeline;
import com.composerelay.core.Trigger;
import com.fasterxml.jackson.jr.stree.JrsObject;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/**
 * How the relay's own HTTP routes (the IAM routes and the CI hook) answer the pipeline's result: the
 * outcome with its status, a duplicate as recorded, 409 while the first is in progress; an invalid
 * request (or a key reused for another request) is rejected with 400 and published.
 */
final class HttpAnswer {
    private final Pipeline pipeline;
    private final Clock clock;

    HttpAnswer(Pipeline pipeline, Clock clock) {
        this.pipeline = pipeline;
        this.clock = clock;
    }

    /** The answer to a valid request run through the pipeline. */
    JrsObject of(Pipeline.Request request) throws InvalidRequest {
        return switch (pipeline.handle(request)) {
            case Pipeline.Result.Decided decided -> reply(decided.reply(), Map.of());
            case Pipeline.Result.Redeliver held -> throw new IllegalStateException("an HTTP request is never redelivered");
            case Pipeline.Result.Replayed replayed -> reply(replayed.reply(), Map.of("Idempotent-Replayed", "true"));
            case Pipeline.Result.Busy busy -> HttpRequestEvent.error(409, busy.message(), Map.of("Retry-After", "1"));
            case Pipeline.Result.Conflict conflict -> throw new InvalidRequest(ApiGatewayTrigger.IDEMPOTENCY_HEADER,
                    conflict.message());
        };
    }

    /** Publishes the rejection of an invalid request and answers 400 with it. */
    JrsObject invalid(String requestId, Trigger trigger, String cvmId, JrsValue body, InvalidRequest problem,
                      Instant startedAt) {
        Outcome outcome = Outcome.invalid(requestId, trigger, cvmId, ComposeUpdateJson.validComposeHash(body), problem,
                startedAt, clock.instant());
        return reply(pipeline.reject(outcome, null).reply(), Map.of());
    }

    private static JrsObject reply(Pipeline.Reply reply, Map<String, String> extra) {
        return HttpRequestEvent.response(reply.status(), reply.body(), extra.isEmpty() ? reply.headers() : extra);
    }
}
