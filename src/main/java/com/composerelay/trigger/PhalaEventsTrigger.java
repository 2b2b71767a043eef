package com.composerelay.trigger;

import com.composerelay.core.UpdateThread;
import com.composerelay.codec.Quoted;
import com.composerelay.core.ComposeUpdate;
import com.composerelay.core.FinalOutcomes;
import com.composerelay.core.InvalidRequest;
import com.composerelay.core.Invocation;
import com.composerelay.core.Locks;
import com.composerelay.core.Publication;
import com.composerelay.core.StoreKeys;
import com.composerelay.core.StoreUnavailable;
import com.composerelay.core.Outcome;
import com.composerelay.core.Trigger;
import com.composerelay.json.Json;
import com.composerelay.log.Log;
import com.composerelay.webhook.PhalaWebhookSignature;
import com.fasterxml.jackson.jr.stree.JrsObject;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /phala/events}: Phala's own webhook, which closes the loop. {@code cvm.updated} and
 * {@code cvm.restarted} become {@code completed} outcomes, {@code cvm.create_failed} and
 * {@code cvm.stopped} {@code failed} ones, in the thread of the update that caused them (and in its
 * Slack channel, when it came from there). Each event id is handled once.
 */
public final class PhalaEventsTrigger {
    /** Phala's error text is kept up to this many characters: enough for a reason, not for a flood. */
    static final int MAX_ERROR_LENGTH = 500;

    private final SigningKey signing;
    private final Locks seen;
    private final FinalOutcomes finals;
    private final Publication publication;
    private final Clock clock;

    public PhalaEventsTrigger(SigningKey signing, Locks seen, FinalOutcomes finals,
                              Publication publication, Clock clock) {
        this.signing = signing;
        this.seen = seen;
        this.finals = finals;
        this.publication = publication;
        this.clock = clock;
    }

    JrsObject handle(HttpRequestEvent request, Invocation invocation) {
        Instant deadline = invocation.deadline();
        Instant startedAt = clock.instant();
        String timestamp = request.header("X-Webhook-Timestamp");
        String signature = request.header("X-Webhook-Signature");
        byte[] raw;
        switch (SignedRequest.check("Phala event", request, signing,
                (body, s) -> PhalaWebhookSignature.verify(timestamp, signature, body, s, clock.instant()))) {
            case SignedRequest.Refused refused -> {
                return refused.answer();
            }
            case SignedRequest.Verified verified -> raw = verified.raw();
        }
        JrsValue envelope;
        try {
            envelope = Json.parse(new String(raw, StandardCharsets.UTF_8));
        } catch (Json.Malformed e) {
            return HttpRequestEvent.error(400, "body: " + e.getMessage());
        }
        String id = Json.asText(envelope.path("id"), "");
        String event = Json.asText(envelope.path("event"), "");
        String cvmId = Json.asText(envelope.path("data").path("cvm_id"), "");
        if (id.isBlank() || event.isBlank() || cvmId.isBlank()) {
            return HttpRequestEvent.error(400, "body: needs id, event and data.cvm_id");
        }
        try {
            ComposeUpdate.checkCvmId(cvmId);
        } catch (InvalidRequest e) {
            return HttpRequestEvent.error(400, "data." + e.getMessage());
        }
        String key = StoreKeys.PHALA_EVENT.of(id);
        try {
            Locks.Taken taken = seen.take(key, deadline);
            if (taken == Locks.Taken.HELD) {
                // Another delivery holds it: if that one dies, Phala's retry must still find the event open.
                Log.info("Phala event in progress elsewhere; Phala will deliver it again", "event_id", id);
                return HttpRequestEvent.error(409, "this event is being handled; try again later");
            }
            if (taken == Locks.Taken.DONE) {
                Log.info("Phala event seen before", "event_id", id);
                return received(event, "duplicate");
            }
        } catch (StoreUnavailable e) {
            // Phala redelivers (1 min, 10 min, 1 h): better later than twice.
            Log.warn("Phala event not deduplicated: " + e.getMessage(), "event_id", id);
            return HttpRequestEvent.error(503, "try again later");
        }
        Optional<Outcome> outcome = outcomeOf(envelope, id, event, cvmId, startedAt);
        Optional<UpdateThread> thread = publication.threadOf(cvmId);
        String result = outcome.map(Outcome::status).orElse("ignored");
        if (outcome.isPresent()) {
            Outcome o = inThread(outcome.get(), thread);
            String replyUrl = thread.map(UpdateThread::replyUrl).orElse(null);
            if (thread.isEmpty()) {
                publication.publish(o, replyUrl);
            } else {
                // One final outcome per update: the watch may have published it already, or may later.
                try {
                    if (!finals.decide(thread.get().updateId(), o, deadline, replyUrl)) {
                        result = "already-final";
                    }
                } catch (StoreUnavailable e) {
                    try {
                        seen.free(key);
                    } catch (StoreUnavailable ignored) {
                        // the claim lapses at the deadline
                    }
                    Log.warn("Phala event not decided: " + e.getMessage(), "event_id", id);
                    return HttpRequestEvent.error(503, "try again later");
                }
            }
        }
        try {
            seen.done(key);
        } catch (StoreUnavailable e) {
            Log.warn("Phala event not recorded as handled: " + e.getMessage(), "event_id", id);
        }
        return received(event, result);
    }

    private Optional<Outcome> outcomeOf(JrsValue envelope, String id, String event, String cvmId, Instant startedAt) {
        Outcome.Facts facts = new Outcome.Facts(id, id, Trigger.PHALA, cvmId, null, 0, null, null, startedAt, clock.instant());
        String error = errorOf(envelope);
        return switch (event) {
            case "cvm.updated", "cvm.restarted" -> Optional.of(new Outcome.Completed(facts, event));
            case "cvm.create_failed", "cvm.stopped" -> Optional.of(new Outcome.Failed(facts, Outcome.Failure.CVM_NOT_RUNNING,
                    "Phala reported " + event + (error == null || error.isBlank() ? "" : ": " + error)));
            default -> Optional.empty();
        };
    }

    /** Phala's {@code data.error} on one line and at most {@link #MAX_ERROR_LENGTH} characters, or null. */
    static String errorOf(JrsValue envelope) {
        String error = Json.asText(envelope.path("data").path("error"), null);
        if (error == null) {
            return null;
        }
        String line = Quoted.oneLine(error);
        if (line.length() <= MAX_ERROR_LENGTH) {
            return line;
        }
        int end = Character.isHighSurrogate(line.charAt(MAX_ERROR_LENGTH - 1)) ? MAX_ERROR_LENGTH - 1 : MAX_ERROR_LENGTH;
        return line.substring(0, end) + "…";
    }

    /** The outcome in the thread of the update that caused it: same correlation id, its compose hash. */
    private static Outcome inThread(Outcome outcome, Optional<UpdateThread> thread) {
        if (thread.isEmpty()) {
            return outcome;
        }
        Outcome.Facts f = outcome.facts();
        Outcome.Facts linked = new Outcome.Facts(f.requestId(), thread.get().correlationId(), f.trigger(), f.cvmId(),
                thread.get().composeHash(), f.attempts(), f.httpStatus(), f.phalaRequestId(), f.startedAt(), f.finishedAt());
        return switch (outcome) {
            case Outcome.Completed c -> new Outcome.Completed(linked, c.event());
            case Outcome.Failed x -> new Outcome.Failed(linked, x.reason(), x.error());
            default -> outcome;
        };
    }

    private static JrsObject received(String event, String result) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("received", true);
        body.put("event", event);
        body.put("result", result);
        return HttpRequestEvent.response(200, Json.object(body));
    }
}
