package com.composerelay.core;

import com.composerelay.core.RolloutRequest.Strategy;
import com.composerelay.core.RolloutRequest.WaveEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * The waves of a rollout once the number of targets is known: {@code cumulative.get(i)} targets are
 * updated once wave {@code i + 1} is done. Strictly increasing (each wave adds at least one CVM), the
 * first at least 1, the last equal to {@code targets}. Wave numbers are 1-based; entry indexes in
 * messages ({@code strategy.waves[i]}) are 0-based, as the caller's list.
 */
public record WavePlan(int targets, List<Integer> cumulative) {
    private static final String WAVES = "strategy.waves";
    private static final String ADDS_ONE = ": each wave must add at least one CVM";

    public WavePlan {
        cumulative = List.copyOf(cumulative);
    }

    /**
     * What can be refused before the number of targets is known: an entry after {@code 100%}, a count
     * no more than an earlier count, a percentage no more than an earlier percentage. None of those
     * plans for any number of targets.
     */
    public static void checkEntries(List<WaveEntry> entries) throws InvalidRequest {
        int maxCount = 0;
        int maxCountWave = 0;
        int maxPercent = 0;
        int maxPercentWave = 0;
        for (int i = 0; i < entries.size(); i++) {
            WaveEntry entry = entries.get(i);
            if (maxPercent == 100) {
                throw new InvalidRequest(field(i), "follows wave " + maxPercentWave + "'s 100%, which already reaches every target");
            }
            switch (entry) {
                case WaveEntry.Count c -> {
                    if (c.cvms() <= maxCount) {
                        throw new InvalidRequest(field(i), c.cvms() + " is no more than the " + maxCount + " of wave "
                                + maxCountWave + ADDS_ONE);
                    }
                    maxCount = c.cvms();
                    maxCountWave = i + 1;
                }
                case WaveEntry.Percent p -> {
                    if (p.percent() <= maxPercent) {
                        throw new InvalidRequest(field(i), p.percent() + "% is no more than the " + maxPercent + "% of wave "
                                + maxPercentWave + ADDS_ONE);
                    }
                    maxPercent = p.percent();
                    maxPercentWave = i + 1;
                }
            }
        }
    }

    /**
     * Plans {@code entries} for {@code targets} CVMs, or names the first entry (or {@code targets})
     * that makes it impossible.
     */
    public static WavePlan of(int targets, List<WaveEntry> entries) throws InvalidRequest {
        checkTargets(targets);
        if (entries.isEmpty()) {
            throw new InvalidRequest(WAVES, "must list 1 to " + Strategy.MAX_WAVES + " waves");
        }
        checkEntries(entries);
        List<Integer> cumulative = new ArrayList<>(entries.size());
        int before = 0;
        for (int i = 0; i < entries.size(); i++) {
            WaveEntry entry = entries.get(i);
            int after = entry.cumulative(targets);
            if (entry instanceof WaveEntry.Count c && c.cvms() > targets) {
                throw new InvalidRequest(field(i), c.cvms() + " is more than the " + targets(targets));
            }
            if (after <= before) {
                throw new InvalidRequest(field(i), worded(entry, targets, after)
                        + (entry instanceof WaveEntry.Percent ? "," : " is") + " no more than the " + before
                        + " of wave " + i + ADDS_ONE);
            }
            cumulative.add(after);
            before = after;
        }
        if (before != targets) {
            WaveEntry last = entries.getLast();
            String rule = last instanceof WaveEntry.Percent
                    ? worded(last, targets, before) + ", not all " + targets
                    : before + " is not all " + targets(targets);
            throw new InvalidRequest(field(entries.size() - 1), rule + ": the last wave must reach every target");
        }
        return new WavePlan(targets, cumulative);
    }

    /**
     * Plans the strategy's waves for {@code targets} CVMs, and checks that each of its
     * {@code approve_after} numbers is one of the plan's waves.
     */
    public static WavePlan of(int targets, Strategy strategy) throws InvalidRequest {
        WavePlan plan = strategy.defaultWaves() ? ofDefault(targets, strategy.waves()) : of(targets, strategy.waves());
        List<Integer> approveAfter = strategy.approveAfter();
        for (int i = 0; i < approveAfter.size(); i++) {
            int number = approveAfter.get(i);
            if (number < 1 || number > plan.waves()) {
                throw new InvalidRequest("strategy.approve_after[" + i + "]", "must be a wave number from 1 to "
                        + plan.waves() + ", not " + number + (plan.waves() < strategy.waves().size()
                        ? " (the default waves are " + plan.waves() + " for " + targets(targets) + ")" : ""));
            }
        }
        return plan;
    }

    /**
     * The default waves for {@code targets} CVMs: as {@link #of(int, List)}, but a wave that would add
     * no CVM is left out rather than refused (1 target: {@code [1]}; 2 to 4: {@code [1, all]}).
     */
    private static WavePlan ofDefault(int targets, List<WaveEntry> entries) throws InvalidRequest {
        checkTargets(targets);
        List<Integer> cumulative = new ArrayList<>(entries.size());
        int before = 0;
        for (WaveEntry entry : entries) {
            int after = Math.min(entry.cumulative(targets), targets);
            if (after > before) {
                cumulative.add(after);
                before = after;
            }
        }
        if (before != targets) {
            throw new IllegalStateException("default waves that do not reach every target");
        }
        return new WavePlan(targets, cumulative);
    }

    private static void checkTargets(int targets) throws InvalidRequest {
        if (targets < 1) {
            throw new InvalidRequest("targets", "has no CVMs: a rollout needs at least one");
        }
        if (targets > RolloutRequest.MAX_TARGETS) {
            throw new InvalidRequest("targets", "has " + targets + " CVMs, more than a rollout takes (at most "
                    + RolloutRequest.MAX_TARGETS + ")");
        }
    }

    /** The number of waves. */
    public int waves() {
        return cumulative.size();
    }

    /** The number of CVMs wave {@code number} (1-based) updates. */
    public int sizeOf(int number) {
        checkNumber(number);
        return cumulative.get(number - 1) - (number == 1 ? 0 : cumulative.get(number - 2));
    }

    /** The CVMs of wave {@code number} (1-based): the next {@link #sizeOf} of the ordered targets. */
    public List<String> cvmsOf(int number, List<String> orderedTargets) {
        checkNumber(number);
        checkOrdered(orderedTargets);
        return List.copyOf(orderedTargets.subList(number == 1 ? 0 : cumulative.get(number - 2), cumulative.get(number - 1)));
    }

    /** The CVMs of every wave, in wave order: the ordered targets cut at each cumulative count. */
    public List<List<String>> cvmsByWave(List<String> orderedTargets) {
        checkOrdered(orderedTargets);
        List<List<String>> waves = new ArrayList<>(waves());
        for (int number = 1; number <= waves(); number++) {
            waves.add(cvmsOf(number, orderedTargets));
        }
        return List.copyOf(waves);
    }

    private void checkNumber(int number) {
        if (number < 1 || number > waves()) {
            throw new IllegalArgumentException("no wave " + number + " in a plan of " + waves());
        }
    }

    private void checkOrdered(List<String> orderedTargets) {
        if (orderedTargets.size() != targets) {
            throw new IllegalArgumentException("the plan is for " + targets + " targets, not " + orderedTargets.size());
        }
    }

    private static String worded(WaveEntry entry, int targets, int cumulative) {
        return entry instanceof WaveEntry.Percent p ? p.percent() + "% of " + targets(targets) + " is " + cumulative
                : Integer.toString(cumulative);
    }

    private static String targets(int targets) {
        return targets == 1 ? "1 target" : targets + " targets";
    }

    private static String field(int index) {
        return WAVES + "[" + index + "]";
    }
}
