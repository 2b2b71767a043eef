package com.composerelay.phala;

import com.composerelay.core.PhalaAnswer;
import com.composerelay.json.Json;
import com.composerelay.json.JsonNode;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads Phala's answers: status, request id, {@code Retry-After}, and {@code detail} in its three shapes. */
final class PhalaAnswers {
    private static final int MAX_DETAIL = 500;

    private PhalaAnswers() {}

    static PhalaAnswer read(HttpResponse<String> response, String apiKey, Clock clock) {
        int status = response.statusCode();
        String requestId = response.headers().firstValue("X-Request-ID").orElse(null);
        String detail = null;
        if (status >= 300) {
            JsonNode body = tryParse(response.body());
            if (body != null) {
                detail = detail(body.get("detail"));
                if (requestId == null) {
                    requestId = Json.text(body.get("request_id"));
                    if (requestId == null && body.get("detail") != null) {
                        requestId = Json.text(body.get("detail").get("request_id"));
                    }
                }
            } else if (response.body() != null && !response.body().isBlank()) {
                detail = response.body().strip();
            }
        }
        return new PhalaAnswer(status, bound(redact(detail, apiKey)), requestId,
                retryAfter(response.headers().firstValue("Retry-After").orElse(null), clock),
                response.headers().firstValue("Location").orElse(null));
    }

    /** {@code Retry-After} as delay-seconds or an HTTP date; anything else is ignored. */
    static Optional<Duration> retryAfter(String value, Clock clock) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String v = value.strip();
        if (v.chars().allMatch(Character::isDigit)) {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
            } catch (NumberFormatException e) {
                return Optional.of(Duration.ofDays(1));
            }
        }
        try {
            ZonedDateTime when = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration wait = Duration.between(clock.instant(), when.toInstant());
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Phala's {@code detail}: a string, FastAPI's list of {loc, msg}, or {error_code, message}. */
    static String detail(JsonNode detail) {
        if (detail == null || detail.isNull()) {
            return null;
        }
        if (detail.isTextual()) {
            return detail.textValue();
        }
        if (detail.isArray()) {
            List<String> parts = new ArrayList<>();
            for (JsonNode item : detail) {
                String msg = Json.text(item.get("msg"));
                JsonNode loc = item.get("loc");
                List<String> path = new ArrayList<>();
                if (loc != null && loc.isArray()) {
                    loc.forEach(p -> path.add(p.asText()));
                }
                parts.add((path.isEmpty() ? "" : String.join(".", path) + ": ") + (msg == null ? Json.write(item) : msg));
            }
            return String.join("; ", parts);
        }
        if (detail.isObject()) {
            String code = Json.text(detail.get("error_code"));
            String message = Json.text(detail.get("message"));
            if (code != null || message != null) {
                return (code == null ? "" : code + (message == null ? "" : " ")) + (message == null ? "" : message);
            }
        }
        return Json.write(detail);
    }

    private static JsonNode tryParse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode node = Json.parse(body);
            return node.isObject() ? node : null;
        } catch (Json.Malformed e) {
            return null;
        }
    }


    private static String bound(String text) {
        return text == null || text.length() <= MAX_DETAIL ? text : text.substring(0, MAX_DETAIL) + "...";
    }

    /** An upstream that echoes the request must not carry the key into an outcome. */
    private static String redact(String text, String apiKey) {
        return text == null || apiKey == null || apiKey.isEmpty() ? text : text.replace(apiKey, "[redacted]");
    }
}
