package com.composerelay.support;

import com.composerelay.core.Metrics;
import com.composerelay.core.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What the relay counted, in memory, one readable entry per call. */
public final class RecordingMetrics implements Metrics {
    private final List<String> recorded = new CopyOnWriteArrayList<>();

    @Override
    public void decided(Outcome outcome) {
        recorded.add("Outcomes status=" + outcome.status() + " trigger=" + outcome.facts().trigger().wire());
    }

    @Override
    public void phalaExchanges(List<Duration> exchangeTimes) {
        recorded.add("PhalaLatency " + exchangeTimes.stream().map(Duration::toMillis).toList()
                + " PhalaAttempts " + exchangeTimes.size());
    }

    @Override
    public void apiKeyRead(boolean cached) {
        recorded.add(cached ? "ApiKeyCacheHit" : "ApiKeyCacheMiss");
    }

    /** Everything recorded so far, in order. */
    public List<String> recorded() {
        return List.copyOf(recorded);
    }
}
