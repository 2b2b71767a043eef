package com.composerelay.trigger;

import com.composerelay.support.Harness;
import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.core.Outcome;
import com.composerelay.support.Events;
import com.composerelay.support.Fixtures;
import com.composerelay.support.HttpPhalaHarness;
import com.composerelay.support.LogCapture;
import com.composerelay.support.ScriptedHttpPhala;
import com.composerelay.support.TestJson;
import com.composerelay.webhook.HubSignature;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HookTriggerTest {
    private static final String STALE =
            "{\"error\":\"timestamp: outside the 300 s window of the relay's clock; sign a fresh request\"}";
    private static final String TIMESTAMP_REQUIRED = "timestamp: is required: unix seconds (a JSON integer) of when the"
            + " request was sent, within 300 s of now";

    private final Harness harness = Harness.chatOps();
    @RegisterExtension
    final LogCapture log = new LogCapture();

    private static String hook(String body, String signature, String delivery) {
        Map<String, String> headers = new HashMap<>(Map.of("content-type", "application/json"));
        if (signature != null) {
            headers.put("X-Hub-Signature-256", signature);
        }
        if (delivery != null) {
            headers.put("x-github-delivery", delivery);
        }
        return Harness.post("/hooks/compose-update", headers, body, false);
    }

    private static String signed(String body) {
        return HubSignature.sign(Harness.HOOK_SECRET, body.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode outcomeOf(JsonNode response) throws Exception {
        return TestJson.parse(response.get("body").textValue());
    }

    @Test
    void relaysASignedRequestLikeThePatchRoute() throws Exception {
        String body = harness.hookBody("cvm_ci01");
        JsonNode response = harness.invoke(hook(body, signed(body), null));
        assertThat(response.get("statusCode").intValue()).isEqualTo(202);
        JsonNode outcome = outcomeOf(response);
        assertThat(outcome.get("status").textValue()).isEqualTo("accepted");
        assertThat(outcome.get("trigger").textValue()).isEqualTo("hook");
        assertThat(outcome.get("cvm_id").textValue()).isEqualTo("cvm_ci01");
        assertThat(harness.phala.calls()).singleElement()
                .satisfies(c -> assertThat(c.update().composeHash()).isEqualTo(Fixtures.HASH));
        assertThat(harness.outcomes.published()).singleElement()
                .satisfies(o -> assertThat(o.status()).isEqualTo("accepted"));
    }

    @Test
    void refusesAnUnsignedRequestWith401AndNoDetail() {
        JsonNode response = harness.invoke(hook(harness.hookBody("cvm_ci01"), null, null));
        assertThat(response.get("statusCode").intValue()).isEqualTo(401);
        assertThat(response.get("body").textValue()).isEqualTo("{\"error\":\"unauthorized\"}");
        assertThat(harness.phala.calls()).isEmpty();
        assertThat(harness.outcomes.published()).isEmpty();
    }

    @Test
    void refusesAWronglySignedOrTamperedRequest() {
        String body = harness.hookBody("cvm_ci01");
        assertThat(harness.invoke(hook(body, HubSignature.sign("guess", body.getBytes(StandardCharsets.UTF_8)), null))
                .get("statusCode").intValue()).isEqualTo(401);
        assertThat(harness.invoke(hook(harness.hookBody("cvm_ci02"), signed(body), null)).get("statusCode").intValue())
                .isEqualTo(401);
        // The timestamp is signed: moving it forward breaks the signature.
        String moved = Harness.hookBody("cvm_ci01", harness.now() + 1);
        assertThat(harness.invoke(hook(moved, signed(body), null)).get("statusCode").intValue()).isEqualTo(401);
        assertThat(harness.phala.calls()).isEmpty();
        assertThat(harness.outcomes.published()).isEmpty();
    }

    @Test
    void namesTheFieldOfASignedButInvalidBody() throws Exception {
        String body = "{\"compose_hash\":\"" + Fixtures.HASH + "\",\"timestamp\":" + harness.now() + "}";
        JsonNode response = harness.invoke(hook(body, signed(body), null));
        assertThat(response.get("statusCode").intValue()).isEqualTo(400);
        assertThat(outcomeOf(response).get("error").textValue()).isEqualTo("cvm_id: is required");
        assertThat(harness.outcomes.published()).singleElement()
                .satisfies(o -> assertThat(o.error()).isEqualTo("cvm_id: is required"));
    }

    @Test
    void anUnknownFieldListsTimestampAmongTheHooksKnownFields() throws Exception {
        String body = "{\"cvm_id\":\"cvm_ci01\",\"compose_hash\":\"" + Fixtures.HASH + "\",\"timestamp\":" + harness.now()
                + ",\"ref\":\"main\"}";
        JsonNode response = harness.invoke(hook(body, signed(body), null));
        assertThat(response.get("statusCode").intValue()).isEqualTo(400);
        assertThat(outcomeOf(response).get("error").textValue()).isEqualTo(
                "ref: is not a known field (known: compose_hash, encrypted_env, env_keys, update_env_vars, cvm_id, timestamp)");
        assertThat(harness.phala.calls()).isEmpty();
    }

    @Test
    void replaysTheSameSignedBodyAsRecorded() throws Exception {
        String body = harness.hookBody("cvm_ci01");
        JsonNode first = harness.invoke(hook(body, signed(body), "d-1"));
        harness.clock.advance(Duration.ofSeconds(299));
        JsonNode again = harness.invoke(hook(body, signed(body), "d-1"));
        assertThat(again.get("statusCode").intValue()).isEqualTo(202);
        assertThat(again.get("headers").get("Idempotent-Replayed").textValue()).isEqualTo("true");
        assertThat(outcomeOf(again)).isEqualTo(outcomeOf(first));
        assertThat(harness.phala.calls()).hasSize(1);
        assertThat(harness.outcomes.published()).hasSize(1);
    }

    @Test
    void replayingTheSignedBodyWithANewIdempotencyKeyPatchesOnce() throws Exception {
        String body = harness.hookBody("cvm_ci01");
        JsonNode first = harness.invoke(hook(body, signed(body), null));
        assertThat(first.get("statusCode").intValue()).isEqualTo(202);
        for (int i = 1; i <= 9; i++) {
            Map<String, String> headers = Map.of("content-type", "application/json",
                    "Idempotency-Key", "attacker-key-" + i, "X-GitHub-Delivery", "delivery-" + i);
            harness.clock.advance(Duration.ofSeconds(30));
            JsonNode replay = harness.invoke(Harness.signedHook(body, headers));
            assertThat(harness.phala.calls()).as("PATCHes after resend %d", i).hasSize(1);
            assertThat(replay.get("statusCode").intValue()).as("resend %d", i).isEqualTo(202);
            assertThat(replay.get("headers").path("Idempotent-Replayed").asText()).as("resend %d", i).isEqualTo("true");
            assertThat(outcomeOf(replay)).as("resend %d", i).isEqualTo(outcomeOf(first));
        }
        assertThat(harness.phala.calls()).hasSize(1);
        assertThat(harness.outcomes.published()).hasSize(1);
    }

    @Test
    void aFreshlySignedBodyIsANewRequest() {
        harness.invoke(Harness.signedHook(harness.hookBody("cvm_ci01"), Map.of()));
        harness.clock.advance(Duration.ofSeconds(1));
        JsonNode second = harness.invoke(Harness.signedHook(harness.hookBody("cvm_ci01"), Map.of()));
        assertThat(second.get("statusCode").intValue()).isEqualTo(202);
        assertThat(second.get("headers").has("Idempotent-Replayed")).isFalse();
        assertThat(harness.phala.calls()).hasSize(2);
        assertThat(harness.outcomes.published()).hasSize(2);
    }

    @Test
    void aSignedRequestOlderThanTheWindowIs401AndSendsNothing() {
        String body = harness.hookBody("cvm_ci01");
        String event = Harness.signedHook(body, Map.of("Idempotency-Key", "k-1"));
        assertThat(harness.invoke(event).get("statusCode").intValue()).isEqualTo(202);

        harness.clock.advance(Duration.ofSeconds(301));
        JsonNode late = harness.invoke(event);
        assertThat(late.get("statusCode").intValue()).isEqualTo(401);
        assertThat(late.get("body").textValue()).isEqualTo(STALE);
        assertThat(late.get("headers").has("Idempotent-Replayed")).isFalse();

        // After the idempotency record (1 hour here) has expired too, the timestamp alone refuses it.
        harness.clock.advance(Duration.ofHours(2));
        JsonNode afterTheRecord = harness.invoke(Harness.signedHook(body, Map.of("Idempotency-Key", "k-2")));
        assertThat(afterTheRecord.get("statusCode").intValue()).isEqualTo(401);
        assertThat(afterTheRecord.get("body").textValue()).isEqualTo(STALE);

        assertThat(harness.phala.calls()).hasSize(1);
        assertThat(harness.outcomes.published()).hasSize(1);
        assertThat(log.text()).contains("\"level\":\"WARN\"").contains("hook refused: timestamp outside the window");
    }

    @Test
    void aTimestampMoreThanTheWindowAheadOrBehindIs401AndPublishesNothing() {
        long now = harness.now();
        for (long sentAt : List.of(now - 301, now + 301, 0L)) {
            JsonNode response = harness.invoke(Harness.signedHook(Harness.hookBody("cvm_ci01", sentAt), Map.of()));
            assertThat(response.get("statusCode").intValue()).as("sent at %d, now %d", sentAt, now).isEqualTo(401);
            assertThat(response.get("body").textValue()).isEqualTo(STALE);
        }
        for (long sentAt : List.of(now - 300, now + 300)) {
            JsonNode response = harness.invoke(Harness.signedHook(Harness.hookBody("cvm_ci01", sentAt), Map.of()));
            assertThat(response.get("statusCode").intValue()).as("sent at %d, now %d", sentAt, now).isEqualTo(202);
        }
        assertThat(harness.phala.calls()).hasSize(2);
        assertThat(harness.outcomes.published()).hasSize(2);
    }

    @Test
    void aStaleInvalidBodyIs401NotARejectedOutcome() {
        String body = "{\"cvm_id\":\"../admin\",\"compose_hash\":\"zz\",\"timestamp\":" + (harness.now() - 3600) + "}";
        JsonNode response = harness.invoke(Harness.signedHook(body, Map.of()));
        assertThat(response.get("statusCode").intValue()).isEqualTo(401);
        assertThat(response.get("body").textValue()).isEqualTo(STALE);
        assertThat(harness.outcomes.published()).isEmpty();
    }

    @Test
    void aBodyWithoutTimestampIs400NamingIt() throws Exception {
        String body = Events.updateBody("cvm_ci01");
        JsonNode response = harness.invoke(Harness.signedHook(body, Map.of("X-GitHub-Delivery", "d-1")));
        assertThat(response.get("statusCode").intValue()).isEqualTo(400);
        JsonNode outcome = outcomeOf(response);
        assertThat(outcome.get("status").textValue()).isEqualTo("rejected");
        assertThat(outcome.get("error").textValue()).isEqualTo(TIMESTAMP_REQUIRED);
        assertThat(outcome.get("trigger").textValue()).isEqualTo("hook");
        assertThat(outcome.get("cvm_id").textValue()).isEqualTo("cvm_ci01");
        assertThat(harness.phala.calls()).isEmpty();
        assertThat(harness.outcomes.published()).singleElement().satisfies(o -> {
            assertThat(o.status()).isEqualTo("rejected");
            assertThat(o.error()).isEqualTo(TIMESTAMP_REQUIRED);
        });
        String withNull = "{\"cvm_id\":\"cvm_ci01\",\"compose_hash\":\"" + Fixtures.HASH + "\",\"timestamp\":null}";
        assertThat(outcomeOf(harness.invoke(Harness.signedHook(withNull, Map.of()))).get("error").textValue())
                .isEqualTo(TIMESTAMP_REQUIRED);
    }

    @Test
    void aTimestampThatIsNotAnIntegerIs400NamingIt() throws Exception {
        long now = harness.now();
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("\"" + now + "\"", "timestamp: must be unix seconds as a JSON integer, not a string");
        cases.put("true", "timestamp: must be unix seconds as a JSON integer, not a boolean");
        cases.put("[" + now + "]", "timestamp: must be unix seconds as a JSON integer, not a list");
        cases.put(now + ".5", "timestamp: must be unix seconds as a JSON integer, without a fraction or exponent");
        cases.put(now + ".0", "timestamp: must be unix seconds as a JSON integer, without a fraction or exponent");
        cases.put("1e30", "timestamp: must be unix seconds as a JSON integer, without a fraction or exponent");
        cases.put("-" + now, "timestamp: must be unix seconds from 0 to 253402300799");
        cases.put("253402300800", "timestamp: must be unix seconds from 0 to 253402300799");
        cases.put("99999999999999999999999", "timestamp: must be unix seconds from 0 to 253402300799");
        for (var c : cases.entrySet()) {
            String body = "{\"cvm_id\":\"cvm_ci01\",\"compose_hash\":\"" + Fixtures.HASH + "\",\"timestamp\":" + c.getKey() + "}";
            JsonNode response = harness.invoke(Harness.signedHook(body, Map.of()));
            assertThat(response.get("statusCode").intValue()).as(c.getKey()).isEqualTo(400);
            assertThat(outcomeOf(response).get("error").textValue()).as(c.getKey()).isEqualTo(c.getValue());
        }
        assertThat(harness.phala.calls()).isEmpty();
        assertThat(harness.outcomes.published()).extracting(Outcome::error).containsExactlyElementsOf(cases.values());
    }

    @Test
    void phalaReceivesTheUpdateWithoutTheTimestamp() throws Exception {
        HttpPhalaHarness phala = new HttpPhalaHarness();
        String body = "{\"cvm_id\":\"cvm_ci01\",\"compose_hash\":\"" + Fixtures.HASH + "\",\"update_env_vars\":false,"
                + "\"timestamp\":" + phala.clock.instant().getEpochSecond() + "}";
        JsonNode response = phala.invoke(Harness.signedHook(body, Map.of("Idempotency-Key", "k-1")), 30_000).response();

        assertThat(response.get("statusCode").intValue()).isEqualTo(202);
        assertThat(phala.http.sent()).hasSize(1);
        HttpRequest patch = phala.http.sent().getFirst().request();
        assertThat(patch.method()).isEqualTo("PATCH");
        assertThat(patch.uri().toString()).isEqualTo("https://cloud-api.phala.com/api/v1/cvms/cvm_ci01/compose_file");
        assertThat(patch.headers().map()).containsOnly(
                Map.entry("X-API-Key", List.of(Fixtures.API_KEY)),
                Map.entry("X-Phala-Version", List.of("2026-05-22")),
                Map.entry("Content-Type", List.of("application/json")),
                Map.entry("Accept", List.of("application/json")),
                Map.entry("User-Agent", List.of(com.composerelay.phala.HttpPhalaApi.USER_AGENT)));
        assertThat(ScriptedHttpPhala.bodyOf(patch))
                .isEqualTo("{\"compose_hash\":\"" + Fixtures.HASH + "\",\"update_env_vars\":false}");
        assertThat(phala.outcomes.published()).singleElement().satisfies(o -> assertThat(o.status()).isEqualTo("accepted"));
    }
}
