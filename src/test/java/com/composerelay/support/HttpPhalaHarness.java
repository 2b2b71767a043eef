package com.composerelay.support;

import com.composerelay.RelayHandler;
import com.composerelay.config.Config;
import com.composerelay.phala.HttpPhalaApi;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * The whole handler, every route on (PATCH route, SQS, the hook), with the relay's real
 * {@link HttpPhalaApi} over a {@link ScriptedHttpPhala}: for properties about a Phala that answers
 * errors, slowly, or not at all. Backoff "sleeps" advance the clock.
 */
public final class HttpPhalaHarness {
    public static final Config CONFIG = Fixtures.config("HOOK_SECRET_ID", "hook-secret", "MAX_RECEIVE_COUNT", "3");

    public final MutableClock clock = new MutableClock();
    public final ScriptedHttpPhala http = new ScriptedHttpPhala(clock);
    private final Harness harness = Harness.builder().config(CONFIG).clock(clock)
            .phala(new HttpPhalaApi(http, URI.create("https://cloud-api.phala.com"), "2026-05-22", clock)).build();
    public final RecordingOutcomes outcomes = harness.outcomes;
    public final InMemoryIdempotency idempotency = harness.idempotency;
    public final List<Harness.Reply> replies = harness.replies;
    public final RelayHandler handler = harness.handler;

    /** Invokes with {@code remainingMillis} of Lambda time left; returns the answer and the deadline. */
    public Invoked invoke(String event, int remainingMillis) {
        Instant deadline = clock.instant().plusMillis(remainingMillis);
        JsonNode response = Invoke.json(handler, event, new FakeContext("lambda-req-1", remainingMillis));
        return new Invoked(response, deadline, clock.instant());
    }

    /** What the handler answered, the deadline it was given, and the clock when it returned. */
    public record Invoked(JsonNode response, Instant deadline, Instant finishedAt) {}
}
