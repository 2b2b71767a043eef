package com.composerelay.core;

import java.time.Instant;

/**
 * A valid update with what identifies it: the relay's request id, the correlation (thread) id that
 * every outcome of one update shares, where it came from, when it arrived and by when it must be
 * decided (the Lambda deadline), and who asked ({@code actor}, or null when not known).
 */
public record RelayRequest(String requestId, String correlationId, Trigger trigger, ComposeUpdate update,
                           Instant startedAt, Instant deadline, String actor) {

    /** A request whose caller is not known. */
    public RelayRequest(String requestId, String correlationId, Trigger trigger, ComposeUpdate update,
                        Instant startedAt, Instant deadline) {
        this(requestId, correlationId, trigger, update, startedAt, deadline, null);
    }

    /** A request that is its own correlation: the usual case. */
    public RelayRequest(String requestId, Trigger trigger, ComposeUpdate update, Instant startedAt, Instant deadline) {
        this(requestId, requestId, trigger, update, startedAt, deadline, null);
    }
}
