package com.composerelay.trigger;

/**
 * An event the relay cannot read or does not serve: the invocation fails with this error type, so
 * Lambda's {@code Errors} metric and its alarms see a mis-wired trigger. Nothing was forwarded.
 */
public final class UnrecognisedEvent extends RuntimeException {
    public UnrecognisedEvent(String message) {
        super(message, null, false, false);
    }
}
