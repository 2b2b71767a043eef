package com.composerelay.core;

/**
 * One task the rollout state machine sent (a message on the task queue).
 *
 * @param kind {@code prepare}, {@code snapshot}, {@code commit}, {@code check}, {@code wave_done},
 *     {@code pause}, {@code rollback}, {@code rollback_check} or {@code finish}
 * @param wave the wave's number, for the wave kinds, else null
 * @param phase a check's phase ({@code wave} or {@code bake}), else null
 * @param result a finish's result ({@code completed}, {@code failed}, {@code rolled_back},
 *     {@code rollback_failed}, {@code cancelled}), else null
 * @param failureError, failureCause what the machine caught, for a finish after a failure, else null
 * @param token the task token the answer goes with
 */
public record RolloutTask(String kind, String rolloutId, Integer wave, String phase, String result,
                          String failureError, String failureCause, String token) {
    public static final java.util.List<String> KINDS = java.util.List.of("prepare", "snapshot", "commit", "check",
            "wave_done", "pause", "rollback", "rollback_check", "finish");

    /** What the relay answers the machine. */
    public sealed interface Answer {
        /** The task succeeded with this JSON object. */
        record Success(String output) implements Answer {}

        /** The task failed: the machine's error name and a readable cause. */
        record Failure(String error, String cause) implements Answer {}

        /** Not answered now: a pause, answered by a resume, an abort or its timeout. */
        record Later() implements Answer {}
    }

    /** Something that may pass (the table, a Phala call still in progress elsewhere): the message is delivered again. */
    public static final class Retry extends Exception {
        public Retry(String message) {
            super(message, null, false, false);
        }
    }
}
