package com.composerelay.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.core.ComposeUpdate;
import com.composerelay.core.Fingerprint;
import com.composerelay.core.CallerValue;
import com.composerelay.json.Json;
import com.composerelay.support.Events;
import com.composerelay.support.FakeContext;
import com.composerelay.support.Fixtures;
import com.composerelay.support.Harness;
import com.composerelay.support.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Duplicates never PATCH twice: HTTP keys, content hashes, SQS message ids. */
class IdempotencyTest {
    private final Harness harness = new Harness();

    private static String withKey(String key, String cvmId, String body) {
        ObjectNode event = TestJson.object();
        try {
            event = (ObjectNode) TestJson.parse(Events.httpApi(cvmId, body));
        } catch (Json.Malformed e) {
            throw new AssertionError(e);
        }
        ((ObjectNode) event.get("headers")).put("idempotency-key", key);
        return TestJson.write(event);
    }

    private static String hashBody() {
        return "{\"compose_hash\":\"" + Fixtures.HASH + "\"}";
    }

    private static List<String> failures(JsonNode response) {
        List<String> ids = new ArrayList<>();
        response.get("batchItemFailures").forEach(f -> ids.add(f.get("itemIdentifier").textValue()));
        return ids;
    }

    @Test
    void replaysADuplicateHttpRequestWithoutASecondPatch() {
        JsonNode first = harness.invoke(withKey("deploy-4711", "cvm_1", hashBody()));
        harness.clock.advance(Duration.ofMinutes(5));
        JsonNode second = harness.invoke(withKey("deploy-4711", "cvm_1", hashBody()));

        assertThat(first.get("statusCode").intValue()).isEqualTo(202);
        assertThat(second.get("statusCode").intValue()).isEqualTo(202);
        assertThat(second.get("body")).isEqualTo(first.get("body"));
        assertThat(second.get("headers").get("Idempotent-Replayed").textValue()).isEqualTo("true");
        assertThat(first.get("headers").has("Idempotent-Replayed")).isFalse();
        assertThat(harness.phala.calls()).hasSize(1);
        assertThat(harness.outcomes.published()).hasSize(1);
    }

    @Test
    void replaysARefusalWithItsStatus() {
        harness.phala.then(404);
        JsonNode first = harness.invoke(withKey("k-404", "cvm_1", hashBody()));
        JsonNode second = harness.invoke(withKey("k-404", "cvm_1", hashBody()));
        assertThat(second.get("statusCode").intValue()).isEqualTo(404);
        assertThat(second.get("body")).isEqualTo(first.get("body"));
        assertThat(harness.phala.calls()).hasSize(1);
    }

    @Test
    void usesTheContentHashWhenNoKeyIsSent() {
        harness.invoke(Events.httpApi("cvm_1", hashBody()));
        JsonNode second = harness.invoke(Events.httpApi("cvm_1", hashBody()));
        JsonNode other = harness.invoke(Events.httpApi("cvm_1", "{\"compose_hash\":\"" + Fixtures.HASH
                + "\",\"update_env_vars\":false}"));
        assertThat(second.get("headers").get("Idempotent-Replayed").textValue()).isEqualTo("true");
        assertThat(other.get("statusCode").intValue()).isEqualTo(202);
        assertThat(other.get("headers").has("Idempotent-Replayed")).isFalse();
        assertThat(harness.phala.calls()).hasSize(2);
    }

    @Test
    void patchesAgainOnceTheWindowHasPassed() {
        harness.invoke(withKey("k-1", "cvm_1", hashBody()));
        harness.clock.advance(Duration.ofHours(1).plusSeconds(1));
        JsonNode later = harness.invoke(withKey("k-1", "cvm_1", hashBody()));
        assertThat(later.get("headers").has("Idempotent-Replayed")).isFalse();
        assertThat(harness.phala.calls()).hasSize(2);
    }

    @Test
    void rejectsAKeyReusedForADifferentRequest() {
        harness.invoke(withKey("k-1", "cvm_1", hashBody()));
        JsonNode reused = harness.invoke(withKey("k-1", "cvm_2", hashBody()));
        assertThat(reused.get("statusCode").intValue()).isEqualTo(400);
        assertThat(Harness.body(reused).get("error").textValue()).isEqualTo(
                "Idempotency-Key: was used for a different request within the idempotency window; use a new key");
        assertThat(harness.phala.calls()).hasSize(1);
    }

    @Test
    void rejectsAnIdempotencyKeyWithSpaces() {
        JsonNode response = harness.invoke(withKey("two words", "cvm_1", hashBody()));
        assertThat(response.get("statusCode").intValue()).isEqualTo(400);
        assertThat(Harness.body(response).get("error").textValue())
                .isEqualTo("Idempotency-Key: must be 1 to 255 printable ASCII characters without spaces");
    }

    @Test
    void answers409ToADuplicateWhileTheFirstIsInProgress() {
        harness.idempotency.heldElsewhere("api:k-busy", fingerprint("cvm_1"), harness.clock.instant().plusSeconds(20));
        JsonNode response = harness.invoke(withKey("k-busy", "cvm_1", hashBody()));
        assertThat(response.get("statusCode").intValue()).isEqualTo(409);
        assertThat(response.get("headers").get("Retry-After").textValue()).isEqualTo("1");
        assertThat(Harness.body(response).get("error").textValue())
                .isEqualTo("a request with the same idempotency key is in progress; try again later");
        assertThat(harness.phala.calls()).isEmpty();
        assertThat(harness.outcomes.published()).isEmpty();
    }

    @Test
    void takesOverAKeyWhoseHolderDiedPastItsDeadline() {
        harness.idempotency.heldElsewhere("api:k-dead", fingerprint("cvm_1"), harness.clock.instant().minusSeconds(1));
        JsonNode response = harness.invoke(withKey("k-dead", "cvm_1", hashBody()));
        assertThat(response.get("statusCode").intValue()).isEqualTo(202);
        assertThat(harness.phala.calls()).hasSize(1);
    }

    @Test
    void releasesTheKeyAfterATransientFailureSoARetryPatchesAgain() {
        harness.phala.then(503).then(503).then(503).then(503);
        JsonNode failed = harness.invoke(withKey("k-retry", "cvm_1", hashBody()));
        JsonNode retried = harness.invoke(withKey("k-retry", "cvm_1", hashBody()));
        assertThat(failed.get("statusCode").intValue()).isEqualTo(503);
        assertThat(retried.get("statusCode").intValue()).isEqualTo(202);
        assertThat(harness.phala.calls()).hasSize(5);
    }

    @Test
    void answers503AndSendsNothingWhenTheIdempotencyStoreIsDown() {
        harness.idempotency.goDown();
        JsonNode response = harness.invoke(withKey("k-1", "cvm_1", hashBody()));
        assertThat(response.get("statusCode").intValue()).isEqualTo(503);
        assertThat(Harness.body(response).get("error").textValue()).startsWith(
                "the idempotency record could not be checked, so nothing was sent: could not claim");
        assertThat(harness.phala.calls()).isEmpty();
    }

    @Test
    void relaysTheSameMessageTwiceInOneBatchOnlyOnce() {
        String body = Events.updateBody("cvm_1");
        JsonNode response = harness.invoke(Events.sqs(Events.sqsRecord("m-1", body, 1), Events.sqsRecord("m-1", body, 1)));
        // One copy is relayed; the other finds it in progress (and goes back to the queue) or decided.
        assertThat(failures(response)).isSubsetOf("m-1");
        assertThat(harness.phala.calls()).hasSize(1);
        assertThat(harness.outcomes.published()).hasSize(1);

        JsonNode redelivered = harness.invoke(Events.sqs(Events.sqsRecord("m-1", body, 2)));
        assertThat(failures(redelivered)).isEmpty();
        assertThat(harness.phala.calls()).hasSize(1);
        assertThat(harness.outcomes.published()).hasSize(1);
    }

    @Test
    void sendsTheSecondCopyInOneBatchBackWhileTheFirstIsInFlight() throws Exception {
        java.util.concurrent.atomic.AtomicInteger patches = new java.util.concurrent.atomic.AtomicInteger();
        var clock = java.time.Clock.systemUTC();
        var store = new com.composerelay.support.InMemoryIdempotency(clock, Duration.ofHours(1));
        // The first copy's PATCH answers only once both copies have claimed: the second claimed while it was in flight.
        var bothClaimed = new java.util.concurrent.CountDownLatch(2);
        store.afterEachClaim(bothClaimed::countDown);
        com.composerelay.core.PhalaApi slow = (update, key, timeout) -> {
            patches.incrementAndGet();
            try {
                bothClaimed.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new com.composerelay.core.PhalaApi.Unreachable("interrupted");
            }
            return com.composerelay.support.ScriptedPhala.status(202);
        };
        var outcomes = new com.composerelay.support.RecordingOutcomes();
        var handler = Harness.builder().phala(slow).outcomes(outcomes).idempotency(store).realTime().build().handler;
        String body = Events.updateBody("cvm_1");
        JsonNode response = com.composerelay.support.Invoke.json(handler,
                Events.sqs(Events.sqsRecord("m-1", body, 1), Events.sqsRecord("m-1", body, 1)));
        assertThat(failures(response)).containsExactly("m-1");
        assertThat(patches.get()).isEqualTo(1);
        assertThat(outcomes.published()).hasSize(1);
    }

    @Test
    void treatsAFifoDeduplicationIdAsTheKey() {
        String body = Events.updateBody("cvm_1");
        ObjectNode first = Events.fifoRecord("m-1", "g", body, 1);
        ObjectNode resent = Events.fifoRecord("m-2", "g", body, 1);
        ((ObjectNode) resent.get("attributes")).put("MessageDeduplicationId", "m-1");
        harness.invoke(Events.sqs(first));
        JsonNode response = harness.invoke(Events.sqs(resent));
        assertThat(failures(response)).isEmpty();
        assertThat(harness.phala.calls()).hasSize(1);
        assertThat(harness.outcomes.published()).hasSize(1);
    }

    @Test
    void redeliversAMessageWhenTheIdempotencyStoreIsDown() {
        harness.idempotency.goDown();
        JsonNode response = harness.invoke(Events.sqs(Events.sqsRecord("m-1", Events.updateBody("cvm_1"), 1)),
                new FakeContext());
        assertThat(failures(response)).containsExactly("m-1");
        assertThat(harness.phala.calls()).isEmpty();
        assertThat(harness.outcomes.published()).isEmpty();
    }

    private static String fingerprint(String cvmId) {
        return Fingerprint.of(new ComposeUpdate(cvmId, Fixtures.HASH, CallerValue.absent(), CallerValue.absent(), CallerValue.absent()));
    }
}
