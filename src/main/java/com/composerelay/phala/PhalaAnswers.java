package com.composerelay.phala;

import com.composerelay.core.PhalaAnswer;
import com.composerelay.core.PhalaPassThrough;
import com.composerelay.core.PhalaProvisioning;
import com.composerelay.core.Redaction;
import com.composerelay.json.Json;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.Optional;

/**
 * Reads Phala's answers: status, request id, {@code Retry-After}, and {@code detail} in its three
 * shapes. Every string taken from an answer reaches outputs (the caller's response, the outcome, the
 * log), so each is bounded and has the API key taken out, however Phala echoed it.
 */
final class PhalaAnswers {
    static final int MAX_DETAIL = 500;
    static final int MAX_REQUEST_ID = 128;
    static final int MAX_LOCATION = 256;
    /** A value read from an answer's body (a hash, an id, a key, kms_info as JSON). */
    static final int MAX_VALUE = 500;

    private PhalaAnswers() {}

    static PhalaAnswer read(int status, HttpHeaders headers, String rawBody, String apiKey, Clock clock) {
        return read(status, headers, rawBody, apiKey, clock, body -> Map.of());
    }

    /** What a kind of call reads from a successful answer's body, by name (see {@code PhalaProvisioning}). */
    interface Values extends Function<JrsValue, Map<String, String>> {
        /** The longest value of this name kept (after the key is taken out); a longer one is cut. */
        default int maxValue(String name) {
            return MAX_VALUE;
        }

        /**
         * Whether every successful answer is read, not only a JSON object: an array as it is, and a body
         * that is empty or not JSON as null (the fleet's reads say then why they cannot use it).
         */
        default boolean readsAnyBody() {
            return false;
        }
    }

    /** The longest name of a value read from an answer (a fleet's names hold an id read from it). */
    static final int MAX_NAME = 200;

    /** Reads nothing from the body: the answer keeps the raw body itself (a pass-through), see {@link #read}. */
    static final Values RAW = body -> Map.of();

    /** The longest raw body passed back to a client: the bounded body as read. */
    static final int MAX_RAW = BoundedBody.LIMIT;

    /** As above, with {@code values} read from a successful answer's body and, from an error, {@code detail.details}. */
    static PhalaAnswer read(int status, HttpHeaders headers, String rawBody, String apiKey, Clock clock, Values values) {
        String requestId = headers.firstValue("X-Request-ID").orElse(null);
        String detail = null;
        Map<String, String> read = new LinkedHashMap<>();
        if (values == RAW) {
            read.put(PhalaPassThrough.RAW_BODY, clean(rawBody == null ? "" : rawBody, apiKey, MAX_RAW));
            headers.firstValue("Content-Type").ifPresent(type -> read.put(PhalaPassThrough.CONTENT_TYPE,
                    clean(type, apiKey, 128)));
        }
        if (status >= 200 && status < 300) {
            JrsValue body = values.readsAnyBody() ? tryParseAny(rawBody) : tryParse(rawBody);
            if (body != null || values.readsAnyBody()) {
                values.apply(body).forEach((name, value) -> {
                    if (value != null) {
                        read.put(clean(name, apiKey, MAX_NAME), clean(value, apiKey, values.maxValue(name)));
                    }
                });
            }
        }
        if (status >= 300) {
            JrsValue body = tryParse(rawBody);
            if (body != null) {
                for (JrsValue item : Json.elements(body.path("detail").path("details"))) {
                    String field = Json.asText(item.path("field"), null);
                    if (field != null && read.size() < 16) {
                        read.put(PhalaProvisioning.DETAIL_PREFIX + clean(field, apiKey, 64),
                                clean(Json.isText(item.path("value")) ? Json.text(item.path("value"))
                                        : Json.write(item.path("value")), apiKey, MAX_VALUE));
                    }
                }
                detail = detail(body.get("detail"));
                if (requestId == null) {
                    requestId = Json.text(body.get("request_id"));
                    if (requestId == null && body.get("detail") != null) {
                        requestId = Json.text(body.get("detail").get("request_id"));
                    }
                }
            } else if (rawBody != null && !rawBody.isBlank()) {
                detail = rawBody.strip();
            }
        }
        return new PhalaAnswer(status, clean(detail, apiKey, MAX_DETAIL), clean(requestId, apiKey, MAX_REQUEST_ID),
                retryAfter(headers.firstValue("Retry-After").orElse(null), clock),
                clean(headers.firstValue("Location").orElse(null), apiKey, MAX_LOCATION), read);
    }

    /** An upstream string fit for an output: the key taken out, its length bounded. */
    static String clean(String text, String apiKey, int max) {
        return bound(Redaction.redact(text, apiKey), max);
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
    static String detail(JrsValue detail) {
        if (detail == null || detail.isNull()) {
            return null;
        }
        if (Json.isText(detail)) {
            return Json.text(detail);
        }
        if (detail.isArray()) {
            List<String> parts = new ArrayList<>();
            for (JrsValue item : Json.elements(detail)) {
                String msg = Json.text(item.get("msg"));
                JrsValue loc = item.get("loc");
                List<String> path = new ArrayList<>();
                if (loc != null && loc.isArray()) {
                    Json.elements(loc).forEach(p -> path.add(Json.asText(p)));
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

    private static JrsValue tryParse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JrsValue node = Json.parse(body);
            return node.isObject() ? node : null;
        } catch (Json.Malformed e) {
            return null;
        }
    }

    /** Any JSON document, or null for an empty body or one that is not JSON. */
    private static JrsValue tryParseAny(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return Json.parse(body);
        } catch (Json.Malformed e) {
            return null;
        }
    }

    private static String bound(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end) + "...";
    }
}
