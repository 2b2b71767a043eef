package com.composerelay.trigger;

import com.composerelay.core.StoreKeys;
import com.composerelay.core.Trigger;
import com.composerelay.json.Json;
import com.composerelay.log.Log;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.util.Locale;

/**
 * One SQS record as the relay reads it, read once: who put it on the queue ({@link Origin}), its
 * thread, where to reply, who asked, its idempotency key and how often SQS delivered it.
 */
record SqsMessage(JrsValue record, String messageId, String requestId, Origin origin, String correlationId,
                  String replyUrl, String actor, String idempotencyKey) {

    /** Who put the message on the queue. */
    enum Origin {
        /** A producer (a pipeline, a job): its body is a request. */
        PRODUCER,
        /** The Slack route's hand-off of a signed slash command. */
        SLACK
    }

    /**
     * Reads {@code record}; one without a message id (AWS always sets it, a hand-made event may not) is
     * named {@code requestId} ({@code <lambda request id>#<index in the batch>}) in its outcome.
     */
    static SqsMessage read(JrsValue record, String requestId) {
        String messageId = Json.text(record.path("messageId"));
        if (messageId != null && messageId.isBlank()) {
            messageId = null;
        }
        JrsValue attributes = record.path("messageAttributes");
        Origin origin = switch (String.valueOf(attribute(attributes, QueueAttributes.ORIGIN))) {
            case "slack" -> Origin.SLACK;
            default -> Origin.PRODUCER;
        };
        String actor = origin == Origin.SLACK && attribute(attributes, "slack_user") != null
                ? "slack:" + attribute(attributes, "slack_user") : senderOf(record);
        String slackKey = origin == Origin.SLACK ? attribute(attributes, QueueAttributes.IDEMPOTENCY_KEY) : null;
        String dedup = Json.text(record.path("attributes").path("MessageDeduplicationId"));
        // A Slack command's key (the signed request's, so a copy of it that slipped through is still one request);
        // else a FIFO message's deduplication id, which covers producer retries too; else the message id.
        String key = StoreKeys.REQUEST_SQS.of(slackKey != null ? slackKey : dedup != null ? dedup : messageId);
        return new SqsMessage(record, messageId, messageId != null ? messageId : requestId, origin,
                attribute(attributes, QueueAttributes.CORRELATION_ID), attribute(attributes, QueueAttributes.REPLY_URL),
                actor, key);
    }

    /** The trigger its outcome names: a slash command, or the queue. */
    Trigger trigger() {
        return origin == Origin.SLACK ? Trigger.SLACK : Trigger.SQS;
    }

    /** The ARN of the queue the message came from, or null. */
    String eventSourceArn() {
        return Json.text(record.path("eventSourceARN"));
    }

    /** The message's body text, or null. */
    String body() {
        return Json.text(record.path("body"));
    }

    /** The FIFO group it belongs to, or null for a standard message. */
    String group() {
        return Json.text(record.path("attributes").path("MessageGroupId"));
    }

    /**
     * The record's {@code ApproximateReceiveCount}; one that is missing or not a positive int (too big,
     * junk) counts as the last message, so a failure is published rather than lost.
     */
    int receiveCount() {
        try {
            int value = Integer.parseInt(receiveCountText());
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // the last message
        }
        return Integer.MAX_VALUE;
    }

    /** Logs a receive count that is not a positive int, once the count decides something (a failure). */
    void warnIfReceiveCountUnreadable() {
        if (receiveCount() == Integer.MAX_VALUE) {
            String text = receiveCountText();
            Log.warn("ApproximateReceiveCount is not a positive int: taken as the last message", "request_id", requestId,
                    "receive_count", text == null
                            ? Json.kind(record.path("attributes").path("ApproximateReceiveCount")).toLowerCase(Locale.ROOT)
                            : text.length() > 32 ? text.substring(0, 32) + "…" : text);
        }
    }

    private String receiveCountText() {
        JrsValue count = record.path("attributes").path("ApproximateReceiveCount");
        return Json.isText(count) || count.isNumber() ? Json.asText(count).strip() : null;
    }

    /** The sender's IAM principal id as SQS records it ({@code sqs:<SenderId>}), or null. */
    private static String senderOf(JrsValue record) {
        String sender = Json.asText(record.path("attributes").path("SenderId"), null);
        return sender == null || sender.isBlank() ? null : "sqs:" + sender;
    }

    /** A string message attribute as Lambda's SQS event carries it. */
    private static String attribute(JrsValue attributes, String name) {
        JrsValue value = attributes.path(name).path("stringValue");
        return Json.isText(value) && !Json.text(value).isBlank() ? Json.text(value) : null;
    }
}
