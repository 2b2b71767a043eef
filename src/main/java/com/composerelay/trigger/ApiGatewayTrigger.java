package com.composerelay.trigger;

import com.composerelay.core.ComposeUpdate;
import com.composerelay.core.Fingerprint;
import com.composerelay.core.InvalidRequest;
import com.composerelay.core.Outcome;
import com.composerelay.core.Outcome.Accepted;
import com.composerelay.core.Outcome.Failed;
import com.composerelay.core.Outcome.Rejected;
import com.composerelay.core.RelayRequest;
import com.composerelay.core.Trigger;
import com.composerelay.codec.ComposeUpdateJson;
import com.composerelay.codec.WholeUpdateJson;
import com.composerelay.core.WholeRequest;
import com.composerelay.core.WholeUpdate;
import com.composerelay.json.Json;
import com.composerelay.codec.OutcomeJson;
import com.fasterxml.jackson.jr.stree.JrsObject;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * API Gateway (HTTP API payload 2.0 and REST API proxy): {@code PATCH /cvms/{cvm_id}/compose_file}
 * with Phala's JSON body in, and {@code POST /cvms/{cvm_id}/updates} with a whole update; the outcome
 * as JSON out, with a status that says what happened.
 */
public final class ApiGatewayTrigger {
    private static final Pattern ROUTE = Pattern.compile("(?:.*/)?cvms/([^/]*)/compose_file/?");
    private static final Pattern UPDATES_ROUTE = Pattern.compile("(?:.*/)?cvms/([^/]*)/updates/?");

    static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
    private static final int MAX_IDEMPOTENCY_KEY = 255;

    private final Delivery delivery;
    private final HttpAnswers answers;

    public ApiGatewayTrigger(Delivery delivery) {
        this.delivery = delivery;
        this.answers = new HttpAnswers(delivery);
    }

    public JrsObject handle(JrsValue event, PayloadFormat format, Instant deadline, String lambdaRequestId) {
        Instant startedAt = delivery.clock().instant();
        String method = format == PayloadFormat.HTTP_API_V2
                ? Json.text(event.path("requestContext").path("http").path("method"))
                : Json.text(event.path("httpMethod"));
        String path = format == PayloadFormat.HTTP_API_V2 ? Json.text(event.path("rawPath")) : Json.text(event.path("path"));
        String cvmId = Json.text(event.path("pathParameters").path("cvm_id"));
        Matcher updates = path == null ? null : UPDATES_ROUTE.matcher(path);
        boolean whole = updates != null && updates.matches();
        if (cvmId == null && path != null) {
            Matcher route = ROUTE.matcher(path);
            cvmId = route.matches() ? route.group(1) : whole ? updates.group(1) : null;
        }
        if (cvmId == null) {
            return HttpRequestEvent.error(404, "no such route: the relay serves PATCH /cvms/{cvm_id}/compose_file"
                    + " and POST /cvms/{cvm_id}/updates");
        }
        String allowed = whole ? "POST" : "PATCH";
        if (!allowed.equalsIgnoreCase(method)) {
            return HttpRequestEvent.error(405, "method " + (method == null ? "(none)" : method) + " is not allowed: use "
                    + (whole ? "POST /cvms/{cvm_id}/updates" : "PATCH /cvms/{cvm_id}/compose_file"), Map.of("Allow", allowed));
        }
        String requestId = Json.text(event.path("requestContext").path("requestId"));
        if (requestId == null) {
            requestId = lambdaRequestId;
        }
        JrsValue body = null;
        try {
            body = body(event, format, whole);
            if (whole) {
                WholeUpdate update = WholeUpdateJson.read(body, cvmId);
                String headerKey = idempotencyKey(event);
                String key = headerKey != null ? "api:" + headerKey : "whole:" + Fingerprint.of(update);
                return answers.relayAndAnswer(new WholeRequest(requestId, requestId, Trigger.API, update, startedAt,
                        deadline, callerArn(event, format)), key);
            }
            ComposeUpdate update = ComposeUpdateJson.read(body, cvmId);
            String headerKey = idempotencyKey(event);
            String key = headerKey != null ? "api:" + headerKey : "update:" + Fingerprint.of(update);
            return answers.relayAndAnswer(new RelayRequest(requestId, requestId, Trigger.API, update, startedAt, deadline,
                    callerArn(event, format)), key);
        } catch (InvalidRequest problem) {
            return answers.invalidAnswer(requestId, Trigger.API, validOrNull(cvmId), body, problem, startedAt);
        }
    }

    private static JrsValue body(JrsValue event, PayloadFormat format, boolean whole) throws InvalidRequest {
        String text = new String(new HttpRequestEvent(event, format).rawBody(), StandardCharsets.UTF_8);
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

    /**
     * The IAM caller's ARN as API Gateway puts it in the request context (HTTP API:
     * {@code authorizer.iam.userArn}; REST API: {@code identity.userArn}), or null.
     */
    static String callerArn(JrsValue event, PayloadFormat format) {
        JrsValue context = event.path("requestContext");
        String arn = format == PayloadFormat.HTTP_API_V2
                ? Json.asText(context.path("authorizer").path("iam").path("userArn"), null)
                : Json.asText(context.path("identity").path("userArn"), null);
        return arn == null || arn.isBlank() ? null : arn;
    }

    /** The caller's {@code Idempotency-Key} header (any case), or null when it sent none. */
    static String idempotencyKey(JrsValue event) throws InvalidRequest {
        JrsValue headers = event.path("headers");
        for (var field : Json.fields(headers)) {
            if (field.getKey().equalsIgnoreCase(IDEMPOTENCY_HEADER) && Json.isText(field.getValue())) {
                String key = Json.text(field.getValue());
                if (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY
                        || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
                    throw new InvalidRequest(IDEMPOTENCY_HEADER,
                            "must be 1 to " + MAX_IDEMPOTENCY_KEY + " printable ASCII characters without spaces");
                }
                return key;
            }
        }
        return null;
    }

}
