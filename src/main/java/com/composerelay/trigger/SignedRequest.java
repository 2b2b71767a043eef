package com.composerelay.trigger;

import com.composerelay.core.InvalidRequest;
import com.composerelay.log.Log;
import com.composerelay.core.SigningSecrets;
import com.composerelay.core.Verdict;
import com.fasterxml.jackson.jr.stree.JrsObject;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The first step of every signed route: the raw body, checked against the route's secrets before
 * anything else is read. A refusal says nothing about why to the caller (the log does).
 */
sealed interface SignedRequest {

    /** The signature holds: go on with these raw bytes. */
    record Verified(byte[] raw) implements SignedRequest {}

    /** Answer this and stop. */
    record Refused(JrsObject answer) implements SignedRequest {}

    static SignedRequest check(String route, HttpRequestEvent request, SigningKey key,
                               BiFunction<byte[], List<String>, Verdict> verify) {
        byte[] raw;
        try {
            raw = request.rawBody();
        } catch (InvalidRequest e) {
            return new Refused(HttpRequestEvent.error(400, e.getMessage()));
        }
        Verdict verdict;
        try {
            verdict = key.secrets().verify(key.secretId(), s -> verify.apply(raw, s));
        } catch (SigningSecrets.Unavailable e) {
            Log.warn(route + " not checked: " + e.getMessage());
            return new Refused(HttpRequestEvent.error(503, "the relay cannot check signatures right now"));
        }
        if (!verdict.valid()) {
            Log.warn(route + " refused: " + verdict, "request_id", request.requestId());
            return new Refused(HttpRequestEvent.error(401, "unauthorized"));
        }
        return new Verified(raw);
    }
}
