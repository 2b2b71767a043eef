package com.composerelay.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.support.InMemoryIdempotency;
import com.composerelay.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pipeline's steps over in-memory ports: claim, run, record, publish, answer, and each way it ends early. */
class PipelineTest {
    private final MutableClock clock = new MutableClock();
    private final InMemoryIdempotency table = new InMemoryIdempotency(clock, Duration.ofHours(1));
    private final List<String> steps = new ArrayList<>();
    private final List<String> published = new ArrayList<>();
    private int written;

    private final RequestClaims claims = new RequestClaims() {
        @Override
        public Claim claim(String key, String fingerprint, Instant holdUntil) throws StoreUnavailable {
            steps.add("claim " + key);
            return table.claim(key, fingerprint, holdUntil);
        }

        @Override
        public void complete(String key, String body, int callerStatus) throws StoreUnavailable {
            steps.add("record " + callerStatus + " " + body);
            table.complete(key, body, callerStatus);
        }

        @Override
        public void release(String key) throws StoreUnavailable {
            steps.add("release " + key);
            table.release(key);
        }
    };

    private final Publication publication = new Publication(outcome -> {
        written++;
        return "{\"status\":\"" + outcome.status() + "\"}";
    }, PipelineLog.none(), Metrics.none(), (outcome, json) -> {
        steps.add("publish " + json);
        published.add(json);
    }, UpdateThreads.none(), ChatReplies.none());

    private final Pipeline pipeline = new Pipeline(claims, publication, PipelineLog.none(), clock);

    private Outcome.Facts facts() {
        return new Outcome.Facts("req-1", "req-1", Trigger.API, "cvm_a1", "ab", 0, null, null, clock.instant(),
                clock.instant());
    }

    private Pipeline.Request request(Pipeline.Work work, boolean redelivered) {
        return new Pipeline.Request(new Invocation("lambda-1", clock.instant().plusSeconds(30)), "api:k1", "fp-1",
                facts(), work, null, redelivered);
    }

    private Pipeline.Work accepting() {
        return () -> {
            steps.add("run");
            return new Pipeline.Done(new Outcome.Accepted(facts()));
        };
    }

    @Test
    void claimsRunsRecordsPublishesAndAnswersInThatOrderWritingTheJsonOnce() {
        Pipeline.Result result = pipeline.handle(request(accepting(), false));

        assertThat(steps).containsExactly("claim api:k1", "run", "record 202 {\"status\":\"accepted\"}",
                "publish {\"status\":\"accepted\"}");
        assertThat(result).isEqualTo(new Pipeline.Result.Decided(new Outcome.Accepted(facts()),
                new Pipeline.Reply(202, "{\"status\":\"accepted\"}")));
        assertThat(written).isEqualTo(1);
    }

    @Test
    void aDuplicateIsAnsweredAsRecordedAndNothingRunsOrIsPublished() {
        pipeline.handle(request(accepting(), false));
        steps.clear();

        Pipeline.Result again = pipeline.handle(request(accepting(), false));

        assertThat(again).isEqualTo(new Pipeline.Result.Replayed(new Pipeline.Reply(202, "{\"status\":\"accepted\"}")));
        assertThat(steps).containsExactly("claim api:k1");
        assertThat(published).hasSize(1);
    }

    @Test
    void aDuplicateWhileTheFirstRunsIsBusyAndAKeyReusedForAnotherRequestIsAConflict() throws Exception {
        table.heldElsewhere("api:k1", "fp-1", clock.instant().plusSeconds(10));
        assertThat(pipeline.handle(request(accepting(), false)))
                .isEqualTo(new Pipeline.Result.Busy("a request with the same idempotency key is in progress; try again later"));
        table.heldElsewhere("api:k1", "fp-other", clock.instant().plusSeconds(10));
        assertThat(pipeline.handle(request(accepting(), false))).isEqualTo(new Pipeline.Result.Conflict(
                "was used for a different request within the idempotency window; use a new key"));
        assertThat(steps).doesNotContain("run");
        assertThat(published).isEmpty();
    }

    @Test
    void aFailureThatWillBeRedeliveredGivesTheKeyUpAndIsNotPublished() {
        Outcome failed = new Outcome.Failed(facts(), Outcome.Failure.PHALA_UNAVAILABLE, "Phala answered 503");

        Pipeline.Result result = pipeline.handle(request(() -> new Pipeline.Done(failed), true));

        assertThat(result).isEqualTo(new Pipeline.Result.Redeliver(failed));
        assertThat(steps).containsExactly("claim api:k1", "release api:k1");
        assertThat(published).isEmpty();
    }

    @Test
    void aFailureOnItsLastDeliveryGivesTheKeyUpAndIsPublished() {
        Outcome failed = new Outcome.Failed(facts(), Outcome.Failure.PHALA_UNAVAILABLE, "Phala answered 503");

        Pipeline.Result result = pipeline.handle(request(() -> new Pipeline.Done(failed), false));

        assertThat(result).isEqualTo(new Pipeline.Result.Decided(failed, new Pipeline.Reply(502, "{\"status\":\"failed\"}")));
        assertThat(steps).containsExactly("claim api:k1", "release api:k1", "publish {\"status\":\"failed\"}");
    }

    @Test
    void aRefusalTheCallerFixesOutsideTheRequestIsNotRecorded() {
        Outcome missing = new Outcome.Rejected(facts(), Outcome.Rejection.ENV_SECRET_MISSING, "env.DB: no such secret");

        pipeline.handle(request(() -> new Pipeline.Done(missing), false));

        assertThat(steps).containsExactly("claim api:k1", "release api:k1", "publish {\"status\":\"rejected\"}");
    }

    @Test
    void anUnreadableTableFailsTheRequestUnrunAndPublishesIt() {
        table.goDown();

        Pipeline.Result result = pipeline.handle(request(accepting(), false));

        Pipeline.Result.Decided decided = (Pipeline.Result.Decided) result;
        assertThat(decided.outcome()).isEqualTo(new Outcome.Failed(facts(), Outcome.Failure.IDEMPOTENCY_UNAVAILABLE,
                "the idempotency record could not be checked, so nothing was sent: could not claim the idempotency record"
                        + " in DynamoDB table relay-idempotency (ServiceUnavailable)"));
        assertThat(decided.reply()).isEqualTo(new Pipeline.Reply(503, "{\"status\":\"failed\"}"));
        assertThat(steps).containsExactly("claim api:k1", "publish {\"status\":\"failed\"}");
    }

    @Test
    void aReplyTheWorkMadeIsRecordedAndAnsweredInsteadOfTheOutcome() {
        Pipeline.Reply phalas = new Pipeline.Reply(202, "{\"correlation_id\":\"c1\"}", java.util.Map.of("X-Request-ID", "p1"));

        Pipeline.Result result = pipeline.handle(request(() -> new Pipeline.Done(new Outcome.Accepted(facts()), phalas), false));

        assertThat(result).isEqualTo(new Pipeline.Result.Decided(new Outcome.Accepted(facts()), phalas));
        assertThat(steps).contains("record 202 {\"correlation_id\":\"c1\"}");
        assertThat(published).containsExactly("{\"status\":\"accepted\"}");
    }

    @Test
    void anInvalidRequestIsPublishedAndAnswered400WithoutAClaim() {
        Outcome invalid = new Outcome.Rejected(facts(), Outcome.Rejection.INVALID_REQUEST, "compose_hash: is required");

        Pipeline.Result.Decided decided = pipeline.reject(invalid, null);

        assertThat(decided.reply()).isEqualTo(new Pipeline.Reply(400, "{\"status\":\"rejected\"}"));
        assertThat(steps).containsExactly("publish {\"status\":\"rejected\"}");
    }
}
