package com.composerelay.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A function's answer read the way API Gateway's HTTP API reads a payload format 2.0 response:
 * an object with {@code statusCode} gives status, headers, {@code multiValueHeaders}, cookies (one
 * {@code Set-Cookie} each) and body (base64-decoded when {@code isBase64Encoded}); any other valid
 * JSON is a 200 {@code application/json} whose body is that JSON (a string's text, unquoted);
 * a function error or an answer that is not JSON is API Gateway's 500.
 */
public record HttpApiAnswer(int status, List<Map.Entry<String, String>> headers, byte[] body) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static final HttpApiAnswer NOT_FOUND = apiGateway(404, "Not Found");
    public static final HttpApiAnswer INTERNAL_SERVER_ERROR = apiGateway(500, "Internal Server Error");

    /** API Gateway's own answer: {@code {"message":"..."}} as JSON. */
    static HttpApiAnswer apiGateway(int status, String message) {
        return new HttpApiAnswer(status, List.of(Map.entry("Content-Type", "application/json")),
                ("{\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    /** The HTTP response for what the function returned (the invocation's output, as the emulator gives it). */
    public static HttpApiAnswer of(String functionOutput) {
        JsonNode output;
        try {
            output = MAPPER.readTree(functionOutput);
        } catch (JsonProcessingException notJson) {
            return INTERNAL_SERVER_ERROR;
        }
        if (output == null || output.isMissingNode()) {
            return INTERNAL_SERVER_ERROR;
        }
        if (output.isObject() && output.has("statusCode")) {
            return structured(output);
        }
        if (isFunctionError(output)) {
            return INTERNAL_SERVER_ERROR;
        }
        String body = output.isTextual() ? output.textValue() : functionOutput.strip();
        return new HttpApiAnswer(200, List.of(Map.entry("Content-Type", "application/json")),
                body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Lambda tells API Gateway of a function error with a header the emulator does not pass on; what is
     * left is the error document the runtime client writes: {@code errorMessage}, {@code errorType}.
     */
    static boolean isFunctionError(JsonNode output) {
        return output.isObject() && (output.has("errorType") || output.has("errorMessage")) && !output.has("statusCode");
    }

    private static HttpApiAnswer structured(JsonNode output) {
        JsonNode statusCode = output.get("statusCode");
        if (!statusCode.isIntegralNumber() || statusCode.intValue() < 100 || statusCode.intValue() > 599) {
            return INTERNAL_SERVER_ERROR; // a malformed Lambda proxy response
        }
        int status = statusCode.intValue();
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        output.path("headers").properties().forEach(h -> headers.add(Map.entry(h.getKey(), text(h.getValue()))));
        output.path("multiValueHeaders").properties().forEach(h -> h.getValue()
                .forEach(v -> headers.add(Map.entry(h.getKey(), text(v)))));
        output.path("cookies").forEach(c -> headers.add(Map.entry("Set-Cookie", text(c))));
        JsonNode body = output.path("body");
        byte[] bytes;
        if (body.isMissingNode() || body.isNull()) {
            bytes = new byte[0];
        } else if (output.path("isBase64Encoded").asBoolean(false)) {
            try {
                bytes = Base64.getDecoder().decode(text(body));
            } catch (IllegalArgumentException notBase64) {
                return INTERNAL_SERVER_ERROR;
            }
        } else {
            bytes = text(body).getBytes(StandardCharsets.UTF_8);
        }
        return new HttpApiAnswer(status, List.copyOf(headers), bytes);
    }

    /** A header or body value as text: strings as they are, numbers and booleans as written. */
    private static String text(JsonNode value) {
        return value.isValueNode() ? value.asText() : value.toString();
    }
}
