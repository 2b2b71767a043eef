package com.composerelay.trigger;

import com.composerelay.core.InvalidRequest;
import com.composerelay.json.Json;
import com.fasterxml.jackson.jr.stree.JrsObject;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An API Gateway request (HTTP API 2.0 or REST proxy) reduced to what the webhook routes need: the
 * method, path, headers by any case, and the raw body bytes that signatures are computed over.
 */
record HttpRequestEvent(JrsValue event, PayloadFormat format) {

    String method() {
        return format == PayloadFormat.HTTP_API_V2
                ? Json.asText(event.path("requestContext").path("http").path("method"), "")
                : Json.asText(event.path("httpMethod"), "");
    }

    String path() {
        return format == PayloadFormat.HTTP_API_V2 ? Json.asText(event.path("rawPath"), "") : Json.asText(event.path("path"), "");
    }

    String requestId() {
        return Json.asText(event.path("requestContext").path("requestId"), null);
    }

    /** A header by name in any case (HTTP API lower-cases them, REST keeps the sender's case). */
    String header(String name) {
        for (var field : Json.fields(event.path("headers"))) {
            if (field.getKey().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT)) && Json.isText(field.getValue())) {
                return Json.text(field.getValue());
            }
        }
        return null;
    }

    /** A query parameter by its exact name (both payload formats carry {@code queryStringParameters}), or null. */
    String query(String name) {
        JrsValue value = event.path("queryStringParameters").path(name);
        return Json.isText(value) ? Json.text(value) : null;
    }

    /** The body exactly as the sender sent it, base64-decoded when the event says so. */
    byte[] rawBody() throws InvalidRequest {
        JrsValue body = event.get("body");
        if (body == null || body.isNull()) {
            return new byte[0];
        }
        if (!Json.isText(body)) {
            throw new InvalidRequest("body", "must be text");
        }
        if (Json.asBoolean(event.path("isBase64Encoded"), false)) {
            try {
                return Base64.getDecoder().decode(Json.text(body));
            } catch (IllegalArgumentException e) {
                throw new InvalidRequest("body", "is marked base64-encoded but is not valid base64");
            }
        }
        return Json.text(body).getBytes(StandardCharsets.UTF_8);
    }

    /** An API Gateway proxy response with a JSON body. */
    static JrsObject response(int status, JrsObject body) {
        return response(status, Json.write(body), Map.of());
    }

    /** {@code extraHeaders} (at most one, or in a fixed order) follow {@code Content-Type}. */
    static JrsObject response(int status, String jsonBody, Map<String, String> extraHeaders) {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.putAll(extraHeaders);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("statusCode", status);
        response.put("headers", headers);
        response.put("body", jsonBody);
        response.put("isBase64Encoded", false);
        return Json.object(response);
    }

    /** {@code response} with the header {@code name} added, unless it has one already or {@code value} is null. */
    static JrsObject withHeaderIfAbsent(JrsObject response, String name, String value) {
        if (value == null || !(response.get("headers") instanceof JrsObject headers) || headers.get(name) != null) {
            return response;
        }
        Map<String, Object> all = new LinkedHashMap<>();
        Json.fields(headers).forEach(field -> all.put(field.getKey(), field.getValue()));
        all.put(name, value);
        Map<String, Object> copy = new LinkedHashMap<>();
        Json.fields(response).forEach(field -> copy.put(field.getKey(), field.getValue()));
        copy.put("headers", Json.object(all));
        return Json.object(copy);
    }

    static JrsObject error(int status, String message) {
        return error(status, message, Map.of());
    }

    static JrsObject error(int status, String message, Map<String, String> extraHeaders) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        return response(status, Json.write(Json.object(body)), extraHeaders);
    }
}
