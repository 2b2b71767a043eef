package com.composerelay.trigger;

import com.composerelay.codec.ComposeUpdateJson;
import com.composerelay.codec.WholeUpdateJson;
import com.composerelay.core.ComposeUpdate;
import com.composerelay.core.Fingerprint;
import com.composerelay.core.InvalidRequest;
import com.composerelay.core.Invocation;
import com.composerelay.core.Pipeline;
import com.composerelay.core.RelayRequest;
import com.composerelay.core.Runs;
import com.composerelay.core.StoreKeys;
import com.composerelay.core.Trigger;
import com.composerelay.core.WholeRequest;
import com.composerelay.core.WholeUpdate;
import com.composerelay.json.Json;
import com.fasterxml.jackson.jr.stree.JrsObject;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;

/**
 * The IAM routes: {@code PATCH /cvms/{cvm_id}/compose_file} with Phala's JSON body, and
 * {@code POST /cvms/{cvm_id}/updates} with a whole update. Translates the request into the
 * pipeline's request (key: the caller's {@code Idempotency-Key}, else the content; actor: the IAM
 * caller) and the pipeline's result into the outcome as JSON with a status that says what happened.
 */
public final class ApiGatewayTrigger {
    static final String IDEMPOTENCY_HEADER = IamRequest.IDEMPOTENCY_HEADER;

    private final Runs runs;
    private final HttpAnswer answer;
    private final Clock clock;

    public ApiGatewayTrigger(Runs runs, Pipeline pipeline, Clock clock) {
        this.runs = runs;
        this.answer = new HttpAnswer(pipeline, clock);
        this.clock = clock;
    }

    JrsObject handle(HttpRequestEvent request, HttpRoutes.Decision.Found route, Invocation invocation) {
        Instant startedAt = clock.instant();
        String cvmId = route.cvmId();
        boolean whole = route.route() == HttpRoutes.Route.UPDATES;
        String requestId = request.requestId() != null ? request.requestId() : invocation.requestId();
        String actor = callerArn(request);
        JrsValue body = null;
        try {
            body = body(request, whole);
            if (whole) {
                WholeUpdate update = WholeUpdateJson.read(body, cvmId);
                String headerKey = idempotencyKey(request.event());
                String key = headerKey != null ? StoreKeys.REQUEST_HEADER.of(headerKey)
                        : StoreKeys.REQUEST_WHOLE.of(Fingerprint.of(update));
                return answer.of(runs.whole(invocation, new WholeRequest(requestId, requestId, Trigger.API, update,
                        startedAt, invocation.deadline(), actor), key, null, false));
            }
            ComposeUpdate update = ComposeUpdateJson.read(body, cvmId);
            String headerKey = idempotencyKey(request.event());
            String key = headerKey != null ? StoreKeys.REQUEST_HEADER.of(headerKey)
                    : StoreKeys.REQUEST_PATCH.of(Fingerprint.of(update));
            return answer.of(runs.patch(invocation, new RelayRequest(requestId, requestId, Trigger.API, update, startedAt,
                    invocation.deadline(), actor), key, null, false));
        } catch (InvalidRequest problem) {
            return answer.invalid(requestId, Trigger.API, validOrNull(cvmId), body, problem, startedAt);
        }
    }

    private static JrsValue body(HttpRequestEvent request, boolean whole) throws InvalidRequest {
        String text = new String(request.rawBody(), StandardCharsets.UTF_8);
        if (text.isBlank()) {
            throw new InvalidRequest("body", "is required: a JSON object with " + (whole ? "app_compose" : "compose_hash"));
        }
        try {
            return Json.parse(text);
        } catch (Json.Malformed e) {
            throw new InvalidRequest("body", e.getMessage());
        }
    }

    private static String validOrNull(String cvmId) {
        try {
            ComposeUpdate.checkCvmId(cvmId);
            return cvmId;
        } catch (InvalidRequest e) {
            return null;
        }
    }

    static String callerArn(HttpRequestEvent request) {
        return IamRequest.callerArn(request);
    }

    static String idempotencyKey(JrsValue event) throws InvalidRequest {
        return IamRequest.idempotencyKey(event);
    }
}
