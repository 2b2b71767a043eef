package com.composerelay.trigger;

/**
 * The message attributes a chat hand-off sets on the request queue, and the SQS trigger reads:
 * where the update came from, its thread, where to reply, and the key of the signed command.
 */
final class QueueAttributes {
    static final String ORIGIN = "origin";
    static final String CORRELATION_ID = "correlation_id";
    static final String REPLY_URL = "reply_url";
    static final String IDEMPOTENCY_KEY = "idempotency_key";

    private QueueAttributes() {}
}
