package com.composerelay.core;

/** Writes an outcome as its JSON text, once per outcome: the SNS message, the recorded answer and the HTTP body share it. */
@FunctionalInterface
public interface OutcomeWriter {
    String json(Outcome outcome);
}
