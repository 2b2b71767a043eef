package com.composerelay.trigger;

import com.composerelay.core.CallerStatus;
import com.composerelay.core.InvalidRequest;
import com.composerelay.core.Outcome;
import com.composerelay.core.PhalaAnswer;
import com.composerelay.core.PhalaPassThrough;
import com.composerelay.core.Pipeline;
import com.composerelay.core.Relay;
import com.composerelay.json.Json;
import com.fasterxml.jackson.jr.stree.JrsObject;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Phala-compatible API's bodies and answers: a JSON object body within its bound, Phala's answer
 * passed back as Phala gave it (the key taken out), and the relay's own answers in Phala's error
 * shape ({@code {"detail": …}}), so Phala's clients print their usual messages.
 */
final class PhalaApiAnswers {
    /** The largest JSON body the relay forwards. */
    static final int MAX_BODY = 256 * 1024;

    private PhalaApiAnswers() {}

    /** A JSON object body within the bound: as sent (what is forwarded) and parsed. */
    record Body(String text, JrsValue tree) {}

    static Body jsonObject(HttpRequestEvent request) throws InvalidRequest {
        byte[] raw = request.rawBody();
        if (raw.length > MAX_BODY) {
            throw new InvalidRequest("body", "must be at most " + MAX_BODY + " bytes");
        }
        String text = new String(raw, StandardCharsets.UTF_8);
        JrsValue tree;
        try {
            tree = Json.parse(text);
        } catch (Json.Malformed e) {
            throw new InvalidRequest("body", e.getMessage());
        }
        if (!tree.isObject()) {
            throw new InvalidRequest("body", "must be a JSON object");
        }
        return new Body(text, tree);
    }

    /** Phala's last answer as it gave it (the key taken out); the relay's own words when none came. */
    static Pipeline.Reply phalaAnswered(Relay.Call call, Outcome outcome) {
        PhalaAnswer last = call.lastStatus() == null ? null : call.last();
        if (last == null) {
            return detailReply(CallerStatus.of(outcome), call.error());
        }
        if (last.status() == 401) {
            // The relay's own key was refused, even read anew: the client's token was fine.
            return detailReply(502, "Phala refused the relay's API key (401); the relay's operator must check it");
        }
        String body = last.value(PhalaPassThrough.RAW_BODY);
        Map<String, String> headers = last.requestId() == null ? Map.of() : Map.of("X-Request-ID", last.requestId());
        return new Pipeline.Reply(last.status(), body == null || body.isBlank() ? "{}" : body, headers);
    }

    static JrsObject response(Pipeline.Reply reply) {
        return HttpRequestEvent.response(reply.status(), reply.body(), reply.headers());
    }

    /** 204, no body (no {@code Content-Type}). */
    static JrsObject noContent() {
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("statusCode", 204);
        response.put("headers", Json.object(new LinkedHashMap<>()));
        response.put("body", "");
        response.put("isBase64Encoded", false);
        return Json.object(response);
    }

    /** An answer in Phala's error shape. */
    static JrsObject detail(int status, String message) {
        return response(detailReply(status, message));
    }

    private static Pipeline.Reply detailReply(int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("detail", message);
        return new Pipeline.Reply(status, Json.write(Json.object(body)));
    }
}
