package com.composerelay.core;

/** A request that breaks a rule; the message names the field and the rule, never a stack trace. */
public final class InvalidRequest extends Exception {
    private final String field;

    public InvalidRequest(String field, String rule) {
        super(field == null ? rule : field + ": " + rule, null, false, false);
        this.field = field;
    }

    /** The offending field, or {@code null} when the request as a whole is at fault. */
    public String field() {
        return field;
    }
}
