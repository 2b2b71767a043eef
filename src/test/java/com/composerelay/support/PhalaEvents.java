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
        ObjectNode envelope = TestJson.object();
        envelope.put("id", id);
        envelope.put("event", type);
        envelope.put("version", "1");
        envelope.put("created_at", "2026-11-25T12:00:00Z");
        envelope.putObject("workspace").put("id", "ws_1").put("name", "acme");
        envelope.putObject("data").put("cvm_id", cvmId).put("cvm_name", "web").put("app_id", "app_1")
                .put("status", "running");
        String body = TestJson.write(envelope);
        String ts = String.valueOf(harness.now());
        return Harness.post("/phala/events", Map.of("X-Webhook-Id", id, "X-Webhook-Event", type, "X-Webhook-Timestamp", ts,
                "X-Webhook-Signature", PhalaWebhookSignature.sign(Harness.PHALA_SECRET, ts,
                        body.getBytes(StandardCharsets.UTF_8))), body, false);
    }
}
