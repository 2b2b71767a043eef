package com.composerelay.core;

import java.util.function.Supplier;

/** A value made once, by whichever thread asks first; the others wait for it. */
public final class Lazy<T> implements Supplier<T> {
    private final Supplier<T> make;
    private T value;

    public Lazy(Supplier<T> make) {
        this.make = make;
    }

    @Override
    public synchronized T get() {
        if (value == null) {
            value = make.get();
        }
        return value;
    }
}
