package com.composerelay.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.core.Outcome.Accepted;
import com.composerelay.core.Outcome.Failed;
import com.composerelay.core.Outcome.Failure;
import com.composerelay.core.Outcome.Rejected;
import com.composerelay.core.Outcome.Rejection;
import com.composerelay.support.FakeKeys;
import com.composerelay.support.Fixtures;
import com.composerelay.support.MutableClock;
import com.composerelay.support.RecordingMetrics;
import com.composerelay.support.ScriptedPhala;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RelayTest {
    private final MutableClock clock = new MutableClock();
    private final ScriptedPhala phala = new ScriptedPhala(clock);
    private final List<Duration> sleeps = new ArrayList<>();
    private FakeKeys keys = new FakeKeys("key-1", "key-2");
    private final RecordingMetrics metrics = new RecordingMetrics();

    private Outcome relay(Duration timeLeft) {
        return relay(timeLeft, 4);
    }

    private Outcome relay(Duration timeLeft, int maxAttempts) {
        RetryPolicy retry = new RetryPolicy(maxAttempts, Duration.ofSeconds(1), Duration.ofSeconds(20), () -> 0.0);
        Relay relay = new Relay(keys, phala, retry,
                new Relay.Timing(Duration.ofSeconds(10), Duration.ofMillis(1500), Duration.ofMillis(100)),
                clock, d -> {
                    sleeps.add(d);
                    clock.advance(d);
                }, metrics);
        ComposeUpdate update = new ComposeUpdate("cvm_1", Fixtures.HASH,
                CallerValue.absent(), CallerValue.absent(), CallerValue.absent());
        Instant now = clock.instant();
        return relay.relay(new RelayRequest("req-1", Trigger.API, update, now, now.plus(timeLeft)));
    }

    @Test
    void recordsEachAttemptsExchangeTimeWithPhalaButNotItsBackoff() {
        phala.then(503).thenTimeout().thenUnreachable().then(202);
        Outcome outcome = relay(Duration.ofSeconds(60));
        assertThat(outcome.facts().attempts()).isEqualTo(4);
        // The time-out takes the attempt's whole 10 s; the backoff sleeps (1 s, 2 s, 4 s) are not counted.
        assertThat(metrics.recorded()).containsExactly("PhalaLatency [0, 10000, 0, 0] PhalaAttempts 4");
    }

    @Test
    void recordsNoPhalaExchangeWhenPhalaWasNotCalled() {
        Outcome outcome = relay(Duration.ofMillis(1550));
        assertThat(outcome).isInstanceOf(Failed.class);
        assertThat(phala.calls()).isEmpty();
        assertThat(metrics.recorded()).isEmpty();
    }

    @Test
    void acceptsOn202WithOneAttempt() {
        phala.then(202);
        Outcome outcome = relay(Duration.ofSeconds(30));
        assertThat(outcome).isEqualTo(new Accepted(new Outcome.Facts("req-1", "req-1", Trigger.API, "cvm_1", Fixtures.HASH,
                1, 202, "phala-req-202", MutableClock.START, MutableClock.START)));
        assertThat(phala.calls()).singleElement().satisfies(c -> {
            assertThat(c.apiKey()).isEqualTo("key-1");
            assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(10));
        });
    }

    @Test
    void retriesOn503ThenAccepts() {
        phala.then(503).then(503).then(202);
        Outcome outcome = relay(Duration.ofSeconds(30));
        assertThat(outcome).isInstanceOf(Accepted.class);
        assertThat(outcome.facts().attempts()).isEqualTo(3);
        assertThat(sleeps).containsExactly(Duration.ofMillis(500), Duration.ofMillis(1000));
    }

    @Test
    void retriesEveryTransientStatus() {
        for (int status : new int[] {409, 429, 500, 502, 503, 504}) {
            phala.then(status);
        }
        phala.then(202);
        Outcome outcome = relay(Duration.ofSeconds(120), 7);
        assertThat(outcome).isInstanceOf(Accepted.class);
        assertThat(outcome.facts().attempts()).isEqualTo(7);
    }

    @Test
    void failsWhenRetriesAreSpent() {
        phala.then(503).then(503).then(503).then(503);
        Outcome outcome = relay(Duration.ofSeconds(60));
        assertThat(outcome).isInstanceOf(Failed.class);
        Failed failed = (Failed) outcome;
        assertThat(failed.reason()).isEqualTo(Failure.PHALA_UNAVAILABLE);
        assertThat(failed.error()).isEqualTo("Phala answered 503 (gave up after 4 attempts)");
        assertThat(failed.facts().attempts()).isEqualTo(4);
        assertThat(failed.facts().httpStatus()).isEqualTo(503);
    }

    @Test
    void honoursRetryAfter() {
        phala.then(new PhalaAnswer(429, "rate limited", null, Optional.of(Duration.ofSeconds(3)), null)).then(202);
        Outcome outcome = relay(Duration.ofSeconds(30));
        assertThat(outcome).isInstanceOf(Accepted.class);
        assertThat(sleeps).containsExactly(Duration.ofSeconds(3));
    }

    @Test
    void stopsWhenRetryAfterWouldPassTheDeadline() {
        phala.then(new PhalaAnswer(429, "rate limited", null, Optional.of(Duration.ofSeconds(60)), null));
        Outcome outcome = relay(Duration.ofSeconds(20));
        assertThat(outcome).isInstanceOf(Failed.class);
        assertThat(outcome.error()).isEqualTo("Phala answered 429: rate limited; the next attempt (in 60000 ms) "
                + "would pass the Lambda deadline, so the relay stopped after 1 attempt");
        assertThat(sleeps).isEmpty();
        assertThat(phala.calls()).hasSize(1);
    }

    @Test
    void neverRunsPastTheDeadline() {
        phala.thenTimeout().thenTimeout().thenTimeout();
        Outcome outcome = relay(Duration.ofSeconds(12));
        // 12 s less the 1.5 s reserve: one attempt of 10 s, then no room for the next.
        assertThat(outcome).isInstanceOf(Failed.class);
        assertThat(((Failed) outcome).reason()).isEqualTo(Failure.PHALA_TIMEOUT);
        assertThat(clock.instant()).isBefore(MutableClock.START.plusSeconds(12).minusMillis(1500).plusMillis(1));
        assertThat(phala.calls()).hasSize(1);
    }

    @Test
    void shortensTheLastAttemptToTheTimeLeft() {
        phala.then(503).then(202);
        Outcome outcome = relay(Duration.ofMillis(5000));
        assertThat(outcome).isInstanceOf(Accepted.class);
        // 5 s - 1.5 s reserve = 3.5 s for the first; after a 0.5 s pause, 3 s are left.
        assertThat(phala.calls()).extracting(ScriptedPhala.Call::timeout)
                .containsExactly(Duration.ofMillis(3500), Duration.ofMillis(3000));
    }

    @Test
    void failsWithNoTimeLeftOnArrival() {
        Outcome outcome = relay(Duration.ofMillis(1550));
        assertThat(outcome).isInstanceOf(Failed.class);
        assertThat(((Failed) outcome).reason()).isEqualTo(Failure.NO_TIME_LEFT);
        assertThat(outcome.error()).isEqualTo("too little time left before the Lambda deadline to call Phala (50 ms)");
        assertThat(phala.calls()).isEmpty();
    }

    @Test
    void refreshesKeyOnceOn401ThenAccepts() {
        phala.then(401).then(202);
        Outcome outcome = relay(Duration.ofSeconds(30));
        assertThat(outcome).isInstanceOf(Accepted.class);
        assertThat(phala.calls()).extracting(ScriptedPhala.Call::apiKey).containsExactly("key-1", "key-2");
        assertThat(keys.refreshes()).isEqualTo(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void refreshesKeyOn401EvenWithOneAttemptAllowed() {
        phala.then(401).then(202);
        assertThat(relay(Duration.ofSeconds(30), 1)).isInstanceOf(Accepted.class);
    }

    @Test
    void secondKeyRefusalIsFinal() {
        phala.then(401).then(new PhalaAnswer(401, "Invalid API key", "r-9", Optional.empty(), null));
        Outcome outcome = relay(Duration.ofSeconds(30));
        assertThat(outcome).isInstanceOf(Failed.class);
        assertThat(((Failed) outcome).reason()).isEqualTo(Failure.KEY_REFUSED);
        assertThat(outcome.error())
                .isEqualTo("Phala refused the relay's API key (401) even after fetching it anew: Invalid API key");
        assertThat(outcome.facts().phalaRequestId()).isEqualTo("r-9");
        assertThat(keys.refreshes()).isEqualTo(1);
    }

    @Test
    void failsWhenKeyIsUnavailable() {
        keys = FakeKeys.unavailable();
        Outcome outcome = relay(Duration.ofSeconds(30));
        assertThat(outcome).isInstanceOf(Failed.class);
        assertThat(((Failed) outcome).reason()).isEqualTo(Failure.KEY_UNAVAILABLE);
        assertThat(outcome.error()).isEqualTo(
                "the Phala API key could not be read: secret compose-relay/phala-api-key was not found");
        assertThat(phala.calls()).isEmpty();
    }

    @Test
    void passesThroughFinal4xxWithDetail() {
        for (int status : new int[] {400, 403, 404, 422, 465, 466, 467, 468}) {
            phala.then(new PhalaAnswer(status, "ERR-03-001 CVM not found", "r-" + status, Optional.empty(), null));
            Outcome outcome = relay(Duration.ofSeconds(30));
            assertThat(outcome).as("status %d", status).isInstanceOf(Rejected.class);
            assertThat(((Rejected) outcome).reason()).isEqualTo(Rejection.PHALA_REFUSED);
            assertThat(outcome.error()).isEqualTo("Phala answered " + status + ": ERR-03-001 CVM not found");
            assertThat(outcome.facts().httpStatus()).isEqualTo(status);
            assertThat(outcome.facts().attempts()).isEqualTo(1);
        }
    }

    @Test
    void doesNotFollowRedirects() {
        phala.then(new PhalaAnswer(301, null, null, Optional.empty(), "https://elsewhere.example/"));
        Outcome outcome = relay(Duration.ofSeconds(30));
        assertThat(outcome).isInstanceOf(Rejected.class);
        assertThat(((Rejected) outcome).reason()).isEqualTo(Rejection.PHALA_UNEXPECTED);
        assertThat(outcome.error()).isEqualTo(
                "Phala answered a redirect 301 to https://elsewhere.example/, which the relay does not follow");
    }

    @Test
    void treatsOther5xxAsFinal() {
        phala.then(501);
        Outcome outcome = relay(Duration.ofSeconds(30));
        assertThat(outcome).isInstanceOf(Rejected.class);
        assertThat(outcome.error()).isEqualTo("Phala answered an unexpected status 501");
        assertThat(phala.calls()).hasSize(1);
    }

    @Test
    void retriesConnectionFailuresThenAccepts() {
        phala.thenUnreachable().then(202);
        Outcome outcome = relay(Duration.ofSeconds(30));
        assertThat(outcome).isInstanceOf(Accepted.class);
        assertThat(outcome.facts().attempts()).isEqualTo(2);
    }

    @Test
    void failsUnreachableWhenConnectionsKeepFailing() {
        phala.thenUnreachable().thenUnreachable().thenUnreachable().thenUnreachable();
        Outcome outcome = relay(Duration.ofSeconds(60));
        assertThat(((Failed) outcome).reason()).isEqualTo(Failure.PHALA_UNREACHABLE);
        assertThat(outcome.error()).isEqualTo("Phala could not be reached: connection refused (gave up after 4 attempts)");
        assertThat(outcome.facts().httpStatus()).isNull();
    }

    @Test
    void treatsAny2xxAsAccepted() {
        phala.then(200);
        Outcome outcome = relay(Duration.ofSeconds(30));
        assertThat(outcome).isInstanceOf(Accepted.class);
        assertThat(outcome.facts().httpStatus()).isEqualTo(200);
    }
}
