package com.composerelay.core;

/**
 * An optional request field that remembers whether the caller set it, so that a field set to
 * {@code null} or {@code false} still reaches Phala while an absent one is left out.
 */
public sealed interface CallerValue<T> {

    /** The caller did not send the field. */
    record Absent<T>() implements CallerValue<T> {}

    /** The caller sent the field; {@code value} may be {@code null} (an explicit JSON null). */
    record Given<T>(T value) implements CallerValue<T> {}

    static <T> CallerValue<T> absent() {
        return new Absent<>();
    }

    static <T> CallerValue<T> given(T value) {
        return new Given<>(value);
    }

    default boolean isGiven() {
        return this instanceof Given<T>;
    }

    /** The value, or {@code null} when absent or explicitly null. */
    default T orNull() {
        return this instanceof Given<T>(T value) ? value : null;
    }
}
