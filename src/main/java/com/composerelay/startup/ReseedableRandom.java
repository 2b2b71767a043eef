package com.composerelay.startup;

import java.security.SecureRandom;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * The retry jitter's random numbers, seeded anew after a SnapStart restore: otherwise every
 * environment restored from one snapshot would draw the same "random" waits, and retries meant to
 * spread out would arrive together.
 */
public final class ReseedableRandom implements DoubleSupplier {
    private final LongSupplier seeds;
    private volatile SplittableRandom random;

    /** Seeded from {@link SecureRandom}. */
    public ReseedableRandom() {
        this(() -> new SecureRandom().nextLong());
    }

    /** Seeded from {@code seeds}, once now and once at every {@link #reseed()}. */
    public ReseedableRandom(LongSupplier seeds) {
        this.seeds = seeds;
        this.random = new SplittableRandom(seeds.getAsLong());
    }

    @Override
    public double getAsDouble() {
        SplittableRandom current = random;
        synchronized (current) {
            return current.nextDouble();
        }
    }

    public void reseed() {
        random = new SplittableRandom(seeds.getAsLong());
    }
}
