package com.composerelay.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.composerelay.core.Invocation;
import com.composerelay.json.Json;
import com.composerelay.support.LogCapture;
import com.composerelay.support.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LogTest {
    @RegisterExtension
    final LogCapture log = new LogCapture();

    private String text() {
        return log.text();
    }

    private List<JsonNode> lines() throws Json.Malformed {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : text().split("\n")) {
            if (!line.isBlank()) {
                lines.add(TestJson.parse(line));
            }
        }
        return lines;
    }

    private static List<String> names(JsonNode line) {
        List<String> names = new ArrayList<>();
        line.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void everyLineCarriesLevelAnRfc3339TimestampAndTheRequestIdOfItsInvocation() throws Exception {
        Instant before = Instant.now();
        new Invocation("8476a536-e9f4-11e8-9739-2dfe598c3fcd", before.plusSeconds(30)).run(() -> {
            Log.warn("Phala is slow", "cvm_id", "cvm_1");
            return null;
        });

        JsonNode line = lines().getFirst();
        assertThat(names(line)).containsExactly("timestamp", "level", "AWSRequestId", "message", "cvm_id");
        assertThat(line.get("level").textValue()).isEqualTo("WARN");
        assertThat(line.get("AWSRequestId").textValue()).isEqualTo("8476a536-e9f4-11e8-9739-2dfe598c3fcd");
        Instant at = OffsetDateTime.parse(line.get("timestamp").textValue()).toInstant();
        assertThat(at).isBetween(before, Instant.now());
    }

    @Test
    void leavesTheRequestIdOutOfLinesWrittenOutsideAnInvocation() throws Exception {
        Thread startUp = Thread.ofPlatform().start(() -> Log.info("start-up"));
        startUp.join();
        Log.info("on the test thread");

        assertThat(lines()).hasSize(2).allSatisfy(line -> {
            assertThat(names(line)).containsExactly("timestamp", "level", "message");
            assertThat(line.get("level").textValue()).isEqualTo("INFO");
        });
    }

    @Test
    void aWorkerHandedTheInvocationCarriesItsRequestIdAndAThreadMerelyStartedInsideDoesNot() throws Exception {
        new Invocation("req-2", Instant.now().plus(Duration.ofSeconds(30))).run(() -> {
            try {
                Thread.ofVirtual().start(Invocation.carried(() -> Log.info("batch worker"))).join();
                // A pool thread first started inside an invocation (the SDK's timer) must not keep it.
                Thread.ofPlatform().start(() -> Log.info("pool thread")).join();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return null;
        });

        assertThat(lines().get(0).get("AWSRequestId").textValue()).isEqualTo("req-2");
        assertThat(lines().get(1).get("message").textValue()).isEqualTo("pool thread");
        assertThat(lines().get(1).has("AWSRequestId")).isFalse();
    }

    @Test
    void writesOnlyLinesAtOrAboveTheThreshold() throws Exception {
        Log.threshold(Log.Level.WARN);
        Log.info("dropped");
        Log.warn("kept warning");
        Log.error("kept error", null);
        Log.threshold(Log.Level.FATAL);
        Log.error("dropped error", null);

        assertThat(lines()).extracting(l -> l.get("level").textValue() + " " + l.get("message").textValue())
                .containsExactly("WARN kept warning", "ERROR kept error");
    }

    @Test
    void anSdkWarningLandsAsOneJsonLineAtWarn() throws Exception {
        LoggerFactory.getLogger("software.amazon.awssdk.x").warn("Ignoring {} for {}", "a", "b");

        assertThat(text().strip()).doesNotContain("\n");
        JsonNode line = lines().getFirst();
        assertThat(names(line)).containsExactly("timestamp", "level", "message", "logger");
        assertThat(line.get("level").textValue()).isEqualTo("WARN");
        assertThat(line.get("message").textValue()).isEqualTo("Ignoring a for b");
        assertThat(line.get("logger").textValue()).isEqualTo("software.amazon.awssdk.x");
    }

    @Test
    void anSdkErrorCarriesTheThrowablesClassAndMessageNeverItsStackTrace() throws Exception {
        LoggerFactory.getLogger("software.amazon.awssdk.y")
                .error("Unable to load credentials", new IOException("connection refused"));

        assertThat(text().strip()).doesNotContain("\n").doesNotContain("\tat ").doesNotContain("LogTest");
        JsonNode line = lines().getFirst();
        assertThat(line.get("level").textValue()).isEqualTo("ERROR");
        assertThat(line.get("message").textValue()).isEqualTo("Unable to load credentials");
        assertThat(line.get("exception").textValue()).isEqualTo("java.io.IOException");
        assertThat(line.get("exception_message").textValue()).isEqualTo("connection refused");
    }

    @Test
    void sdkLinesBelowTheThresholdAreDroppedAndItsDebugLinesNeverWritten() throws Exception {
        Logger sdk = LoggerFactory.getLogger("software.amazon.awssdk.request");
        sdk.debug("Sending request");
        sdk.info("Received response");
        assertThat(sdk.isDebugEnabled()).isFalse();
        assertThat(text()).doesNotContain("Sending request").contains("Received response");

        // The SDK's signer logs the canonical request at DEBUG, the role's session token in it.
        Log.threshold(Log.Level.TRACE);
        LoggerFactory.getLogger("software.amazon.awssdk.auth.signer.internal.AbstractAws4Signer")
                .debug("AWS4 Canonical Request: POST / x-amz-security-token:IQoJb3JpZ2luX2VjEXAMPLETOKEN");
        sdk.trace("wire bytes");
        assertThat(sdk.isDebugEnabled()).as("not even at TRACE").isFalse();
        Log.threshold(Log.Level.ERROR);
        sdk.warn("dropped warning");

        assertThat(text()).doesNotContain("IQoJb3JpZ2luX2VjEXAMPLETOKEN").doesNotContain("wire bytes");
        assertThat(lines()).extracting(l -> l.get("level").textValue() + " " + l.get("message").textValue())
                .containsExactly("INFO Received response");
    }

    @Test
    void sdkLinesAreMutedWhilePriming() throws Exception {
        Log.muted(() -> {
            LoggerFactory.getLogger("software.amazon.awssdk.x").warn("during priming");
            return null;
        });

        assertThat(text()).isEmpty();
    }

    @Test
    void writesOneJsonObjectPerLine() throws Exception {
        Log.info("request accepted", "cvm_id", "cvm_1", "attempts", 2);

        var line = TestJson.parse(text().strip());
        assertThat(line.get("level").textValue()).isEqualTo("INFO");
        assertThat(line.get("message").textValue()).isEqualTo("request accepted");
        assertThat(line.get("cvm_id").textValue()).isEqualTo("cvm_1");
        assertThat(line.get("attempts").intValue()).isEqualTo(2);
    }

    @Test
    void mutedWritesNothingOnThisThreadOrThoseItStarts() throws Exception {
        String result = Log.muted(() -> {
            Log.info("priming");
            Thread child = Thread.ofVirtual().start(() -> Log.warn("priming worker"));
            child.join();
            return "done";
        });

        assertThat(result).isEqualTo("done");
        assertThat(text()).isEmpty();
    }

    @Test
    void writesAgainAfterAMutedActionFails() {
        assertThatThrownBy(() -> Log.muted(() -> {
            throw new IllegalStateException("priming failed");
        })).isInstanceOf(IllegalStateException.class);

        Log.info("after priming");

        assertThat(text()).contains("\"message\":\"after priming\"");
    }

    @Test
    void aNestedMutedActionLeavesTheOuterOneMuted() throws Exception {
        Log.muted(() -> {
            Log.muted(() -> "inner");
            Log.info("still priming");
            return null;
        });
        Log.info("after priming");

        assertThat(text()).doesNotContain("still priming").contains("\"message\":\"after priming\"");
    }
}
