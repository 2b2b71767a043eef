package com.composerelay.core;

/**
 * Where outcomes go. Publishing never throws: when it fails for good, the implementation logs the
 * whole outcome as an error and the request's result stands (no second PATCH).
 */
public interface Outcomes {
    /** Publishes {@code outcome}; {@code json} is its JSON text, written once by {@link OutcomeWriter}. */
    void publish(Outcome outcome, String json);
}
