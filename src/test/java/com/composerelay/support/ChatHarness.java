package com.composerelay.support;

import com.composerelay.RelayHandler;
import com.composerelay.Wiring;
import com.composerelay.chat.ChatReplies;
import com.composerelay.chat.UpdateQueue;
import com.composerelay.config.Config;
import com.composerelay.core.ComposeUpdate;
import com.composerelay.core.Threads;
import com.composerelay.json.Json;
import com.composerelay.webhook.HubSignature;
import com.composerelay.webhook.SigningSecrets;
import com.composerelay.json.JsonNode;
import com.composerelay.json.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The handler with the chat-ops routes on, over in-memory fakes of secrets, queue, threads and replies. */
public final class ChatHarness {
    public static final String SLACK_SECRET = "slack-signing-secret-sample-0001";
    public static final String HOOK_SECRET = "hook-secret-sample-0001";
    public static final String PHALA_SECRET = "whsec_sample_0001";

    /** A queued update with its message attributes. */
    public record Queued(ComposeUpdate update, Map<String, String> attributes) {}

    /** A reply posted to a chat. */
    public record Reply(String url, String text) {}

    public final MutableClock clock = new MutableClock();
    public final ScriptedPhala phala = new ScriptedPhala(clock);
    public final RecordingOutcomes outcomes = new RecordingOutcomes();
    public final InMemoryIdempotency idempotency = new InMemoryIdempotency(clock, Duration.ofHours(1));
    public final List<Queued> queued = new ArrayList<>();
    public final List<Reply> replies = new ArrayList<>();
    public final Map<String, Threads.Thread> threads = new HashMap<>();
    public final Map<String, List<String>> secrets = new HashMap<>(Map.of(
            "slack-secret", List.of(SLACK_SECRET, "slack-previous-secret"),
            "hook-secret", List.of(HOOK_SECRET),
            "phala-secret", List.of(PHALA_SECRET)));
    public final RelayHandler handler;
    /** When set, the request queue refuses every update. */
    public boolean queueDown;

    public ChatHarness() {
        this("T0001/C0001/*=cvm_*;T0001/*/U0BOSS=*");
    }

    public ChatHarness(String allowlist) {
        Config config = Fixtures.config("SLACK_SIGNING_SECRET_ID", "slack-secret", "SLACK_ALLOWLIST", allowlist,
                "REQUEST_QUEUE_URL", "http://queue.local/requests", "HOOK_SECRET_ID", "hook-secret",
                "PHALA_WEBHOOK_SECRET_ID", "phala-secret");
        SigningSecrets signing = new SigningSecrets() {
            @Override
            public List<String> current(String id) throws Unavailable {
                List<String> values = secrets.get(id);
                if (values == null) {
                    throw new Unavailable("signing secret " + id + " was not found");
                }
                return values;
            }

            @Override
            public List<String> refreshed(String id) throws Unavailable {
                return current(id);
            }
        };
        UpdateQueue queue = (update, attributes) -> {
            if (queueDown) {
                throw new UpdateQueue.Unavailable("the request queue did not take the update (SqsException)");
            }
            queued.add(new Queued(update, Map.copyOf(attributes)));
        };
        ChatReplies chat = (url, text) -> replies.add(new Reply(url, text));
        Threads threadStore = new Threads() {
            @Override
            public void remember(Thread thread) {
                threads.put(thread.cvmId(), thread);
            }

            @Override
            public Optional<Thread> find(String cvmId) {
                return Optional.ofNullable(threads.get(cvmId));
            }
        };
        handler = new RelayHandler(Wiring.dispatcher(config, new Wiring.Parts(new FakeKeys(Fixtures.API_KEY), phala,
                idempotency, outcomes, threadStore, chat, signing, queue, clock, clock::advance)), clock);
    }

    public JsonNode invoke(String event) {
        return Invoke.json(handler, event);
    }

    /** An HTTP API event for {@code POST path} with these headers and raw body. */
    public static String post(String path, Map<String, String> headers, String body, boolean base64) {
        ObjectNode event = (ObjectNode) Fixtures.event("http-api.json");
        event.put("routeKey", "POST " + path);
        event.put("rawPath", path);
        ((ObjectNode) event.get("requestContext").get("http")).put("method", "POST");
        ((ObjectNode) event.get("requestContext").get("http")).put("path", path);
        event.remove("pathParameters");
        ObjectNode h = event.putObject("headers");
        headers.forEach(h::put);
        event.put("body", base64 ? Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)) : body);
        event.put("isBase64Encoded", base64);
        return Json.write(event);
    }

    public long now() {
        return clock.instant().getEpochSecond();
    }

    /** A valid CI-hook body for {@code cvmId}, sent at {@code unixSeconds} (its signed {@code timestamp}). */
    public static String hookBody(String cvmId, long unixSeconds) {
        return "{\"cvm_id\":\"" + cvmId + "\",\"compose_hash\":\"" + Fixtures.HASH + "\",\"timestamp\":" + unixSeconds + "}";
    }

    /** A valid CI-hook body for {@code cvmId}, sent now by this harness's clock. */
    public String hookBody(String cvmId) {
        return hookBody(cvmId, now());
    }

    /** {@code POST /hooks/compose-update} with this raw body, signed with the hook secret, plus these headers. */
    public static String signedHook(String body, Map<String, String> headers) {
        Map<String, String> all = new java.util.LinkedHashMap<>(headers);
        all.put("X-Hub-Signature-256", HubSignature.sign(HOOK_SECRET, body.getBytes(StandardCharsets.UTF_8)));
        return post("/hooks/compose-update", all, body, false);
    }
}
