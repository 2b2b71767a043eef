package com.composerelay.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A valid rollout request ({@code POST /rollouts}, or a request-queue body with {@code targets}): one
 * whole update ({@code appCompose} and {@code env}, exactly the whole update's) for a set of CVMs,
 * rolled out in waves by {@code strategy}. {@code env} keeps the caller's order; empty means the
 * update leaves each CVM's environment as it is. Every field obeys the rules of codec's
 * {@code RolloutJson}; the waves are planned against the number of targets by {@link WavePlan}.
 */
public record RolloutRequest(Targets targets, AppCompose appCompose, Map<String, EnvValue> env, Strategy strategy) {
    /** At most this many CVMs in one rollout, listed or found in the app. */
    public static final int MAX_TARGETS = 100;

    public RolloutRequest {
        Objects.requireNonNull(targets);
        Objects.requireNonNull(appCompose);
        Objects.requireNonNull(strategy);
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    }

    /** Which CVMs the rollout updates. */
    public sealed interface Targets {
        /** Every CVM of the app, as {@code GET /api/v1/apps/{app_id}/cvms} lists them when the rollout starts. */
        record App(String appId) implements Targets {
            public App {
                Objects.requireNonNull(appId);
            }
        }

        /** These CVMs (1 to {@link #MAX_TARGETS}, no duplicates), in this order: the waves take them in it. */
        record Cvms(List<String> cvmIds) implements Targets {
            public Cvms {
                cvmIds = List.copyOf(cvmIds);
            }
        }
    }

    /** One entry of {@code strategy.waves}: how many targets have been updated once its wave is done. */
    public sealed interface WaveEntry {
        /** The targets updated once this wave is done, of {@code targets} in all. */
        int cumulative(int targets);

        /** As the caller wrote it: {@code 3} or {@code 25%}. */
        String text();

        /** A number of CVMs, 1 to {@link #MAX_TARGETS}. */
        record Count(int cvms) implements WaveEntry {
            @Override
            public int cumulative(int targets) {
                return cvms;
            }

            @Override
            public String text() {
                return Integer.toString(cvms);
            }
        }

        /** A percentage of all targets, 1 to 100, rounded up: {@code ceil(targets * percent / 100)}. */
        record Percent(int percent) implements WaveEntry {
            @Override
            public int cumulative(int targets) {
                return (targets * percent + 99) / 100;
            }

            @Override
            public String text() {
                return percent + "%";
            }
        }
    }

    /** What the rollout does when a wave fails. */
    public enum OnFailure {
        /** Redeploy the recorded revision on every CVM the rollout changed. */
        ROLLBACK("rollback"),
        /** End {@code failed} and touch nothing more. */
        STOP("stop");

        private final String wire;

        OnFailure(String wire) {
            this.wire = wire;
        }

        /** The name in requests and in the execution input: {@code rollback} or {@code stop}. */
        public String wire() {
            return wire;
        }
    }

    /**
     * How the rollout proceeds. Bounds and defaults are the constants below; {@code approveAfter}
     * lists wave numbers (1-based, each at most the number of planned waves, no duplicates) in the
     * caller's order. {@code defaultWaves} is true when the caller left {@code waves} out: the plan
     * then drops the default's waves that would add no CVM (1 to 4 targets), where the caller's own
     * waves are refused ({@link WavePlan#of(int, Strategy)}).
     */
    public record Strategy(List<WaveEntry> waves, boolean defaultWaves, int checkIntervalSeconds, int bakeSeconds,
                           int waveTimeoutSeconds,
                           List<String> alarms, OnFailure onFailure, List<Integer> approveAfter,
                           int approvalTimeoutSeconds) {
        public static final List<WaveEntry> DEFAULT_WAVES = List.of(new WaveEntry.Count(1), new WaveEntry.Percent(25),
                new WaveEntry.Percent(100));
        /** Each wave adds at least one CVM, so there are never more waves than targets. */
        public static final int MAX_WAVES = MAX_TARGETS;
        public static final int MIN_CHECK_INTERVAL_SECONDS = 1;
        public static final int MAX_CHECK_INTERVAL_SECONDS = 300;
        public static final int DEFAULT_CHECK_INTERVAL_SECONDS = 15;
        public static final int MIN_BAKE_SECONDS = 0;
        public static final int MAX_BAKE_SECONDS = 3600;
        public static final int DEFAULT_BAKE_SECONDS = 60;
        public static final int MIN_WAVE_TIMEOUT_SECONDS = 60;
        public static final int MAX_WAVE_TIMEOUT_SECONDS = 3600;
        public static final int DEFAULT_WAVE_TIMEOUT_SECONDS = 600;
        /** CloudWatch alarms checked during each wave and its bake. */
        public static final int MAX_ALARMS = 10;
        /** CloudWatch's bound on an alarm name, in characters. */
        public static final int MAX_ALARM_NAME = 255;
        public static final OnFailure DEFAULT_ON_FAILURE = OnFailure.ROLLBACK;
        /** One minute to seven days. */
        public static final int MIN_APPROVAL_TIMEOUT_SECONDS = 60;
        public static final int MAX_APPROVAL_TIMEOUT_SECONDS = 7 * 24 * 3600;
        public static final int DEFAULT_APPROVAL_TIMEOUT_SECONDS = 86_400;

        public Strategy {
            waves = List.copyOf(waves);
            alarms = List.copyOf(alarms);
            approveAfter = List.copyOf(approveAfter);
            Objects.requireNonNull(onFailure);
        }

        /** Every default: waves {@code [1, "25%", "100%"]} (as defaulted), no alarms, rollback, no approvals. */
        public static Strategy defaults() {
            return new Strategy(DEFAULT_WAVES, true, DEFAULT_CHECK_INTERVAL_SECONDS, DEFAULT_BAKE_SECONDS,
                    DEFAULT_WAVE_TIMEOUT_SECONDS, List.of(), DEFAULT_ON_FAILURE, List.of(), DEFAULT_APPROVAL_TIMEOUT_SECONDS);
        }

        /** Whether the rollout pauses for approval once wave {@code number} (1-based) is done. */
        public boolean pausesAfter(int number) {
            return approveAfter.contains(number);
        }

        public boolean hasAlarms() {
            return !alarms.isEmpty();
        }
    }
}
