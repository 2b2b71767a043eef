package com.composerelay.support;

import com.composerelay.RelayHandler;
import com.composerelay.Wiring;
import com.composerelay.chat.ChatReplies;
import com.composerelay.chat.UpdateQueue;
import com.composerelay.config.Config;
import com.composerelay.core.Threads;
import com.composerelay.json.JsonNode;
import com.composerelay.phala.HttpPhalaApi;
import com.composerelay.webhook.SigningSecrets;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
    public final RecordingOutcomes outcomes = new RecordingOutcomes();
    public final InMemoryIdempotency idempotency = new InMemoryIdempotency(clock, Duration.ofHours(1));
    public final List<String> replies = new ArrayList<>();
    public final RelayHandler handler;

    public HttpPhalaHarness() {
        SigningSecrets signing = new SigningSecrets() {
            @Override
            public List<String> current(String id) throws Unavailable {
                if (!id.equals("hook-secret")) {
                    throw new Unavailable("signing secret " + id + " was not found");
                }
                return List.of(ChatHarness.HOOK_SECRET);
            }

            @Override
            public List<String> refreshed(String id) throws Unavailable {
                return current(id);
            }
        };
        UpdateQueue noQueue = (update, attributes) -> {
            throw new AssertionError("nothing here enqueues");
        };
        ChatReplies chat = (url, text) -> replies.add(text);
        HttpPhalaApi phala = new HttpPhalaApi(http, URI.create("https://cloud-api.phala.com"), "2026-05-22", clock);
        handler = new RelayHandler(Wiring.dispatcher(CONFIG, new Wiring.Parts(new FakeKeys(Fixtures.API_KEY), phala,
                idempotency, outcomes, Threads.none(), chat, signing, noQueue, clock, clock::advance)), clock);
    }

    /** Invokes with {@code remainingMillis} of Lambda time left; returns the answer and the deadline. */
    public Invoked invoke(String event, int remainingMillis) {
        Instant deadline = clock.instant().plusMillis(remainingMillis);
        JsonNode response = Invoke.json(handler, event, new FakeContext("lambda-req-1", remainingMillis));
        return new Invoked(response, deadline, clock.instant());
    }

    /** What the handler answered, the deadline it was given, and the clock when it returned. */
    public record Invoked(JsonNode response, Instant deadline, Instant finishedAt) {}
}
