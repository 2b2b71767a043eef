package com.composerelay.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.core.Rollout;
import com.composerelay.core.RolloutReports;
import com.composerelay.core.RolloutReports.Kind;
import com.composerelay.core.Trigger;
import com.composerelay.json.Json;
import com.composerelay.support.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rollout card's Block Kit message, exactly, and its bounds. */
class RolloutCardTest {
    static final String ID = "ro_0123456789abcdef01234567";
    static final String HASH = "0x9f2c1e4b7a6d5c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b";
    static final String HEADER_RUNNING = "{\"type\":\"header\",\"text\":{\"type\":\"plain_text\",\"text\":\"Rollout " + ID
            + ": running\"}}";

    static Rollout rollout(String status, String s1, String s2, String s3, String error, Rollout.Failure failure) {
        List<Rollout.Wave> waves = List.of(
                new Rollout.Wave(1, "completed", null, List.of(target("cvm_web01", s1, null))),
                new Rollout.Wave(2, "pending", null, List.of(target("cvm_web02", s2, error), target("cvm_web03", s3, null))));
        return new Rollout(ID, status, "fp", HASH, Trigger.SLACK, "slack:U0001", "https://hooks.slack.com/commands/T0001/1/abc",
                Instant.parse("2026-11-25T12:00:00Z"), null, waves, Map.of(), null, "paused".equals(status) ? "token-1" : null,
                "paused".equals(status) ? 1 : null, failure, null, "{}", 3);
    }

    static Rollout.Target target(String cvm, String status, String error) {
        return new Rollout.Target(cvm, status, error, null, null, null, null);
    }

    static String json(RolloutReports.Report report, boolean replace) {
        return Json.write(Json.object(RolloutCard.message(report, replace)));
    }

    static final String LINES = "{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\"wave 1 · `cvm_web01` · healthy"
            + "\\nwave 2 · `cvm_web02` · updating\\nwave 2 · `cvm_web03` · pending\"}}";

    @Test
    void aRunningRolloutAfterItsFirstWave() {
        Rollout r = rollout("running", "healthy", "updating", "pending", null, null);
        assertThat(json(new RolloutReports.Report(Kind.WAVE, r, 1), true)).isEqualTo("{\"response_type\":\"in_channel\","
                + "\"replace_original\":true,\"text\":\"Rollout " + ID + ": running\",\"blocks\":[" + HEADER_RUNNING + ","
                + "{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\":arrows_counterclockwise: *Wave 1 done*"
                + "\\nCompose `9f2c1e4b7a6d…` · 1 healthy · 1 updating · 1 pending\"}}," + LINES + "]}");
    }

    @Test
    void aPausedRolloutHasApproveAndAbort() {
        Rollout r = rollout("paused", "healthy", "updating", "pending", null, null);
        assertThat(json(new RolloutReports.Report(Kind.PAUSED, r, 1), true)).isEqualTo("{\"response_type\":\"in_channel\","
                + "\"replace_original\":true,\"text\":\"Rollout " + ID + ": paused\",\"blocks\":["
                + "{\"type\":\"header\",\"text\":{\"type\":\"plain_text\",\"text\":\"Rollout " + ID + ": paused\"}},"
                + "{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\":double_vertical_bar: *Paused after wave 1*:"
                + " *Approve* goes on with the next wave, *Abort* stops the rollout here."
                + "\\nCompose `9f2c1e4b7a6d…` · 1 healthy · 1 updating · 1 pending\"}}," + LINES + ","
                + "{\"type\":\"actions\",\"block_id\":\"rollout_decision\",\"elements\":["
                + "{\"type\":\"button\",\"action_id\":\"rollout_approve\",\"text\":{\"type\":\"plain_text\",\"text\":\"Approve\"},"
                + "\"style\":\"primary\",\"value\":\"approve:" + ID + ":1\"},"
                + "{\"type\":\"button\",\"action_id\":\"rollout_abort\",\"text\":{\"type\":\"plain_text\",\"text\":\"Abort\"},"
                + "\"style\":\"danger\",\"value\":\"abort:" + ID + ":1\",\"confirm\":{"
                + "\"title\":{\"type\":\"plain_text\",\"text\":\"Abort the rollout?\"},"
                + "\"text\":{\"type\":\"plain_text\",\"text\":\"Rollout " + ID + " stops at its pause after wave 1.\"},"
                + "\"confirm\":{\"type\":\"plain_text\",\"text\":\"Abort\"},"
                + "\"deny\":{\"type\":\"plain_text\",\"text\":\"Keep it paused\"},\"style\":\"danger\"}}]}]}");
    }

    @Test
    void aFinishedRolloutNamesItsCauseWithTheErrorsInert() {
        Rollout r = rollout("rolled_back", "rolled_back", "failed", "pending", "boot_error: <!channel> & `x`\nmore",
                new Rollout.Failure("cvm_web02", "boot_error: <!channel> & `x`"));
        assertThat(json(new RolloutReports.Report(Kind.FINISHED, r, null), true)).isEqualTo("{\"response_type\":\"in_channel\","
                + "\"replace_original\":true,\"text\":\"Rollout " + ID + ": rolled_back\",\"blocks\":["
                + "{\"type\":\"header\",\"text\":{\"type\":\"plain_text\",\"text\":\"Rollout " + ID + ": rolled_back\"}},"
                + "{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\":leftwards_arrow_with_hook: *Rolled back*"
                + "\\nCompose `9f2c1e4b7a6d…` · 1 pending · 1 failed · 1 rolled_back"
                + "\\n*Cause:* `cvm_web02`: boot_error: &lt;!channel&gt; &amp; `x`\"}},"
                + "{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\"wave 1 · `cvm_web01` · rolled_back"
                + "\\nwave 2 · `cvm_web02` · failed · boot_error: &lt;!channel&gt; &amp; `x`\\\\nmore"
                + "\\nwave 2 · `cvm_web03` · pending\"}}]}");
    }

    @Test
    void theFirstCardIsANewMessageAndADecidedOneHasNoButtons() {
        Rollout r = rollout("running", "pending", "pending", "pending", null, null);
        assertThat(RolloutCard.message(new RolloutReports.Report(Kind.STARTED, r, null), false))
                .containsEntry("replace_original", false);
        Map<String, Object> decided = RolloutCard.decided(r, ":white_check_mark: *Approved* by <@U0001> at the pause after wave 1.");
        assertThat(decided).containsEntry("replace_original", true);
        assertThat(Json.write(Json.object(decided))).doesNotContain("\"actions\"")
                .contains("\"text\":\":white_check_mark: *Approved* by <@U0001> at the pause after wave 1.\\nCompose");
        Rollout paused = rollout("paused", "healthy", "pending", "pending", null, null);
        assertThat(Json.write(Json.object(RolloutCard.message(new RolloutReports.Report(Kind.WAVE, paused, 1), true))))
                .as("only the pause's own report has buttons").doesNotContain("\"actions\"");
    }

    @Test
    void aHundredCvmsWithLongErrorsStayWithinSlacksLimits() throws Exception {
        List<Rollout.Wave> waves = new ArrayList<>();
        for (int w = 0; w < 10; w++) {
            List<Rollout.Target> cvms = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                cvms.add(target("cvm_" + "x".repeat(120) + w + i, "failed", "<&>".repeat(160)));
            }
            waves.add(new Rollout.Wave(w + 1, "failed", null, cvms));
        }
        Rollout r = new Rollout(ID, "paused", "fp", HASH, Trigger.SQS, null, "https://hooks.slack.com/x", Instant.EPOCH, null,
                waves, Map.of(), null, "t", 1, new Rollout.Failure("cvm_1", "<&>".repeat(400)), null, "{}", 1);
        JsonNode message = TestJson.parse(json(new RolloutReports.Report(Kind.PAUSED, r, 1), true));
        JsonNode blocks = message.get("blocks");
        assertThat(blocks.size()).isLessThanOrEqualTo(RolloutCard.MAX_BLOCKS).isEqualTo(1 + 1 + 5 + 1 + 1);
        for (JsonNode block : blocks) {
            if (block.has("text")) {
                assertThat(block.get("text").get("text").textValue().length()).isLessThanOrEqualTo(RolloutCard.MAX_TEXT);
            }
        }
        assertThat(blocks.get(7).get("elements").get(0).get("text").textValue())
                .isEqualTo("…and 50 more CVMs: `GET /rollouts/" + ID + "` lists them all.");
        assertThat(blocks.get(8).get("type").textValue()).isEqualTo("actions");
    }
}
