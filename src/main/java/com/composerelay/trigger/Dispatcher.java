package com.composerelay.trigger;

import com.composerelay.log.Log;
import com.composerelay.json.JsonNode;
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

    public JsonNode dispatch(JsonNode event, Instant deadline, String lambdaRequestId) {
        if (isSqs(event)) {
            return sqs.handle(event, deadline, lambdaRequestId);
        }
        if (event.path("version").asText("").equals("2.0") && event.path("requestContext").has("http")) {
            return http(event, ApiGatewayTrigger.Format.HTTP_API_V2, deadline, lambdaRequestId);
        }
        if (event.path("httpMethod").isTextual() && event.has("requestContext")) {
            return http(event, ApiGatewayTrigger.Format.REST_API_V1, deadline, lambdaRequestId);
        }
        String what = describe(event);
        Log.error("event refused: unrecognised " + what, null);
        throw new UnrecognisedEvent("unrecognised event: " + what + "; the relay accepts API Gateway (HTTP API "
                + "payload 2.0, REST API proxy) and SQS events; nothing was forwarded");
    }

    private JsonNode http(JsonNode event, ApiGatewayTrigger.Format format, Instant deadline, String lambdaRequestId) {
        return webhooks.handle(event, format, deadline, lambdaRequestId)
                .map(JsonNode.class::cast)
                .orElseGet(() -> api.handle(event, format, deadline, lambdaRequestId));
    }

    private static boolean isSqs(JsonNode event) {
        JsonNode records = event.path("Records");
        return records.isArray() && !records.isEmpty()
                && "aws:sqs".equals(records.get(0).path("eventSource").asText(null));
    }

    /** Names what arrived: its source, its records' source, or its top-level keys. */
    static String describe(JsonNode event) {
        if (!event.isObject()) {
            return "a JSON " + event.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " instead of an event object";
        }
        if (event.path("source").isTextual()) {
            return "event with source '" + clip(event.get("source").textValue()) + "'";
        }
        JsonNode first = event.path("Records").path(0);
        String recordSource = first.path("eventSource").asText(first.path("EventSource").asText(null));
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
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(64).forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return text.length() > 64 ? out + "..." : out.toString();
    }
}
