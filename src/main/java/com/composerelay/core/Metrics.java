package com.composerelay.core;

import java.time.Duration;
import java.util.List;

/** What the relay counts and times, for whoever publishes metrics (CloudWatch EMF when deployed). */
public interface Metrics {

    /** An outcome was decided (logged and published). */
    void decided(Outcome outcome);

    /** One request's exchanges with Phala, one per attempt, in order; never empty. */
    void phalaExchanges(List<Duration> exchangeTimes);

    /** A request read the API key: from the cache ({@code cached}) or from its store. */
    void apiKeyRead(boolean cached);

    /**
     * An image push (an ECR event) was handled: {@code result} is {@code matched} (for at least one
     * release channel), {@code unmatched} (for none), or {@code unreadable} (not a push the relay can use).
     */
    default void imagePush(String result) {}

    /** Counts nothing: tests and priming. */
    static Metrics none() {
        return None.INSTANCE;
    }

    /** The no-op. */
    enum None implements Metrics {
        INSTANCE;

        @Override
        public void decided(Outcome outcome) {}

        @Override
        public void phalaExchanges(List<Duration> exchangeTimes) {}

        @Override
        public void apiKeyRead(boolean cached) {}
    }
}
