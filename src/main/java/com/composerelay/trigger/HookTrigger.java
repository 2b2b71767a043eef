package com.composerelay.trigger;

import com.composerelay.core.ComposeUpdate;
import com.composerelay.core.Fingerprint;
import com.composerelay.core.InvalidRequest;
import com.composerelay.core.Invocation;
import com.composerelay.core.Pipeline;
import com.composerelay.core.Runs;
import com.composerelay.core.StoreKeys;
import com.composerelay.core.RelayRequest;
import com.composerelay.core.SecretGuard;
import com.composerelay.core.Trigger;
import com.composerelay.codec.ComposeUpdateJson;
import com.composerelay.json.Json;
import com.composerelay.log.Log;
import com.composerelay.webhook.HubSignature;
import com.fasterxml.jackson.jr.stree.JrsObject;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;

/**
 * {@code POST /hooks/compose-update}: the PATCH route's body plus {@code cvm_id} and the signed
 * {@code timestamp} of sending, for CI systems that can only sign with a shared secret
 * ({@code X-Hub-Signature-256}, GitHub's scheme). Unsigned or wrongly signed requests get 401 with no
 * detail and are never forwarded. A signed body is usable once: its idempotency key is its own
 * SHA-256 (unsigned headers would let a captured body be resent under new keys), and once its
 * timestamp leaves the window, which the idempotency record outlasts, it is refused.
 */
public final class HookTrigger {
    static final String STALE = "timestamp: outside the " + HubSignature.WINDOW.toSeconds()
            + " s window of the relay's clock; sign a fresh request";

    private final Runs runs;
    private final HttpAnswer answers;
    private final SigningKey signing;
    /** Who the hook's callers are: whoever holds its secret, named by the secret ({@code hook:<secret name>}). */
    private final String actor;
    private final Clock clock;

    public HookTrigger(Runs runs, Pipeline pipeline, SigningKey signing, Clock clock) {
        this.runs = runs;
        this.answers = new HttpAnswer(pipeline, clock);
        this.signing = signing;
        this.actor = "hook:" + SecretGuard.nameOf(signing.secretId());
        this.clock = clock;
    }

    JrsObject handle(HttpRequestEvent request, Invocation invocation) {
        Instant startedAt = clock.instant();
        String signature = request.header("X-Hub-Signature-256");
        byte[] raw;
        switch (SignedRequest.check("hook", request, signing, (body, s) -> HubSignature.verify(signature, body, s))) {
            case SignedRequest.Refused refused -> {
                return refused.answer();
            }
            case SignedRequest.Verified verified -> raw = verified.raw();
        }
        String requestId = request.requestId() != null ? request.requestId() : invocation.requestId();
        JrsValue body = null;
        try {
            try {
                body = Json.parse(new String(raw, StandardCharsets.UTF_8));
            } catch (Json.Malformed e) {
                throw new InvalidRequest("body", e.getMessage());
            }
            // Checked before the rest of the body, so that an old signed body publishes nothing, valid or not.
            long sentAt = ComposeUpdateJson.timestamp(body, HubSignature.WINDOW);
            if (!HubSignature.fresh(sentAt, startedAt)) {
                Log.warn("hook refused: timestamp outside the window, a replay or a clock problem", "request_id", requestId,
                        "timestamp", sentAt, "relay_clock", startedAt.getEpochSecond());
                return HttpRequestEvent.error(401, STALE);
            }
            ComposeUpdate update = ComposeUpdateJson.readWithTimestamp(body);
            String idempotencyKey = StoreKeys.REQUEST_HOOK.of(Fingerprint.sha256Hex(raw));
            return answers.of(runs.patch(invocation, new RelayRequest(requestId, requestId, Trigger.HOOK, update, startedAt,
                    invocation.deadline(), actor), idempotencyKey, null, false));
        } catch (InvalidRequest problem) {
            return answers.invalid(requestId, Trigger.HOOK, ComposeUpdateJson.validCvmId(body), body, problem, startedAt);
        }
    }
}
