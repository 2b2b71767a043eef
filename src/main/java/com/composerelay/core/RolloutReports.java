package com.composerelay.core;

/**
 * Where a rollout's outcomes go (the outcome topic): {@code rollout.started}, one per finished wave,
 * {@code rollout.paused}, and exactly one final outcome. Publishing never throws.
 */
public interface RolloutReports {

    /** What happened. */
    enum Kind {
        STARTED("rollout.started"), WAVE("rollout.wave"), PAUSED("rollout.paused"), FINISHED("rollout.finished");

        private final String wire;

        Kind(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    /** One outcome of a rollout: its kind, the rollout as it stands, and the wave it is about (or null). */
    record Report(Kind kind, Rollout rollout, Integer wave) {}

    void publish(Report report);
}
