package com.composerelay.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.composerelay.core.RolloutRequest.WaveEntry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Planning waves once the number of targets is known: counts, percentages rounded up, every refusal. */
class WavePlanTest {

    /** Entries as the request writes them: {@code 1 25% 100%}. */
    static List<WaveEntry> entries(String text) {
        List<WaveEntry> entries = new ArrayList<>();
        for (String entry : text.trim().split("\\s+")) {
            entries.add(entry.endsWith("%") ? new WaveEntry.Percent(Integer.parseInt(entry.substring(0, entry.length() - 1)))
                    : new WaveEntry.Count(Integer.parseInt(entry)));
        }
        return entries;
    }

    static String plan(int targets, String entries) throws InvalidRequest {
        return WavePlan.of(targets, entries(entries)).cumulative().toString();
    }

    @ParameterizedTest(name = "{1} of {0}")
    @CsvSource(delimiter = '|', textBlock = """
            5   | 1 2 100%        | [1, 2, 5]
            10  | 1 50% 100%      | [1, 5, 10]
            100 | 1 25% 100%      | [1, 25, 100]
            8   | 1 25% 100%      | [1, 2, 8]
            5   | 1 25% 100%      | [1, 2, 5]
            10  | 33% 66% 100%    | [4, 7, 10]
            3   | 34% 67% 100%    | [2, 3]x
            """)
    void plansCountsAsTheyAreAndPercentagesRoundedUp(int targets, String entries, String cumulative) throws Exception {
        if (cumulative.endsWith("x")) {
            // 34% of 3 is 1.02, rounded up 2; 67% of 3 is 2.01, rounded up 3: no third wave can add a CVM.
            assertThatThrownBy(() -> plan(targets, entries)).hasMessage("strategy.waves[2]: 100% of 3 targets is 3, no more"
                    + " than the 3 of wave 2: each wave must add at least one CVM");
            return;
        }
        assertThat(plan(targets, entries)).isEqualTo(cumulative);
    }

    @Test
    void roundsUp() {
        assertThat(new WaveEntry.Percent(1).cumulative(1)).isEqualTo(1);
        assertThat(new WaveEntry.Percent(1).cumulative(100)).isEqualTo(1);
        assertThat(new WaveEntry.Percent(1).cumulative(101)).isEqualTo(2);
        assertThat(new WaveEntry.Percent(50).cumulative(3)).isEqualTo(2);
        assertThat(new WaveEntry.Percent(99).cumulative(10)).isEqualTo(10);
        assertThat(new WaveEntry.Percent(100).cumulative(7)).isEqualTo(7);
        assertThat(new WaveEntry.Count(3).cumulative(7)).isEqualTo(3);
        assertThat(new WaveEntry.Percent(25).text()).isEqualTo("25%");
        assertThat(new WaveEntry.Count(3).text()).isEqualTo("3");
    }

    @Test
    void aLastPercentageBelowAHundredMayStillReachEveryTarget() throws Exception {
        assertThat(plan(10, "1 99%")).isEqualTo("[1, 10]");
        assertThat(plan(99, "1 99%")).isEqualTo("[1, 99]");
        assertThatThrownBy(() -> plan(100, "1 99%")).hasMessage("strategy.waves[1]: 99% of 100 targets is 99, not all 100:"
                + " the last wave must reach every target");
    }

    @ParameterizedTest(name = "{1} of {0}")
    @CsvSource(delimiter = '|', textBlock = """
            0   | 1             | targets: has no CVMs: a rollout needs at least one
            101 | 1 100%        | targets: has 101 CVMs, more than a rollout takes (at most 100)
            3   | 1 25% 100%    | strategy.waves[1]: 25% of 3 targets is 1, no more than the 1 of wave 1: each wave must add at least one CVM
            3   | 4             | strategy.waves[0]: 4 is more than the 3 targets
            4   | 50% 2 100%    | strategy.waves[1]: 2 is no more than the 2 of wave 1: each wave must add at least one CVM
            4   | 1 3           | strategy.waves[1]: 3 is not all 4 targets: the last wave must reach every target
            4   | 1 50%         | strategy.waves[1]: 50% of 4 targets is 2, not all 4: the last wave must reach every target
            4   | 2 2           | strategy.waves[1]: 2 is no more than the 2 of wave 1: each wave must add at least one CVM
            4   | 50% 25% 100%  | strategy.waves[1]: 25% is no more than the 50% of wave 1: each wave must add at least one CVM
            4   | 100% 4        | strategy.waves[1]: follows wave 1's 100%, which already reaches every target
            1   | 100% 100%     | strategy.waves[1]: follows wave 1's 100%, which already reaches every target
            """)
    void refusesNamingTheEntryOrTheTargets(int targets, String entries, String message) {
        assertThatThrownBy(() -> plan(targets, entries)).isInstanceOf(InvalidRequest.class).hasMessage(message);
    }

    @Test
    void noWavesIsRefused() {
        assertThatThrownBy(() -> WavePlan.of(3, List.of())).hasMessage("strategy.waves: must list 1 to 100 waves");
    }

    @Test
    void cutsTheOrderedTargetsIntoWaves() throws Exception {
        WavePlan plan = WavePlan.of(5, entries("1 2 100%"));
        List<String> cvms = List.of("c1", "c2", "c3", "c4", "c5");
        assertThat(plan.waves()).isEqualTo(3);
        assertThat(plan.targets()).isEqualTo(5);
        assertThat(plan.sizeOf(1)).isEqualTo(1);
        assertThat(plan.sizeOf(2)).isEqualTo(1);
        assertThat(plan.sizeOf(3)).isEqualTo(3);
        assertThat(plan.cvmsOf(1, cvms)).containsExactly("c1");
        assertThat(plan.cvmsOf(2, cvms)).containsExactly("c2");
        assertThat(plan.cvmsOf(3, cvms)).containsExactly("c3", "c4", "c5");
        assertThat(plan.cvmsByWave(cvms)).containsExactly(List.of("c1"), List.of("c2"), List.of("c3", "c4", "c5"));
        assertThatThrownBy(() -> plan.cvmsByWave(List.of("c1"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the plan is for 5 targets, not 1");
        assertThatThrownBy(() -> plan.sizeOf(4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no wave 4 in a plan of 3");
        assertThatThrownBy(() -> plan.cvmsOf(0, cvms)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void checksOnlyWhatNoNumberOfTargetsCouldPlanBeforeItIsKnown() throws Exception {
        WavePlan.checkEntries(entries("1 25% 100%"));
        WavePlan.checkEntries(entries("5 10% 6 100%"));
        assertThatThrownBy(() -> WavePlan.checkEntries(entries("5 10% 5"))).hasMessage(
                "strategy.waves[2]: 5 is no more than the 5 of wave 1: each wave must add at least one CVM");
    }
}
