package com.composerelay.core;

/** Where a request came from; the value is what outcomes carry in {@code trigger}. */
public enum Trigger {
    API("api"),
    SQS("sqs");

    private final String wire;

    Trigger(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
