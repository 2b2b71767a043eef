package com.composerelay.trigger;

import com.composerelay.codec.ComposeUpdateJson;
import com.composerelay.codec.RequestForm;
import com.composerelay.codec.WholeUpdateJson;
import com.composerelay.core.ComposeUpdate;
import com.composerelay.core.InvalidRequest;
import com.composerelay.core.Invocation;
import com.composerelay.core.Outcome;
import com.composerelay.core.Pipeline;
import com.composerelay.core.RelayRequest;
import com.composerelay.core.Runs;
import com.composerelay.core.WholeRequest;
import com.composerelay.core.WholeUpdate;
import com.composerelay.json.Json;
import com.composerelay.log.Log;
import com.fasterxml.jackson.jr.stree.JrsObject;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * SQS (standard and FIFO): each message body is a compose update with {@code cvm_id} (the PATCH
 * form, or a whole update with {@code app_compose}), or a rollout ({@code targets}). Messages are
 * relayed concurrently (FIFO: one group after another in order, groups side by side), and only
 * transient failures go back in {@code batchItemFailures}, so SQS redelivers just those.
 */
public final class SqsTrigger {
    private final Runs runs;
    private final Pipeline pipeline;
    private final Clock clock;
    private final int maxReceiveCount;
    private final java.util.Optional<RolloutStarts> rollouts;
    private final java.util.Optional<ReleaseMessages> releases;

    public SqsTrigger(Runs runs, Pipeline pipeline, Clock clock, int maxReceiveCount) {
        this(runs, pipeline, clock, maxReceiveCount, java.util.Optional.empty(), java.util.Optional.empty());
    }

    /**
     * @param rollouts how a rollout on the request queue starts, when the relay has a state machine
     * @param releases how an ECR push or a release from chat is made, when the relay has a state machine
     */
    public SqsTrigger(Runs runs, Pipeline pipeline, Clock clock, int maxReceiveCount,
                      java.util.Optional<RolloutStarts> rollouts, java.util.Optional<ReleaseMessages> releases) {
        this.runs = runs;
        this.pipeline = pipeline;
        this.clock = clock;
        this.maxReceiveCount = maxReceiveCount;
        this.rollouts = rollouts;
        this.releases = releases;
    }

    public JrsObject handle(JrsValue event, Invocation invocation) {
        List<JrsValue> records = new ArrayList<>();
        Json.elements(event.path("Records")).forEach(records::add);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (List<SqsMessage> group : inOrderGroups(messages(records, invocation.requestId()))) {
                workers.submit(Invocation.carried(() -> relayGroup(group, invocation, failures)));
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
    private static List<List<SqsMessage>> inOrderGroups(List<SqsMessage> messages) {
        Map<String, List<SqsMessage>> groups = new LinkedHashMap<>();
        int solo = 0;
        for (SqsMessage message : messages) {
            String group = message.group();
            String key = group == null ? "\u0000solo-" + solo++ : "group:" + group;
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(message);
        }
        return new ArrayList<>(groups.values());
    }

    private static List<SqsMessage> messages(List<JrsValue> records, String lambdaRequestId) {
        List<SqsMessage> messages = new ArrayList<>(records.size());
        String invocation = lambdaRequestId == null ? "sqs" : lambdaRequestId;
        for (int i = 0; i < records.size(); i++) {
            messages.add(SqsMessage.read(records.get(i), invocation + "#" + i));
        }
        return messages;
    }

    private void relayGroup(List<SqsMessage> group, Invocation invocation, ConcurrentLinkedQueue<String> failures) {
        boolean stopped = false;
        for (SqsMessage message : group) {
            if (message.messageId() == null) {
                // It cannot be reported for redelivery, so it is decided now, and its group goes on.
                try {
                    rejectWithoutMessageId(message);
                } catch (RuntimeException | Error e) {
                    Log.warn("SQS record without messageId not reported: " + e.getClass().getName(),
                            "request_id", message.requestId());
                }
                continue;
            }
            if (stopped) {
                // An earlier message of this FIFO group failed: later ones wait for it, in order.
                failures.add(message.messageId());
                continue;
            }
            try {
                if (!relayMessage(message, invocation)) {
                    failures.add(message.messageId());
                    stopped = true;
                }
            } catch (RuntimeException | Error e) {
                // A bug, or a body too deep or too large to handle, must not lose the message (nor the
                // rest of its group): report it for redelivery, and SQS ends it in the dead-letter queue.
                Log.warn("message not relayed: " + e.getClass().getName(), "request_id", message.messageId());
                failures.add(message.messageId());
                stopped = true;
            }
        }
    }

    private void rejectWithoutMessageId(SqsMessage message) {
        Instant startedAt = clock.instant();
        JrsValue body;
        try {
            body = body(message);
        } catch (InvalidRequest e) {
            body = null;
        }
        Log.warn("SQS record without messageId: rejected, not relayed", "request_id", message.requestId());
        pipeline.reject(Outcome.invalid(message.requestId(), message.trigger(), ComposeUpdateJson.validCvmId(body),
                ComposeUpdateJson.validComposeHash(body), new InvalidRequest("messageId",
                        "is required: a record without one could not be returned to the queue, so it is not relayed"),
                startedAt, clock.instant()), message.replyUrl());
    }

    /** Relays one message; true when it is decided for good (no redelivery wanted). */
    private boolean relayMessage(SqsMessage message, Invocation invocation) {
        Instant startedAt = clock.instant();
        String messageId = message.messageId();
        JrsValue body = null;
        try {
            body = body(message);
            if (body.isObject() && body.get("relay_task") != null) {
                throw new InvalidRequest("relay_task", "a rollout task is accepted only on the rollout task queue,"
                        + " from the relay's state machine");
            }
            if (ReleaseMessages.isEcrEvent(body) || ReleaseMessages.isRelease(body)) {
                if (releases.isEmpty()) {
                    throw new InvalidRequest(ReleaseMessages.isRelease(body) ? "release" : "source", "image deploys are"
                            + " rollouts, and need the rollout state machine (ROLLOUT_STATE_MACHINE_ARN), which this relay"
                            + " is not configured with");
                }
                return ReleaseMessages.isEcrEvent(body) ? releases.get().push(message, body, invocation)
                        : releases.get().release(message, body, invocation);
            }
            if (body.isObject() && body.get("targets") != null) {
                if (rollouts.isEmpty()) {
                    throw new InvalidRequest("targets", "rollouts need the rollout state machine"
                            + " (ROLLOUT_STATE_MACHINE_ARN), which this relay is not configured with");
                }
                return rollouts.get().fromQueue(message, body, invocation);
            }
            RequestForm form = RequestForm.of(body);
            return decided(message, pipeline.handle(request(message, form, body, startedAt, invocation)));
        } catch (InvalidRequest problem) {
            pipeline.reject(Outcome.invalid(messageId, message.trigger(), ComposeUpdateJson.validCvmId(body),
                    ComposeUpdateJson.validComposeHash(body), problem, startedAt, clock.instant()), message.replyUrl());
            return true;
        }
    }

    /** The pipeline's request for a message's body: a whole update or the PATCH form. */
    private Pipeline.Request request(SqsMessage message, RequestForm form, JrsValue body, Instant startedAt,
                                     Invocation invocation) throws InvalidRequest {
        String correlation = message.correlationId() == null ? message.messageId() : message.correlationId();
        boolean redelivered = message.receiveCount() < maxReceiveCount;
        if (form == RequestForm.WHOLE) {
            WholeUpdate update = WholeUpdateJson.read(body, null);
            return runs.whole(invocation, new WholeRequest(message.messageId(), correlation, message.trigger(), update,
                    startedAt, invocation.deadline(), message.actor()), message.idempotencyKey(), message.replyUrl(),
                    redelivered);
        }
        ComposeUpdate update = ComposeUpdateJson.read(body, null);
        return runs.patch(invocation, new RelayRequest(message.messageId(), correlation, message.trigger(), update,
                startedAt, invocation.deadline(), message.actor()), message.idempotencyKey(), message.replyUrl(),
                redelivered);
    }

    /** Whether the message is done with (true) or goes back to the queue (false). */
    private boolean decided(SqsMessage message, Pipeline.Result result) throws InvalidRequest {
        if (result instanceof Pipeline.Result.Decided d && d.outcome() instanceof Outcome.Failed) {
            message.warnIfReceiveCountUnreadable();
        }
        return switch (result) {
            // A failure on its last delivery is published, and still goes back: SQS ends it in the dead-letter queue.
            case Pipeline.Result.Decided decided -> !(decided.outcome() instanceof Outcome.Failed);
            case Pipeline.Result.Redeliver held -> {
                Log.info("request failed for now; SQS will deliver it again", "request_id", message.messageId(),
                        "receive_count", message.receiveCount(), "max_receive_count", maxReceiveCount,
                        "error", held.outcome().error());
                yield false;
            }
            case Pipeline.Result.Replayed replayed -> true;
            case Pipeline.Result.Busy busy -> {
                Log.info("duplicate message while the first is in progress; SQS will deliver it again",
                        "request_id", message.messageId());
                yield false;
            }
            case Pipeline.Result.Conflict conflict -> throw new InvalidRequest("MessageDeduplicationId", conflict.message());
        };
    }

    private static JrsValue body(SqsMessage message) throws InvalidRequest {
        String body = message.body();
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
