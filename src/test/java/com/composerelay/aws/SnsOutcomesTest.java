package com.composerelay.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.core.Outcome;
import com.composerelay.core.Trigger;
import com.composerelay.codec.OutcomeJson;
import com.composerelay.support.Fixtures;
import com.composerelay.support.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What each kind of SNS subscriber receives (MessageStructure=json). */
class SnsOutcomesTest {
    private static final Instant T = Instant.parse("2026-11-25T12:00:00Z");
    private static final Outcome ACCEPTED = new Outcome.Accepted(new Outcome.Facts("req-1", "slack-c1", Trigger.SLACK,
            "cvm_web01", Fixtures.HASH, 1, 202, "phala-9", T, T.plusMillis(420)));

    private static JsonNode message() throws Exception {
        return TestJson.parse(SnsOutcomes.message(ACCEPTED, OutcomeJson.write(ACCEPTED)));
    }

    @Test
    void givesMachinesTheJsonOutcome() throws Exception {
        JsonNode message = message();
        String outcome = TestJson.write(OutcomeJson.tree(ACCEPTED));
        for (String key : new String[] {"default", "sqs", "lambda", "http", "email-json"}) {
            assertThat(message.get(key).textValue()).as(key).isEqualTo(outcome);
        }
    }

    @Test
    void givesEmailAShortText() throws Exception {
        assertThat(message().get("email").textValue()).isEqualTo("""
                Compose update accepted: cvm_web01 is restarting

                Status: accepted
                CVM: cvm_web01
                Compose hash: %s
                Trigger: slack
                Attempts: 1
                Phala status: 202
                Request id: req-1
                Correlation id: slack-c1
                Phala request id: phala-9
                Started: 2026-11-25T12:00:00Z
                Finished: 2026-11-25T12:00:00.420Z
                """.formatted(Fixtures.HASH));
    }

    @Test
    void givesHttpsTheAmazonQDeveloperCustomNotificationFormat() throws Exception {
        JsonNode card = TestJson.parse(message().get("https").textValue());
        // The documented format: version "1.0", source "custom", content with a client-markdown title
        // and description, metadata.threadId to keep one update's notifications in one thread.
        assertThat(card.get("version").textValue()).isEqualTo("1.0");
        assertThat(card.get("source").textValue()).isEqualTo("custom");
        assertThat(card.get("id").textValue()).isEqualTo("req-1");
        assertThat(card.get("content").get("textType").textValue()).isEqualTo("client-markdown");
        assertThat(card.get("content").get("title").textValue())
                .isEqualTo(":arrows_counterclockwise: Compose update accepted: cvm_web01 is restarting");
        assertThat(card.get("content").get("description").textValue())
                .isEqualTo(":arrows_counterclockwise: Phala accepted the update: `cvm_web01` is restarting with compose `9f2c1e4b7a6d…`.");
        assertThat(card.get("content").get("keywords").toString()).isEqualTo("[\"accepted\",\"slack\",\"cvm_web01\"]");
        assertThat(card.get("metadata").get("threadId").textValue()).isEqualTo("slack-c1");
        assertThat(card.get("metadata").get("eventType").textValue()).isEqualTo("ComposeUpdate");
        assertThat(card.get("metadata").get("relatedResources").toString()).isEqualTo("[\"cvm_web01\"]");
        assertThat(card.get("metadata").get("additionalContext").get("compose_hash").textValue()).isEqualTo(Fixtures.HASH);
        assertThat(card.fieldNames()).toIterable().containsExactly("version", "source", "id", "content", "metadata");
    }

    @Test
    void keepsTheSubjectWithinSnsRules() {
        assertThat(SnsOutcomes.subject(ACCEPTED)).isEqualTo("Compose update accepted: cvm_web01");
        Outcome odd = new Outcome.Rejected(new Outcome.Facts("r", "r", Trigger.API, "cvm_ünï\n" + "x".repeat(200), null,
                0, null, null, T, T), Outcome.Rejection.INVALID_REQUEST, "e");
        assertThat(SnsOutcomes.subject(odd)).hasSize(100).doesNotContain("\n").matches("[\\x20-\\x7e]+");
    }

    @Test
    void theWorstOutcomeStillFitsOneSnsMessage() {
        // Every text at its worst: far too long, and made of what JSON escapes most (control characters,
        // quotes) or writes widest (a character outside the BMP); SNS takes 262,144 bytes a message.
        String worst = "\u0001\"\\<é\uD834\uDD1E".repeat(50_000);
        Outcome failed = new Outcome.Failed(new Outcome.Facts(worst, worst, Trigger.PHALA, worst, worst, 4, 503, worst, T, T),
                Outcome.Failure.PHALA_UNAVAILABLE, worst);

        String message = SnsOutcomes.message(failed, com.composerelay.codec.OutcomeJson.write(failed));
        int attributes = SnsOutcomes.attributes(failed).entrySet().stream()
                .mapToInt(e -> e.getKey().length() + e.getValue().dataType().length() + e.getValue().stringValue().length())
                .sum();

        assertThat(message.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + attributes
                + SnsOutcomes.subject(failed).length()).isLessThan(262_144);
        assertThat(failed.error()).hasSize(Outcome.MAX_ERROR).endsWith("…");
        assertThat(failed.facts().cvmId()).hasSize(Outcome.MAX_TEXT);
    }
}
