package com.composerelay.trigger;

import com.composerelay.core.InvalidRequest;
import com.composerelay.json.Json;
import com.composerelay.json.JsonNode;
import com.composerelay.json.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * An API Gateway request (HTTP API 2.0 or REST proxy) reduced to what the webhook routes need: the
 * method, path, headers by any case, and the raw body bytes that signatures are computed over.
 */
record HttpRequestEvent(JsonNode event, ApiGatewayTrigger.Format format) {

    String method() {
        return format == ApiGatewayTrigger.Format.HTTP_API_V2
                ? event.path("requestContext").path("http").path("method").asText("")
                : event.path("httpMethod").asText("");
    }

    String path() {
        return format == ApiGatewayTrigger.Format.HTTP_API_V2 ? event.path("rawPath").asText("") : event.path("path").asText("");
    }

    String requestId() {
        return event.path("requestContext").path("requestId").asText(null);
    }

    /** A header by name in any case (HTTP API lower-cases them, REST keeps the sender's case). */
    String header(String name) {
        for (var field : event.path("headers").properties()) {
            if (field.getKey().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT)) && field.getValue().isTextual()) {
                return field.getValue().textValue();
            }
        }
        return null;
    }

    /** The body exactly as the sender sent it, base64-decoded when the event says so. */
    byte[] rawBody() throws InvalidRequest {
        JsonNode body = event.get("body");
        if (body == null || body.isNull()) {
            return new byte[0];
        }
        if (!body.isTextual()) {
            throw new InvalidRequest("body", "must be text");
        }
        if (event.path("isBase64Encoded").asBoolean(false)) {
            try {
                return Base64.getDecoder().decode(body.textValue());
            } catch (IllegalArgumentException e) {
                throw new InvalidRequest("body", "is marked base64-encoded but is not valid base64");
            }
        }
        return body.textValue().getBytes(StandardCharsets.UTF_8);
    }

    /** An API Gateway proxy response with a JSON body. */
    static ObjectNode response(int status, ObjectNode body) {
        return response(status, Json.write(body));
    }

    static ObjectNode response(int status, String jsonBody) {
        ObjectNode response = Json.object();
        response.put("statusCode", status);
        response.putObject("headers").put("Content-Type", "application/json");
        response.put("body", jsonBody);
        response.put("isBase64Encoded", false);
        return response;
    }

    static ObjectNode error(int status, String message) {
        ObjectNode body = Json.object();
        body.put("error", message);
        return response(status, body);
    }
}
