package com.composerelay.core;

/**
 * Where outcomes go. Publishing never throws: when it fails for good, the implementation logs the
 * whole outcome as an error and the request's result stands (no second PATCH).
 */
public interface Outcomes {
    void publish(Outcome outcome);
}
