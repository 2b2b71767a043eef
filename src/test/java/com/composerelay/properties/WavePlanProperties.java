package com.composerelay.properties;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.codec.RolloutJson;
import com.composerelay.core.InvalidRequest;
import com.composerelay.core.RolloutRequest;
import com.composerelay.core.RolloutRequest.Strategy;
import com.composerelay.core.RolloutRequest.WaveEntry;
import com.composerelay.core.WavePlan;
import com.composerelay.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;

/**
 * Rollout waves for any number of targets and any entries: a plan is strictly increasing, starts at one
 * CVM or more and ends at every target, its waves cut the ordered targets without loss; anything else is
 * refused naming one entry. And a strategy of random JSON values is read or refused by field, never
 * anything else, and what is read writes back to itself.
 */
@AddLifecycleHook(TriesOfThisRun.class)
class WavePlanProperties {
    private static final Pattern WAVE_FIELD = Pattern.compile("strategy\\.waves\\[(\\d+)]");
    private static final Pattern STRATEGY_FIELD = Pattern.compile(
            "strategy(\\.[a-z_]+(\\[\\d+])?)?");

    @Property(tries = 2000)
    void anyEntriesPlanStrictlyIncreasingToEveryTargetOrAreRefusedByEntry(
            @ForAll @IntRange(min = 1, max = 100) int targets, @ForAll("entries") List<WaveEntry> entries) {
        WavePlan plan;
        try {
            plan = WavePlan.of(targets, entries);
        } catch (InvalidRequest refused) {
            Statistics.label("plan").collect("refused");
            var field = WAVE_FIELD.matcher(refused.field());
            assertThat(field.matches()).as(refused.getMessage()).isTrue();
            assertThat(Integer.parseInt(field.group(1))).isLessThan(entries.size());
            return;
        }
        Statistics.label("plan").collect("planned");
        assertPlan(plan, targets);
        assertThat(plan.waves()).isEqualTo(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            assertThat(plan.cumulative().get(i)).isEqualTo(entries.get(i).cumulative(targets));
        }
    }

    @Property(tries = 1000)
    void everyIncreasingSequenceToEveryTargetPlansBackExactly(@ForAll("sequences") Map.Entry<Integer, List<Integer>> sequence,
                                                               @ForAll("kinds") List<Boolean> percentages) throws Exception {
        int targets = sequence.getKey();
        List<Integer> cumulative = sequence.getValue();
        List<WaveEntry> entries = new ArrayList<>();
        for (int i = 0; i < cumulative.size(); i++) {
            int c = cumulative.get(i);
            // The largest percentage that rounds up to c, floor(100c/N): with N <= 100 one exists for every c.
            entries.add(percentages.get(i % percentages.size()) ? new WaveEntry.Percent(100 * c / targets)
                    : new WaveEntry.Count(c));
        }
        WavePlan.checkEntries(entries);
        WavePlan plan = WavePlan.of(targets, entries);
        assertThat(plan.cumulative()).isEqualTo(cumulative);
        assertPlan(plan, targets);
    }

    @Example
    void theDefaultWavesPlanForEveryFleetSize() throws Exception {
        for (int targets = 1; targets <= RolloutRequest.MAX_TARGETS; targets++) {
            WavePlan plan = WavePlan.of(targets, Strategy.defaults());
            assertPlan(plan, targets);
            assertThat(plan.cumulative().getFirst()).isEqualTo(1);
            assertThat(plan.waves()).as("waves for %d", targets).isEqualTo(targets == 1 ? 1 : targets <= 4 ? 2 : 3);
        }
    }

    @Property(tries = 1000)
    void aStrategyOfAnyValuesIsReadOrRefusedByFieldAndWritesBackToItself(
            @ForAll @IntRange(min = 1, max = 12) int cvms, @ForAll("strategies") String strategy) throws Exception {
        String ids = String.join(",", IntStream.rangeClosed(1, cvms).mapToObj(i -> "\"cvm_" + i + "\"").toList());
        String body = "{\"targets\": {\"cvms\": [" + ids + "]}, \"app_compose\": {\"docker_compose_file\": \"x\"},"
                + " \"strategy\": " + strategy + "}";
        RolloutRequest request;
        try {
            request = RolloutJson.read(Json.parse(body));
        } catch (InvalidRequest refused) {
            Statistics.label("strategy").collect("refused");
            assertThat(refused.field()).as(refused.getMessage()).matches(STRATEGY_FIELD);
            return;
        }
        Statistics.label("strategy").collect("read");
        assertThat(RolloutJson.read(Json.parse(RolloutJson.write(request)))).isEqualTo(request);
        WavePlan plan = WavePlan.of(cvms, request.strategy());
        assertPlan(plan, cvms);
        String input = RolloutJson.executionInput("ro_1", request.strategy(), plan);
        assertThat(Json.size(Json.parse(input).get("waves"))).isEqualTo(plan.waves());
    }

    private static void assertPlan(WavePlan plan, int targets) {
        List<Integer> cumulative = plan.cumulative();
        assertThat(cumulative).isNotEmpty();
        assertThat(cumulative.getFirst()).isGreaterThanOrEqualTo(1);
        for (int i = 1; i < cumulative.size(); i++) {
            assertThat(cumulative.get(i)).isGreaterThan(cumulative.get(i - 1));
        }
        assertThat(cumulative.getLast()).isEqualTo(targets);
        List<String> ordered = IntStream.range(0, targets).mapToObj(i -> "cvm_" + i).toList();
        List<List<String>> waves = plan.cvmsByWave(ordered);
        assertThat(waves.stream().flatMap(List::stream).toList()).isEqualTo(ordered);
        for (int number = 1; number <= plan.waves(); number++) {
            assertThat(waves.get(number - 1)).hasSize(plan.sizeOf(number)).isNotEmpty();
        }
    }

    @Provide
    Arbitrary<List<WaveEntry>> entries() {
        Arbitrary<WaveEntry> count = Arbitraries.integers().between(1, 100).map(WaveEntry.Count::new);
        Arbitrary<WaveEntry> percent = Arbitraries.integers().between(1, 100).map(WaveEntry.Percent::new);
        Arbitrary<WaveEntry> smallCount = Arbitraries.integers().between(1, 10).map(WaveEntry.Count::new);
        Arbitrary<WaveEntry> hundred = Arbitraries.just(new WaveEntry.Percent(100));
        Arbitrary<List<WaveEntry>> any = Arbitraries.oneOf(count, percent, smallCount).list().ofMinSize(1).ofMaxSize(6);
        // Half end in "100%", so that many plan.
        return Arbitraries.oneOf(any, Combinators.combine(any, hundred).as((list, last) -> {
            List<WaveEntry> ended = new ArrayList<>(list);
            ended.add(last);
            return ended;
        }));
    }

    @Provide
    Arbitrary<Map.Entry<Integer, List<Integer>>> sequences() {
        return Arbitraries.integers().between(1, 100).flatMap(targets -> Arbitraries.integers().between(1, targets)
                .set().ofMaxSize(Math.min(targets, 12)).map(chosen -> {
                    TreeSet<Integer> sorted = new TreeSet<>(chosen);
                    sorted.add(targets);
                    return Map.entry(targets, List.copyOf(sorted));
                }));
    }

    @Provide
    Arbitrary<List<Boolean>> kinds() {
        return Arbitraries.of(true, false).list().ofMinSize(1).ofMaxSize(13);
    }

    @Provide
    Arbitrary<String> strategies() {
        Arbitrary<String> value = Arbitraries.oneOf(
                Arbitraries.integers().between(-2, 4000).map(String::valueOf),
                Arbitraries.of("null", "true", "1.5", "\"x\"", "\"rollback\"", "\"stop\"", "{}", "[]", "1e2",
                        "99999999999999999999", "\"shop-5xx\"", "\"\\u0007\""),
                Arbitraries.oneOf(Arbitraries.integers().between(0, 12).map(String::valueOf),
                                Arbitraries.integers().between(0, 101).map(p -> "\"" + p + "%\""),
                                Arbitraries.of("\"a\"", "\"b\"", "null", "\"100%\""))
                        .list().ofMaxSize(5).map(items -> "[" + String.join(",", items) + "]"));
        Arbitrary<String> field = Arbitraries.of("waves", "waves", "waves", "check_interval_seconds", "bake_seconds",
                "wave_timeout_seconds", "alarms", "on_failure", "approve_after", "approve_after",
                "approval_timeout_seconds", "max_unavailable");
        return Combinators.combine(field, value).as((f, v) -> "\"" + f + "\": " + v).list().ofMaxSize(5)
                .uniqueElements(pair -> pair.substring(0, pair.indexOf(':')))
                .map(pairs -> "{" + String.join(", ", pairs) + "}");
    }
}
