package com.composerelay.trigger;

import com.composerelay.json.Json;
import com.composerelay.log.Log;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Tells the kind of event from its payload and hands it to the trigger for that kind. */
public final class Dispatcher {
    private static final int MAX_KEYS_NAMED = 10;

    private final ApiGatewayTrigger api;
    private final SqsTrigger sqs;
    private final WebhookRoutes webhooks;

    public Dispatcher(ApiGatewayTrigger api, SqsTrigger sqs, WebhookRoutes webhooks) {
        this.api = api;
        this.sqs = sqs;
        this.webhooks = webhooks;
    }

    public JrsValue dispatch(JrsValue event, Instant deadline, String lambdaRequestId) {
        if (isSqs(event)) {
            return sqs.handle(event, deadline, lambdaRequestId);
        }
        if (Json.asText(event.path("version"), "").equals("2.0") && Json.has(event.path("requestContext"), "http")) {
            return http(event, PayloadFormat.HTTP_API_V2, deadline, lambdaRequestId);
        }
        if (Json.isText(event.path("httpMethod")) && Json.has(event, "requestContext")) {
            return http(event, PayloadFormat.REST_API_V1, deadline, lambdaRequestId);
        }
        String what = describe(event);
        Log.error("event refused: unrecognised " + what, null);
        throw new UnrecognisedEvent("unrecognised event: " + what + "; the relay accepts API Gateway (HTTP API "
                + "payload 2.0, REST API proxy) and SQS events; nothing was forwarded");
    }

    private JrsValue http(JrsValue event, PayloadFormat format, Instant deadline, String lambdaRequestId) {
        return webhooks.handle(event, format, deadline, lambdaRequestId)
                .map(JrsValue.class::cast)
                .orElseGet(() -> api.handle(event, format, deadline, lambdaRequestId));
    }

    private static boolean isSqs(JrsValue event) {
        JrsValue records = event.path("Records");
        return records.isArray() && records.size() > 0
                && "aws:sqs".equals(Json.asText(records.get(0).path("eventSource"), null));
    }

    /** Names what arrived: its source, its records' source, or its top-level keys. */
    static String describe(JrsValue event) {
        if (!event.isObject()) {
            return "a JSON " + Json.kind(event).toLowerCase(java.util.Locale.ROOT) + " instead of an event object";
        }
        if (Json.isText(event.path("source"))) {
            return "event with source '" + clip(Json.text(event.get("source"))) + "'";
        }
        JrsValue first = event.path("Records").path(0);
        String recordSource = Json.asText(first.path("eventSource"), Json.asText(first.path("EventSource"), null));
        if (recordSource != null) {
            return "event with records from '" + clip(recordSource) + "'";
        }
        List<String> keys = new ArrayList<>();
        event.fieldNames().forEachRemaining(k -> keys.add(clip(k)));
        if (keys.isEmpty()) {
            return "empty event object";
        }
        String named = String.join(", ", keys.subList(0, Math.min(keys.size(), MAX_KEYS_NAMED)));
        return "event with top-level keys [" + named + (keys.size() > MAX_KEYS_NAMED ? ", ..." : "") + "]";
    }

    private static String clip(String text) {
        return clip(text, 64);
    }

    /** Caller text fit to quote in a message: control characters as {@code ?}, at most {@code limit} code points. */
    static String clip(String text, int limit) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(limit).forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return text.length() > limit ? out + "..." : out.toString();
    }
}
