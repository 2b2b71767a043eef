package com.composerelay.core;

/** Why a signed request was or was not accepted; the reason is logged, never returned to the caller. */
public enum Verdict {
    VALID,
    MISSING_HEADERS,
    STALE_TIMESTAMP,
    BAD_SIGNATURE;

    public boolean valid() {
        return this == VALID;
    }
}
