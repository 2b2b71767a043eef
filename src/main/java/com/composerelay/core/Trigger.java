package com.composerelay.core;

/** Where a request came from; the value is what outcomes carry in {@code trigger}. */
public enum Trigger {
    API("api"),
    SQS("sqs"),
    /** A Slack slash command, relayed through the request queue. */
    SLACK("slack"),
    /** The signed JSON webhook for CI. */
    HOOK("hook"),
    /** Phala's own webhook events about a CVM. */
    PHALA("phala"),
    /** The relay's own watch of a whole update, until the CVM runs it. */
    WATCH("watch"),
    /** Phala's own clients (CLI, SDKs) on the relay's Phala-compatible API, with a relay token. */
    PHALA_API("phala-api"),
    /** An image pushed to ECR, delivered by EventBridge to the request queue. */
    ECR("ecr");

    private final String wire;

    Trigger(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
