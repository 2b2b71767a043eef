package com.composerelay.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.json.Json;
import com.composerelay.support.ChatHarness;
import com.composerelay.support.Events;
import com.composerelay.support.Fixtures;
import com.composerelay.webhook.HubSignature;
import com.composerelay.json.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HookTriggerTest {
    private final ChatHarness harness = new ChatHarness();

    private static String hook(String body, String signature, String delivery) {
        Map<String, String> headers = new HashMap<>(Map.of("content-type", "application/json"));
        if (signature != null) {
            headers.put("X-Hub-Signature-256", signature);
        }
        if (delivery != null) {
            headers.put("x-github-delivery", delivery);
        }
        return ChatHarness.post("/hooks/compose-update", headers, body, false);
    }

    private static String signed(String body) {
        return HubSignature.sign(ChatHarness.HOOK_SECRET, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void relaysASignedRequestLikeThePatchRoute() throws Exception {
        String body = Events.updateBody("cvm_ci01");
        JsonNode response = harness.invoke(hook(body, signed(body), null));
        assertThat(response.get("statusCode").intValue()).isEqualTo(202);
        JsonNode outcome = Json.parse(response.get("body").textValue());
        assertThat(outcome.get("trigger").textValue()).isEqualTo("hook");
        assertThat(outcome.get("cvm_id").textValue()).isEqualTo("cvm_ci01");
        assertThat(harness.phala.calls()).singleElement()
                .satisfies(c -> assertThat(c.update().composeHash()).isEqualTo(Fixtures.HASH));
        assertThat(harness.outcomes.published()).hasSize(1);
    }

    @Test
    void refusesAnUnsignedRequestWith401AndNoDetail() {
        JsonNode response = harness.invoke(hook(Events.updateBody("cvm_ci01"), null, null));
        assertThat(response.get("statusCode").intValue()).isEqualTo(401);
        assertThat(response.get("body").textValue()).isEqualTo("{\"error\":\"unauthorized\"}");
        assertThat(harness.phala.calls()).isEmpty();
        assertThat(harness.outcomes.published()).isEmpty();
    }

    @Test
    void refusesAWronglySignedOrTamperedRequest() {
        String body = Events.updateBody("cvm_ci01");
        assertThat(harness.invoke(hook(body, HubSignature.sign("guess", body.getBytes(StandardCharsets.UTF_8)), null))
                .get("statusCode").intValue()).isEqualTo(401);
        assertThat(harness.invoke(hook(Events.updateBody("cvm_ci02"), signed(body), null)).get("statusCode").intValue())
                .isEqualTo(401);
        assertThat(harness.phala.calls()).isEmpty();
    }

    @Test
    void namesTheFieldOfASignedButInvalidBody() throws Exception {
        String body = "{\"compose_hash\":\"" + Fixtures.HASH + "\"}";
        JsonNode response = harness.invoke(hook(body, signed(body), null));
        assertThat(response.get("statusCode").intValue()).isEqualTo(400);
        assertThat(Json.parse(response.get("body").textValue()).get("error").textValue()).isEqualTo("cvm_id: is required");
    }

    @Test
    void replaysARedeliveryWithTheSameDeliveryId() {
        String body = Events.updateBody("cvm_ci01");
        harness.invoke(hook(body, signed(body), "d-1"));
        JsonNode again = harness.invoke(hook(body, signed(body), "d-1"));
        assertThat(again.get("headers").get("Idempotent-Replayed").textValue()).isEqualTo("true");
        assertThat(harness.phala.calls()).hasSize(1);
    }
}
