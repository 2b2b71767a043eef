package com.composerelay.core;

import java.time.Instant;

/**
 * A valid update with what identifies it: the relay's correlation id, where it came from, when
 * it arrived and by when it must be decided (the Lambda deadline).
 */
public record RelayRequest(
        String requestId, Trigger trigger, ComposeUpdate update, Instant startedAt, Instant deadline) {}
