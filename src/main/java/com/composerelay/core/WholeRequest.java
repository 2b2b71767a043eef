package com.composerelay.core;

import java.time.Instant;

/** A valid whole update with what identifies it, as {@link RelayRequest} is for the PATCH form. */
public record WholeRequest(String requestId, String correlationId, Trigger trigger, WholeUpdate update,
                           Instant startedAt, Instant deadline, String actor) {}
