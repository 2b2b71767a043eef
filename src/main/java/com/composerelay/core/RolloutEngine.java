package com.composerelay.core;

/**
 * The state machine that drives rollouts (AWS Step Functions): one execution per rollout, named by
 * its id, which sends the relay one task at a time and waits for its answer.
 */
public interface RolloutEngine {

    /** False when the relay has no state machine configured (rollouts are then refused). */
    boolean configured();

    /**
     * Starts the execution {@code rolloutId} with {@code input}. An execution of that name that exists
     * with the same input counts as started (a retried start never starts a second one).
     */
    void start(String rolloutId, String input) throws Unavailable;

    /** Answers a task with {@code output}; false when its token waits no more (answered, timed out, ended). */
    boolean succeed(String taskToken, String output) throws Unavailable;

    /** Fails a task with {@code error} and {@code cause}; false when its token waits no more. */
    boolean fail(String taskToken, String error, String cause) throws Unavailable;

    /** Step Functions could not be reached or refused the call for now. */
    final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    static RolloutEngine none() {
        return new RolloutEngine() {
            @Override
            public boolean configured() {
                return false;
            }

            @Override
            public void start(String rolloutId, String input) throws Unavailable {
                throw new Unavailable("no rollout state machine is configured (ROLLOUT_STATE_MACHINE_ARN)");
            }

            @Override
            public boolean succeed(String taskToken, String output) throws Unavailable {
                throw new Unavailable("no rollout state machine is configured (ROLLOUT_STATE_MACHINE_ARN)");
            }

            @Override
            public boolean fail(String taskToken, String error, String cause) throws Unavailable {
                throw new Unavailable("no rollout state machine is configured (ROLLOUT_STATE_MACHINE_ARN)");
            }
        };
    }
}
