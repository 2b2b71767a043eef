package com.composerelay.trigger;

import com.composerelay.core.Invocation;
import com.composerelay.core.PhalaPassThrough;
import com.composerelay.core.Relay;
import com.composerelay.json.Json;
import com.fasterxml.jackson.jr.stree.JrsObject;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code GET /api/v1/cvms/{id}/state?target=…} as Phala's SDKs watch a CVM (server-sent events):
 * the relay reads Phala's state ({@code GET /cvms/{id}/state}, plain JSON) every {@code interval}
 * seconds and answers, within API Gateway's window (it buffers the whole answer and waits at most
 * 30 s), a stream of {@code state} events (each change), ended by {@code complete} (the target
 * reached: its data the final state) or by {@code timeout} with JSON data, on which the SDKs
 * connect again (JS after 5 s). Every event is closed by a blank line. Only the state's four fields
 * are passed on: {@code status}, {@code uptime}, {@code boot_progress}, {@code boot_error}.
 */
final class PhalaStateWatch {
    /** The longest a connection is kept open: API Gateway's 30 s, less a margin for the answer. */
    static final Duration WINDOW = Duration.ofSeconds(25);
    /** What is left of the invocation at the end, at least. */
    static final Duration MARGIN = Duration.ofSeconds(2);
    static final int DEFAULT_INTERVAL_SECONDS = 5;
    private static final int MAX_FIELD = 500;

    private final Relay relay;
    private final PhalaPassThrough phala;
    private final Relay.Sleeper sleeper;
    private final Clock clock;

    PhalaStateWatch(Relay relay, PhalaPassThrough phala, Relay.Sleeper sleeper, Clock clock) {
        this.relay = relay;
        this.phala = phala;
        this.sleeper = sleeper;
        this.clock = clock;
    }

    /**
     * Watches {@code cvmId} until its status is {@code target} or the window ends. A first read that
     * fails is answered as Phala answered (or as the relay's failure); a later one ends the stream
     * with {@code timeout}, so the client reconnects.
     */
    JrsObject watch(String cvmId, String target, int intervalSeconds, String version, Invocation invocation) {
        Instant start = clock.instant();
        Instant windowEnd = start.plus(WINDOW);
        Instant invocationEnd = invocation.deadline().minus(MARGIN);
        Instant end = windowEnd.isBefore(invocationEnd) ? windowEnd : invocationEnd;
        Duration interval = Duration.ofSeconds(Math.max(1, intervalSeconds));
        StringBuilder stream = new StringBuilder();
        String last = null;
        boolean first = true;
        while (true) {
            // Each read within the invocation's own deadline (the relay's reserve kept); the window bounds the loop.
            Relay.Call read = relay.call(invocation.deadline(), (key, timeout) -> phala.forward("GET", cvmId, "/state",
                    null, version, key, timeout));
            Map<String, Object> state = read.succeeded() ? state(read.answer().value(PhalaPassThrough.RAW_BODY)) : null;
            if (state == null) {
                if (first && !read.succeeded() && read.lastStatus() != null) {
                    return PhalaApiAnswers.response(PhalaApiAnswers.phalaAnswered(read, null)); // Phala's 404, 403…
                }
                if (first) {
                    return PhalaApiAnswers.detail(read.succeeded() ? 502 : 503, read.succeeded()
                            ? "Phala's state of the CVM is not a JSON object with a status"
                            : "Phala's state of the CVM could not be read: " + read.error());
                }
                return timeout(stream, "Phala's state could not be read now; reconnect");
            }
            first = false;
            String data = Json.write(Json.object(state));
            if (!data.equals(last)) {
                event(stream, "state", data);
                last = data;
            }
            if (target != null && target.equals(state.get("status"))) {
                event(stream, "complete", data);
                return sse(stream);
            }
            if (clock.instant().plus(interval).isAfter(end)) {
                return timeout(stream, "the relay answers within " + WINDOW.toSeconds() + " s per connection;"
                        + " reconnect to watch on");
            }
            try {
                sleeper.sleep(interval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return timeout(stream, "interrupted; reconnect");
            }
        }
    }

    /** The state's four fields from Phala's JSON, bounded; null when it is not a JSON object with a status. */
    static Map<String, Object> state(String body) {
        JrsValue node;
        try {
            node = Json.parse(Objects.requireNonNullElse(body, ""));
        } catch (Json.Malformed e) {
            return null;
        }
        if (!node.isObject() || !Json.isText(node.path("status"))) {
            return null;
        }
        Map<String, Object> state = new LinkedHashMap<>();
        for (String field : new String[] {"status", "uptime", "boot_progress", "boot_error"}) {
            JrsValue v = node.path(field);
            state.put(field, Json.isText(v) ? bound(Json.text(v)) : v.isNumber() ? Json.number(v) : null);
        }
        return state;
    }

    private static String bound(String text) {
        return text.length() > MAX_FIELD ? text.substring(0, MAX_FIELD) : text;
    }

    private static void event(StringBuilder stream, String name, String data) {
        stream.append("event: ").append(name).append('\n').append("data: ").append(data).append("\n\n");
    }

    private static JrsObject timeout(StringBuilder stream, String message) {
        event(stream, "timeout", Json.write(Json.object(Map.of("message", message))));
        return sse(stream);
    }

    private static JrsObject sse(StringBuilder stream) {
        return HttpRequestEvent.response(200, stream.toString(), Map.of("Content-Type", "text/event-stream",
                "Cache-Control", "no-cache"));
    }
}
