package com.composerelay.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.core.Invocation;
import com.composerelay.core.Outcome;
import com.composerelay.core.Trigger;
import com.composerelay.json.Json;
import com.composerelay.log.Log;
import com.composerelay.support.Fixtures;
import com.composerelay.support.MutableClock;
import com.composerelay.support.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmfMetricsTest {
    private static final long NOW = MutableClock.START.toEpochMilli();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final EmfMetrics metrics = new EmfMetrics("ComposeRelay", new MutableClock(),
            new PrintStream(out, true, StandardCharsets.UTF_8));

    private List<JsonNode> lines() throws Json.Malformed {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                lines.add(TestJson.parse(line));
            }
        }
        return lines;
    }

    private static Outcome failed(Trigger trigger) {
        return new Outcome.Failed(new Outcome.Facts("req-1", "req-1", trigger, "cvm_1", Fixtures.HASH, 4, 503, null,
                MutableClock.START, MutableClock.START), Outcome.Failure.PHALA_UNAVAILABLE, "Phala answered 503");
    }

    @Test
    void countsADecidedOutcomeByStatusAndByStatusAndTrigger() throws Exception {
        metrics.decided(failed(Trigger.SQS));

        assertThat(lines()).containsExactly(TestJson.parse("""
                {"_aws": {"Timestamp": %d, "CloudWatchMetrics": [{"Namespace": "ComposeRelay",
                  "Dimensions": [["status"], ["status", "trigger"]],
                  "Metrics": [{"Name": "Outcomes", "Unit": "Count"}]}]},
                 "status": "failed", "trigger": "sqs", "Outcomes": 1}""".formatted(NOW)));
    }

    @Test
    void writesEachAttemptsPhalaLatencyAndTheAttemptCountWithoutDimensions() throws Exception {
        metrics.phalaExchanges(List.of(Duration.ofMillis(1250), Duration.ofMillis(10_000), Duration.ofMillis(87)));

        JsonNode line = lines().getFirst();
        assertThat(line).isEqualTo(TestJson.parse("""
                {"_aws": {"Timestamp": %d, "CloudWatchMetrics": [{"Namespace": "ComposeRelay",
                  "Dimensions": [[]],
                  "Metrics": [{"Name": "PhalaLatency", "Unit": "Milliseconds"},
                              {"Name": "PhalaAttempts", "Unit": "Count"}]}]},
                 "PhalaLatency": [1250, 10000, 87], "PhalaAttempts": 3}""".formatted(NOW)));
        assertThat(line.get("_aws").get("CloudWatchMetrics").get(0).get("Dimensions").get(0).size()).isZero();
    }

    @Test
    void countsAKeyReadAsACacheHitOrMiss() throws Exception {
        metrics.apiKeyRead(true);
        metrics.apiKeyRead(false);

        String metadata = """
                "_aws": {"Timestamp": %d, "CloudWatchMetrics": [{"Namespace": "ComposeRelay",
                  "Dimensions": [[]],
                  "Metrics": [{"Name": "ApiKeyCacheHits", "Unit": "Count"},
                              {"Name": "ApiKeyCacheMisses", "Unit": "Count"}]}]}""".formatted(NOW);
        assertThat(lines()).containsExactly(
                TestJson.parse("{" + metadata + ", \"ApiKeyCacheHits\": 1, \"ApiKeyCacheMisses\": 0}"),
                TestJson.parse("{" + metadata + ", \"ApiKeyCacheHits\": 0, \"ApiKeyCacheMisses\": 1}"));
    }

    @Test
    void carriesTheRequestIdOfTheInvocationAndTheConfiguredNamespace() throws Exception {
        EmfMetrics staging = new EmfMetrics("ComposeRelay/Staging", new MutableClock(),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        new Invocation("8476a536-e9f4-11e8-9739-2dfe598c3fcd", MutableClock.START.plusSeconds(30)).run(() -> {
            staging.decided(failed(Trigger.API));
            return null;
        });

        JsonNode line = lines().getFirst();
        assertThat(line.get("AWSRequestId").textValue()).isEqualTo("8476a536-e9f4-11e8-9739-2dfe598c3fcd");
        assertThat(line.get("_aws").get("CloudWatchMetrics").get(0).get("Namespace").textValue())
                .isEqualTo("ComposeRelay/Staging");
        assertThat(line.get("trigger").textValue()).isEqualTo("api");
    }

    @Test
    void writesNothingWhilePrimingAndIgnoresTheLogThreshold() throws Exception {
        Log.muted(() -> {
            metrics.decided(failed(Trigger.SQS));
            return null;
        });
        assertThat(out.size()).isZero();

        Log.threshold(Log.Level.FATAL);
        try {
            metrics.apiKeyRead(true);
        } finally {
            Log.threshold(Log.Level.INFO);
        }
        assertThat(lines()).hasSize(1);
    }
}
