package com.composerelay.metrics;

import com.composerelay.core.Invocation;
import com.composerelay.core.Metrics;
import com.composerelay.core.Outcome;
import com.composerelay.json.Json;
import com.composerelay.log.Log;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The relay's metrics as CloudWatch Embedded Metric Format: one JSON document per line on standard
 * output, which CloudWatch Logs turns into metrics with no API call. Written directly, not through
 * {@link Log}'s level threshold (a metric is not a log line to filter), but muted while priming as
 * log lines are. Each line also carries the invocation's {@code AWSRequestId}, as a property.
 */
public final class EmfMetrics implements Metrics {
    private static final List<List<String>> NO_DIMENSIONS = List.of(List.of());
    private static final List<List<String>> BY_STATUS = List.of(List.of("status"), List.of("status", "trigger"));

    private final String namespace;
    private final Clock clock;
    private final PrintStream out;

    /** Writes to {@code out} (standard output on Lambda) under {@code namespace}. */
    public EmfMetrics(String namespace, Clock clock, PrintStream out) {
        this.namespace = namespace;
        this.clock = clock;
        this.out = out;
    }

    /** {@code Outcomes}: 1, by status and by status and trigger. */
    @Override
    public void decided(Outcome outcome) {
        Map<String, Object> line = document(BY_STATUS, "Outcomes", "Count");
        line.put("status", outcome.status());
        line.put("trigger", outcome.facts().trigger().wire());
        line.put("Outcomes", 1);
        write(line);
    }

    /** {@code PhalaLatency}: every attempt's exchange time (milliseconds); {@code PhalaAttempts}: how many. */
    @Override
    public void phalaExchanges(List<Duration> exchangeTimes) {
        Map<String, Object> line = document(NO_DIMENSIONS, "PhalaLatency", "Milliseconds", "PhalaAttempts", "Count");
        List<Object> latencies = new ArrayList<>();
        exchangeTimes.forEach(t -> latencies.add(t.toMillis()));
        line.put("PhalaLatency", latencies);
        line.put("PhalaAttempts", exchangeTimes.size());
        write(line);
    }

    /** {@code ApiKeyCacheHits} and {@code ApiKeyCacheMisses}: one is 1, the other 0, so their sums make a ratio. */
    @Override
    public void apiKeyRead(boolean cached) {
        Map<String, Object> line = document(NO_DIMENSIONS, "ApiKeyCacheHits", "Count", "ApiKeyCacheMisses", "Count");
        line.put("ApiKeyCacheHits", cached ? 1 : 0);
        line.put("ApiKeyCacheMisses", cached ? 0 : 1);
        write(line);
    }

    /** {@code ImagePushes}: 1, by {@code result} ({@code matched}, {@code unmatched}, {@code unreadable}). */
    @Override
    public void imagePush(String result) {
        Map<String, Object> line = document(List.of(List.of("result")), "ImagePushes", "Count");
        line.put("result", result);
        line.put("ImagePushes", 1);
        write(line);
    }

    /** The {@code _aws} metadata for {@code metrics} (name, unit, name, unit …); values go at the root. */
    private Map<String, Object> document(List<List<String>> dimensionSets, String... metrics) {
        Map<String, Object> line = new LinkedHashMap<>();
        Map<String, Object> aws = new LinkedHashMap<>();
        line.put("_aws", aws);
        aws.put("Timestamp", clock.millis());
        Map<String, Object> directive = new LinkedHashMap<>();
        aws.put("CloudWatchMetrics", List.of(directive));
        directive.put("Namespace", namespace);
        directive.put("Dimensions", dimensionSets);
        List<Object> definitions = new ArrayList<>();
        for (int i = 0; i + 1 < metrics.length; i += 2) {
            Map<String, Object> definition = new LinkedHashMap<>();
            definition.put("Name", metrics[i]);
            definition.put("Unit", metrics[i + 1]);
            definitions.add(definition);
        }
        directive.put("Metrics", definitions);
        Invocation.current().map(Invocation::requestId).ifPresent(id -> line.put("AWSRequestId", id));
        return line;
    }

    private void write(Map<String, Object> line) {
        String text = Json.write(Json.object(line));
        if (!Log.isMuted()) {
            out.println(text);
        }
    }
}
