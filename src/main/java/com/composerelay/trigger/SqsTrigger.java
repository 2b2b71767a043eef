package com.composerelay.trigger;

import com.composerelay.core.ComposeUpdate;
import com.composerelay.core.InvalidRequest;
import com.composerelay.core.Invocation;
import com.composerelay.core.Outcome;
import com.composerelay.core.RelayRequest;
import com.composerelay.core.Trigger;
import com.composerelay.codec.ComposeUpdateJson;
import com.composerelay.codec.RequestForm;
import com.composerelay.codec.WatchCheckJson;
import com.composerelay.codec.WholeUpdateJson;
import com.composerelay.core.UpdateThread;
import com.composerelay.core.WatchCheck;
import com.composerelay.core.Watcher;
import com.composerelay.core.WholeRequest;
import com.composerelay.core.WholeUpdate;
import com.composerelay.json.Json;
import com.composerelay.log.Log;
import com.fasterxml.jackson.jr.stree.JrsObject;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * SQS (standard and FIFO): each message body is a compose update with {@code cvm_id} (the PATCH
 * form, or a whole update with {@code app_compose}), or one check of a watched update. Messages are
 * relayed concurrently (FIFO: one group after another in order, groups side by side), and only
 * transient failures go back in {@code batchItemFailures}, so SQS redelivers just those.
 */
public final class SqsTrigger {
    private final Delivery delivery;
    private final OnceOnly onceOnly;
    private final int maxReceiveCount;

    public SqsTrigger(Delivery delivery, int maxReceiveCount) {
        this.delivery = delivery;
        this.onceOnly = delivery.onceOnly();
        this.maxReceiveCount = maxReceiveCount;
    }

    /** One record of the batch, and the request id its outcome carries when it has no message id. */
    private record Received(JrsValue record, String messageId, String requestId) {}

    public JrsObject handle(JrsValue event, Instant deadline, String lambdaRequestId) {
        List<JrsValue> records = new ArrayList<>();
        Json.elements(event.path("Records")).forEach(records::add);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (List<Received> group : inOrderGroups(messages(records, lambdaRequestId))) {
                workers.submit(Invocation.carried(() -> relayGroup(group, deadline, failures)));
            }
        }
        List<Object> items = new ArrayList<>();
        // Report in the batch's own order, whatever order the workers finished in, each id once.
        Set<String> reported = new HashSet<>();
        for (JrsValue record : records) {
            String id = Json.text(record.path("messageId"));
            if (id != null && failures.contains(id) && reported.add(id)) {
                items.add(Map.of("itemIdentifier", id));
            }
        }
        return Json.object(Map.of("batchItemFailures", items));
    }

    /**
     * FIFO messages keep their group's order; every standard message is a group of its own. Groups
     * keep the order in which they first appear.
     */
    private static List<List<Received>> inOrderGroups(List<Received> messages) {
        Map<String, List<Received>> groups = new LinkedHashMap<>();
        int solo = 0;
        for (Received message : messages) {
            String group = Json.text(message.record().path("attributes").path("MessageGroupId"));
            String key = group == null ? "\u0000solo-" + solo++ : "group:" + group;
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(message);
        }
        return new ArrayList<>(groups.values());
    }

    /**
     * The records with their message ids; one without (AWS always sets it, a hand-made event may
     * not) is named {@code <lambda request id>#<index in the batch>} in its outcome.
     */
    private static List<Received> messages(List<JrsValue> records, String lambdaRequestId) {
        List<Received> messages = new ArrayList<>(records.size());
        String invocation = lambdaRequestId == null ? "sqs" : lambdaRequestId;
        for (int i = 0; i < records.size(); i++) {
            String messageId = Json.text(records.get(i).path("messageId"));
            if (messageId != null && messageId.isBlank()) {
                messageId = null;
            }
            messages.add(new Received(records.get(i), messageId, messageId != null ? messageId : invocation + "#" + i));
        }
        return messages;
    }

    private void relayGroup(List<Received> group, Instant deadline, ConcurrentLinkedQueue<String> failures) {
        boolean stopped = false;
        for (Received message : group) {
            JrsValue record = message.record();
            String messageId = message.messageId();
            if (messageId == null) {
                // It cannot be reported for redelivery, so it is decided now, and its group goes on.
                try {
                    rejectWithoutMessageId(record, message.requestId());
                } catch (RuntimeException | Error e) {
                    Log.warn("SQS record without messageId not reported: " + e.getClass().getName(),
                            "request_id", message.requestId());
                }
                continue;
            }
            if (stopped) {
                // An earlier message of this FIFO group failed: later ones wait for it, in order.
                failures.add(messageId);
                continue;
            }
            try {
                if (!relayMessage(record, messageId, deadline)) {
                    failures.add(messageId);
                    stopped = true;
                }
            } catch (RuntimeException | Error e) {
                // A bug, or a body too deep or too large to handle, must not lose the message (nor the
                // rest of its group): report it for redelivery, and SQS ends it in the dead-letter queue.
                Log.warn("message not relayed: " + e.getClass().getName(), "request_id", messageId);
                failures.add(messageId);
                stopped = true;
            }
        }
    }

    private void rejectWithoutMessageId(JrsValue record, String requestId) {
        Instant startedAt = delivery.clock().instant();
        JrsValue body;
        try {
            body = body(record);
        } catch (InvalidRequest e) {
            body = null;
        }
        Trigger trigger = "slack".equals(attribute(record.path("messageAttributes"), QueueAttributes.ORIGIN)) ? Trigger.SLACK : Trigger.SQS;
        Log.warn("SQS record without messageId: rejected, not relayed", "request_id", requestId);
        delivery.decided(Outcome.invalid(requestId, trigger, ComposeUpdateJson.validCvmId(body),
                ComposeUpdateJson.validComposeHash(body), new InvalidRequest("messageId",
                        "is required: a record without one could not be returned to the queue, so it is not relayed"),
                startedAt, delivery.clock().instant()), attribute(record.path("messageAttributes"), QueueAttributes.REPLY_URL));
    }

    /** Relays one message; true when it is decided for good (no redelivery wanted). */
    private boolean relayMessage(JrsValue record, String messageId, Instant deadline) {
        Instant startedAt = delivery.clock().instant();
        JrsValue attributes = record.path("messageAttributes");
        Trigger trigger = "slack".equals(attribute(attributes, QueueAttributes.ORIGIN)) ? Trigger.SLACK : Trigger.SQS;
        String correlationId = attribute(attributes, QueueAttributes.CORRELATION_ID);
        String replyUrl = attribute(attributes, QueueAttributes.REPLY_URL);
        Outcome outcome;
        JrsValue body = null;
        try {
            body = body(record);
            RequestForm form = RequestForm.of(body);
            if (form == RequestForm.WATCH && "watch".equals(attribute(attributes, QueueAttributes.ORIGIN))) {
                return watch(body, messageId, deadline);
            }
            if (form == RequestForm.WATCH) {
                form = RequestForm.PATCH; // not one of the relay's own checks: read as a request, and refused by name
            }
            OnceOnly.Result result;
            String correlation = correlationId == null ? messageId : correlationId;
            if (form == RequestForm.WHOLE) {
                WholeUpdate update = WholeUpdateJson.read(body, null);
                result = onceOnly.relay(new WholeRequest(messageId, correlation, trigger, update, startedAt, deadline,
                                actor(record)),
                        delivery.wholeUpdates().get(), idempotencyKey(record, messageId), o -> 0);
            } else {
                ComposeUpdate update = ComposeUpdateJson.read(body, null);
                RelayRequest request = new RelayRequest(messageId, correlation, trigger, update, startedAt, deadline,
                        actor(record));
                result = onceOnly.relay(request, idempotencyKey(record, messageId), o -> 0);
            }
            switch (result) {
                case OnceOnly.Result.Decided decided -> outcome = decided.outcome();
                case OnceOnly.Result.Replayed replayed -> {
                    return true;
                }
                case OnceOnly.Result.Busy busy -> {
                    Log.info("duplicate message while the first is in progress; SQS will deliver it again",
                            "request_id", messageId);
                    return false;
                }
                case OnceOnly.Result.Conflict conflict -> throw new InvalidRequest("MessageDeduplicationId", conflict.message());
            }
        } catch (InvalidRequest problem) {
            outcome = Outcome.invalid(messageId, trigger, ComposeUpdateJson.validCvmId(body),
                    ComposeUpdateJson.validComposeHash(body), problem, startedAt, delivery.clock().instant());
        }
        if (outcome instanceof Outcome.Failed) {
            int receiveCount = receiveCount(record, messageId);
            if (receiveCount < maxReceiveCount) {
                Log.info("request failed for now; SQS will deliver it again", "request_id", messageId,
                        "receive_count", receiveCount, "max_receive_count", maxReceiveCount, "error", outcome.error());
                return false;
            }
            delivery.decided(outcome, replyUrl);
            return false;
        }
        delivery.decided(outcome, replyUrl);
        return true;
    }

    /** One check of a watched update; true when it is done (decided, or the next check queued). */
    private boolean watch(JrsValue body, String messageId, Instant deadline) {
        WatchCheck check;
        try {
            check = WatchCheckJson.read(body);
        } catch (InvalidRequest problem) {
            // Only the relay writes these: one it cannot read is dropped, not retried forever.
            Log.warn("watch message not readable, dropped: " + problem.getMessage(), "request_id", messageId);
            return true;
        }
        // The update's chat, when it came from one and its thread is remembered (Phala's webhook is configured).
        String replyUrl = delivery.threads().find(check.cvmId())
                .filter(thread -> thread.correlationId().equals(check.correlationId()))
                .map(UpdateThread::replyUrl).orElse(null);
        Watcher.Verdict verdict = delivery.watcher().get().check(check, deadline, outcome -> delivery.decided(outcome, replyUrl));
        Log.info("watch check " + verdict.name().toLowerCase(Locale.ROOT), "request_id", check.requestId(),
                "correlation_id", check.correlationId(), "cvm_id", check.cvmId(), "check", check.check());
        return verdict != Watcher.Verdict.LATER;
    }

    /**
     * The record's {@code ApproximateReceiveCount}; one that is missing or not a positive int (too big,
     * junk) counts as the last message, so a failure is published rather than lost.
     */
    private static int receiveCount(JrsValue record, String messageId) {
        JrsValue count = record.path("attributes").path("ApproximateReceiveCount");
        String text = Json.isText(count) || count.isNumber() ? Json.asText(count).strip() : null;
        try {
            int value = Integer.parseInt(text);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // logged below
        }
        Log.warn("ApproximateReceiveCount is not a positive int: taken as the last message", "request_id", messageId,
                "receive_count", text == null ? Json.kind(count).toLowerCase(Locale.ROOT)
                        : text.length() > 32 ? text.substring(0, 32) + "…" : text);
        return Integer.MAX_VALUE;
    }

    /**
     * Who sent the message: the Slack user of a slash command ({@code slack:<user id>}), else the
     * sender's IAM principal id as SQS records it ({@code sqs:<SenderId>}), else null.
     */
    static String actor(JrsValue record) {
        JrsValue attributes = record.path("messageAttributes");
        String user = "slack".equals(attribute(attributes, QueueAttributes.ORIGIN)) ? attribute(attributes, "slack_user") : null;
        if (user != null) {
            return "slack:" + user;
        }
        String sender = Json.asText(record.path("attributes").path("SenderId"), null);
        return sender == null || sender.isBlank() ? null : "sqs:" + sender;
    }

    /** A string message attribute as Lambda's SQS event carries it. */
    private static String attribute(JrsValue attributes, String name) {
        JrsValue value = attributes.path(name).path("stringValue");
        return Json.isText(value) && !Json.text(value).isBlank() ? Json.text(value) : null;
    }

    /**
     * A Slack command's key (the signed request's, so a copy of it that slipped through is still one
     * request); else a FIFO message's deduplication id, which covers producer retries too; else the
     * message id.
     */
    static String idempotencyKey(JrsValue record, String messageId) {
        JrsValue attributes = record.path("messageAttributes");
        String slack = "slack".equals(attribute(attributes, QueueAttributes.ORIGIN)) ? attribute(attributes, QueueAttributes.IDEMPOTENCY_KEY) : null;
        String dedup = Json.text(record.path("attributes").path("MessageDeduplicationId"));
        return "sqs:" + (slack != null ? slack : dedup != null ? dedup : messageId);
    }

    private static JrsValue body(JrsValue record) throws InvalidRequest {
        String body = Json.text(record.path("body"));
        if (body == null || body.isBlank()) {
            throw new InvalidRequest("body", "is required: a JSON object with cvm_id and compose_hash");
        }
        try {
            return Json.parse(body);
        } catch (Json.Malformed e) {
            throw new InvalidRequest("body", e.getMessage());
        }
    }

}
