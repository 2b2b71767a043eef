package com.composerelay.trigger;

import com.composerelay.support.Harness;
import com.composerelay.support.PhalaEvents;
import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.core.Outcome;
import com.composerelay.json.Json;
import com.composerelay.support.Events;
import com.composerelay.support.Fixtures;
import com.composerelay.support.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PhalaEventsTriggerTest {
    private final Harness harness = Harness.chatOps();

    private String event(String id, String type, String cvmId, String error, long timestamp, String secret) {
        return PhalaEvents.signed(id, type, cvmId, error, timestamp, secret);
    }

    private String event(String id, String type, String cvmId) {
        return event(id, type, cvmId, null, harness.now(), Harness.PHALA_SECRET);
    }

    private static JsonNode body(JsonNode response) {
        try {
            return TestJson.parse(response.get("body").textValue());
        } catch (Json.Malformed e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void turnsAnAcceptedUpdateIntoACompletedOneInTheSameThread() {
        JsonNode accepted = harness.invoke(Events.httpApi("cvm_web01", "{\"compose_hash\":\"" + Fixtures.HASH + "\"}"));
        assertThat(accepted.get("statusCode").intValue()).isEqualTo(202);

        JsonNode response = harness.invoke(event("evt_1", "cvm.updated", "cvm_web01"));

        assertThat(response.get("statusCode").intValue()).isEqualTo(200);
        assertThat(body(response).get("result").textValue()).isEqualTo("completed");
        assertThat(harness.outcomes.published()).hasSize(2);
        Outcome first = harness.outcomes.published().get(0);
        Outcome completed = harness.outcomes.published().get(1);
        assertThat(completed).isInstanceOf(Outcome.Completed.class);
        assertThat(completed.status()).isEqualTo("completed");
        assertThat(completed.facts().correlationId()).isEqualTo(first.facts().correlationId()).isEqualTo("Jb1fHgq7IAMEVfA=");
        assertThat(completed.facts().composeHash()).isEqualTo(Fixtures.HASH);
        assertThat(completed.facts().trigger().wire()).isEqualTo("phala");
        assertThat(completed.facts().requestId()).isEqualTo("evt_1");
        assertThat(harness.replies).isEmpty();
    }

    @Test
    void postsTheCompletionInTheSlackChannelOfTheUpdate() {
        harness.threads.put("cvm_web01", new com.composerelay.core.UpdateThread("cvm_web01", "slack-c1", Fixtures.HASH,
                "https://hooks.slack.com/commands/T0001/1/abc"));
        harness.invoke(event("evt_2", "cvm.restarted", "cvm_web01"));
        assertThat(harness.replies).singleElement().satisfies(r -> {
            assertThat(r.url()).isEqualTo("https://hooks.slack.com/commands/T0001/1/abc");
            assertThat(r.text()).isEqualTo(":white_check_mark: `cvm_web01` is running with compose `9f2c1e4b7a6d…` (cvm.restarted).");
        });
        assertThat(harness.outcomes.published().getFirst().facts().correlationId()).isEqualTo("slack-c1");
    }

    @Test
    void turnsAStoppedCvmIntoAFailedOutcome() {
        harness.invoke(event("evt_3", "cvm.stopped", "cvm_web01", "container exited with code 1", harness.now(),
                Harness.PHALA_SECRET));
        assertThat(harness.outcomes.published()).singleElement().satisfies(o -> {
            assertThat(o.status()).isEqualTo("failed");
            assertThat(o.error()).isEqualTo("Phala reported cvm.stopped: container exited with code 1");
        });
    }

    @Test
    void aPhalaEventWithAnInvalidCvmIdIs400NamingIt() {
        JsonNode forged = harness.invoke(event("evt_8", "cvm.updated", "cvm_web01\nStatus: failed"));
        JsonNode invisible = harness.invoke(event("evt_9", "cvm.updated", "cvm_web01\u202e"));

        assertThat(forged.get("statusCode").intValue()).isEqualTo(400);
        assertThat(forged.get("body").textValue())
                .isEqualTo("{\"error\":\"data.cvm_id: must not contain whitespace or control characters\"}");
        assertThat(invisible.get("statusCode").intValue()).isEqualTo(400);
        assertThat(invisible.get("body").textValue()).isEqualTo("{\"error\":\"data.cvm_id: must not contain invisible "
                + "format characters (Unicode category Cf: zero-width, bidi controls; found U+202E)\"}");
        assertThat(harness.outcomes.published()).isEmpty();
        assertThat(harness.idempotency.size()).as("not even recorded as seen").isZero();
    }

    @Test
    void aNewlineInPhalasErrorStaysOnItsEmailLine() {
        harness.invoke(event("evt_10", "cvm.stopped", "cvm_web01", "exited\nStatus: completed\r\nError: none",
                harness.now(), Harness.PHALA_SECRET));

        assertThat(harness.outcomes.published()).singleElement().satisfies(o -> {
            assertThat(o.error()).isEqualTo("Phala reported cvm.stopped: exited\\nStatus: completed\\r\\nError: none");
            assertThat(com.composerelay.codec.OutcomeText.email(o)).contains(
                    "\nError: Phala reported cvm.stopped: exited\\nStatus: completed\\r\\nError: none\nTrigger: phala\n");
        });
    }

    @Test
    void boundsPhalasErrorTo500Characters() {
        harness.invoke(event("evt_11", "cvm.create_failed", "cvm_web01", "e".repeat(499) + "\ud83d\ude00" + "x".repeat(10_000),
                harness.now(), Harness.PHALA_SECRET));

        assertThat(harness.outcomes.published()).singleElement().satisfies(o -> assertThat(o.error())
                .isEqualTo("Phala reported cvm.create_failed: " + "e".repeat(499) + "…"));
    }

    @Test
    void anEventAnotherDeliveryIsHandlingIs409SoPhalaDeliversItAgain() throws Exception {
        String delivery = event("evt_5", "cvm.updated", "cvm_web01");
        harness.idempotency.lockHeldElsewhere("phala-event:evt_5", harness.clock.instant().plusSeconds(20));

        JsonNode response = harness.invoke(delivery);

        assertThat(response.get("statusCode").intValue()).isEqualTo(409);
        assertThat(body(response).get("error").textValue()).isEqualTo("this event is being handled; try again later");
        assertThat(harness.outcomes.published()).isEmpty();
    }

    @Test
    void handlesEachEventIdOnce() {
        harness.invoke(event("evt_4", "cvm.updated", "cvm_web01"));
        JsonNode again = harness.invoke(event("evt_4", "cvm.updated", "cvm_web01"));
        assertThat(body(again).get("result").textValue()).isEqualTo("duplicate");
        assertThat(harness.outcomes.published()).hasSize(1);
    }

    @Test
    void acknowledgesOtherEventsWithoutAnOutcome() {
        JsonNode response = harness.invoke(event("evt_5", "cvm.update.pending_approval", "cvm_web01"));
        assertThat(body(response).get("result").textValue()).isEqualTo("ignored");
        assertThat(harness.outcomes.published()).isEmpty();
    }

    @Test
    void refusesAReplayOutsideTheWindowAndAWrongSecret() {
        assertThat(harness.invoke(event("evt_6", "cvm.updated", "cvm_web01", null, harness.now() - 301,
                Harness.PHALA_SECRET)).get("statusCode").intValue()).isEqualTo(401);
        assertThat(harness.invoke(event("evt_7", "cvm.updated", "cvm_web01", null, harness.now(), "whsec_wrong"))
                .get("statusCode").intValue()).isEqualTo(401);
        assertThat(harness.outcomes.published()).isEmpty();
    }
}
