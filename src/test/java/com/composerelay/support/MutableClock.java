package com.composerelay.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that moves only when told to; a sleeper built on it "sleeps" by moving it. */
public final class MutableClock extends Clock {
    public static final Instant START = Instant.parse("2026-11-25T12:00:00Z");
    private final AtomicReference<Instant> now = new AtomicReference<>(START);

    @Override public ZoneId getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(ZoneId zone) { return this; }
    @Override public Instant instant() { return now.get(); }

    public void advance(Duration by) {
        now.updateAndGet(t -> t.plus(by));
    }
}
