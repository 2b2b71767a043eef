package com.composerelay.support;

import com.composerelay.webhook.PhalaWebhookSignature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Phala's webhook deliveries as Phala signs them, for tests that mix them with other triggers. */
public final class PhalaEvents {
    private PhalaEvents() {}

    /** {@code POST /phala/events} with an event of this id and type about {@code cvmId}, signed now by the harness's clock. */
    public static String signed(Harness harness, String id, String type, String cvmId) {
        return signed(id, type, cvmId, null, harness.now(), Harness.PHALA_SECRET);
    }

    /** The same with Phala's {@code data.error} (or null), signed with {@code secret} at {@code timestamp}. */
    public static String signed(String id, String type, String cvmId, String error, long timestamp, String secret) {
        ObjectNode envelope = TestJson.object();
        envelope.put("id", id);
        envelope.put("event", type);
        envelope.put("version", "1");
        envelope.put("created_at", "2026-11-25T12:00:00Z");
        envelope.putObject("workspace").put("id", "ws_1").put("name", "acme");
        ObjectNode data = envelope.putObject("data").put("cvm_id", cvmId).put("cvm_name", "web").put("app_id", "app_1")
                .put("status", "running");
        if (error != null) {
            data.put("error", error);
        }
        String body = TestJson.write(envelope);
        String ts = String.valueOf(timestamp);
        return Harness.post("/phala/events", Map.of("X-Webhook-Id", id, "X-Webhook-Event", type, "X-Webhook-Timestamp", ts,
                "X-Webhook-Signature", PhalaWebhookSignature.sign(secret, ts,
                        body.getBytes(StandardCharsets.UTF_8))), body, false);
    }
}
