package com.composerelay.core;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * One answer from Phala, reduced to what the relay acts on.
 *
 * @param status the HTTP status
 * @param detail Phala's error {@code detail} made readable, or {@code null}
 * @param requestId Phala's {@code X-Request-ID} (or {@code request_id} of an error body), or {@code null}
 * @param retryAfter the wait {@code Retry-After} asked for, if any
 * @param location the {@code Location} header of a redirect, or {@code null}
 * @param values what the relay reads from the body of this kind of call (bounded, redacted), by name
 */
public record PhalaAnswer(
        int status, String detail, String requestId, Optional<Duration> retryAfter, String location,
        Map<String, String> values) {

    public PhalaAnswer {
        values = Map.copyOf(values);
    }

    public PhalaAnswer(int status, String detail, String requestId, Optional<Duration> retryAfter, String location) {
        this(status, detail, requestId, retryAfter, location, Map.of());
    }

    public String value(String name) {
        return values.get(name);
    }

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    /** 409, 429 and the 5xx that mean "not now" are worth another attempt; nothing else is. */
    public boolean isRetryable() {
        return switch (status) {
            case 409, 429, 500, 502, 503, 504 -> true;
            default -> false;
        };
    }
}
