package com.composerelay.snapstart;

import java.security.SecureRandom;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * The retry jitter's random numbers, seeded anew after a SnapStart restore: otherwise every
 * environment restored from one snapshot would draw the same "random" waits, and retries meant to
 * spread out would arrive together.
 */
public final class ReseedableRandom implements DoubleSupplier {
    private volatile SplittableRandom random = fresh();

    @Override
    public double getAsDouble() {
        SplittableRandom current = random;
        synchronized (current) {
            return current.nextDouble();
        }
    }

    public void reseed() {
        random = fresh();
    }

    private static SplittableRandom fresh() {
        return new SplittableRandom(new SecureRandom().nextLong());
    }
}
