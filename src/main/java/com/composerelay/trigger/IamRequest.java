package com.composerelay.trigger;

import com.composerelay.core.InvalidRequest;
import com.composerelay.json.Json;
import com.fasterxml.jackson.jr.stree.JrsValue;

/** What the IAM routes read from a request: the caller's ARN and its {@code Idempotency-Key}. */
final class IamRequest {
    static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
    private static final int MAX_IDEMPOTENCY_KEY = 255;

    private IamRequest() {}

    /**
     * The IAM caller's ARN as API Gateway puts it in the request context (HTTP API:
     * {@code authorizer.iam.userArn}; REST API: {@code identity.userArn}), or null.
     */
    static String callerArn(HttpRequestEvent request) {
        JrsValue context = request.event().path("requestContext");
        String arn = request.format() == PayloadFormat.HTTP_API_V2
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
