package com.composerelay.trigger;

import com.composerelay.core.ComposeUpdate;
import com.composerelay.core.Fingerprint;
import com.composerelay.core.InvalidRequest;
import com.composerelay.core.RelayRequest;
import com.composerelay.core.Trigger;
import com.composerelay.json.ComposeUpdateJson;
import com.composerelay.json.Json;
import com.composerelay.log.Log;
import com.composerelay.webhook.HubSignature;
import com.composerelay.webhook.SigningSecrets;
import com.composerelay.webhook.Verdict;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;

/**
 * {@code POST /hooks/compose-update}: the PATCH route's body plus {@code cvm_id}, for CI systems that
 * can only sign with a shared secret ({@code X-Hub-Signature-256}, GitHub's scheme). Unsigned or
 * wrongly signed requests get 401 with no detail and are never forwarded.
 */
public final class HookTrigger {
    private final ApiGatewayTrigger api;
    private final SigningSecrets secrets;
    private final String secretId;
    private final Clock clock;

    public HookTrigger(ApiGatewayTrigger api, SigningSecrets secrets, String secretId, Clock clock) {
        this.api = api;
        this.secrets = secrets;
        this.secretId = secretId;
        this.clock = clock;
    }

    ObjectNode handle(HttpRequestEvent request, Instant deadline, String lambdaRequestId) {
        Instant startedAt = clock.instant();
        byte[] raw;
        try {
            raw = request.rawBody();
        } catch (InvalidRequest e) {
            return HttpRequestEvent.error(400, e.getMessage());
        }
        String signature = request.header("X-Hub-Signature-256");
        Verdict verdict;
        try {
            verdict = secrets.verify(secretId, s -> HubSignature.verify(signature, raw, s));
        } catch (SigningSecrets.Unavailable e) {
            Log.warn("hook not checked: " + e.getMessage());
            return HttpRequestEvent.error(503, "the relay cannot check signatures right now");
        }
        if (!verdict.valid()) {
            Log.warn("hook refused: " + verdict, "request_id", request.requestId());
            return HttpRequestEvent.error(401, "unauthorized");
        }
        String requestId = request.requestId() != null ? request.requestId() : lambdaRequestId;
        JsonNode body = null;
        try {
            try {
                body = Json.parse(new String(raw, StandardCharsets.UTF_8));
            } catch (Json.Malformed e) {
                throw new InvalidRequest("body", e.getMessage());
            }
            ComposeUpdate update = ComposeUpdateJson.read(body, null);
            String key = request.header(ApiGatewayTrigger.IDEMPOTENCY_HEADER);
            if (key == null) {
                key = request.header("X-GitHub-Delivery");
            }
            String idempotencyKey = key != null ? "hook:" + key : "update:" + Fingerprint.of(update);
            return api.relayAndAnswer(new RelayRequest(requestId, Trigger.HOOK, update, startedAt, deadline), idempotencyKey);
        } catch (InvalidRequest problem) {
            return api.invalidAnswer(requestId, Trigger.HOOK, ComposeUpdateJson.validCvmId(body), body, problem, startedAt);
        }
    }
}
