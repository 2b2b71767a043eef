package com.composerelay.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.core.ChatReplies;
import com.composerelay.core.Outcome;
import com.composerelay.core.Rollout;
import com.composerelay.core.RolloutReports;
import com.composerelay.core.RolloutReports.Kind;
import com.composerelay.core.RolloutReports.Report;
import com.composerelay.core.Trigger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every report to the topic; a rollout with a reply URL also gets its card, posted once then replaced. */
class ChatRolloutReportsTest {
    static final String URL = "https://hooks.slack.com/commands/T0001/1/abc";

    private final List<String> topic = new ArrayList<>();
    private final List<String> chat = new ArrayList<>();
    private final RolloutReports reports = new ChatRolloutReports(
            report -> topic.add(report.kind().wire() + (report.wave() == null ? "" : " " + report.wave())),
            new ChatReplies() {
                @Override
                public void post(String replyUrl, Outcome outcome) {
                    throw new AssertionError("not an update's outcome");
                }

                @Override
                public void card(String replyUrl, Report report, boolean replace) {
                    chat.add(replyUrl + " " + report.kind().wire() + (report.wave() == null ? "" : " " + report.wave())
                            + " replace_original=" + replace);
                }
            });

    static Rollout rollout(String replyUrl) {
        List<Rollout.Wave> waves = List.of(
                new Rollout.Wave(1, "pending", null, List.of(new Rollout.Target("cvm_a", "pending", null, null, null, null, null))),
                new Rollout.Wave(2, "pending", null, List.of(new Rollout.Target("cvm_b", "pending", null, null, null, null, null))),
                new Rollout.Wave(3, "pending", null, List.of(new Rollout.Target("cvm_c", "pending", null, null, null, null, null))));
        return new Rollout("ro_0123456789abcdef01234567", "running", "fp", null, Trigger.SQS, null, replyUrl, Instant.EPOCH,
                null, waves, Map.of(), null, null, null, null, null, "{}", 1);
    }

    private void all(Rollout r) {
        reports.publish(new Report(Kind.STARTED, r, null));
        reports.publish(new Report(Kind.WAVE, r, 1));
        reports.publish(new Report(Kind.PAUSED, r, 1));
        reports.publish(new Report(Kind.WAVE, r, 2));
        reports.publish(new Report(Kind.WAVE, r, 3));
        reports.publish(new Report(Kind.FINISHED, r.ended("completed", Instant.EPOCH), null));
    }

    @Test
    void aRolloutWithAReplyUrlGetsOneCardReplacedAfterTheFirst() {
        all(rollout(URL));

        assertThat(topic).containsExactly("rollout.started", "rollout.wave 1", "rollout.paused 1", "rollout.wave 2",
                "rollout.wave 3", "rollout.finished");
        assertThat(chat).as("the last wave's report is left to the final one: Slack takes 5 posts per response_url")
                .containsExactly(
                        URL + " rollout.started replace_original=false",
                        URL + " rollout.wave 1 replace_original=true",
                        URL + " rollout.paused 1 replace_original=true",
                        URL + " rollout.wave 2 replace_original=true",
                        URL + " rollout.finished replace_original=true");
    }

    @Test
    void aRolloutWithoutOneOnlyGoesToTheTopic() {
        all(rollout(null));

        assertThat(topic).hasSize(6);
        assertThat(chat).isEmpty();
    }

    @Test
    void aChatThatFailsLeavesTheTopicsOutcome() {
        RolloutReports failing = new ChatRolloutReports(report -> topic.add(report.kind().wire()), new ChatReplies() {
            @Override
            public void post(String replyUrl, Outcome outcome) {}

            @Override
            public void card(String replyUrl, Report report, boolean replace) {
                throw new IllegalStateException("Slack is down");
            }
        });

        failing.publish(new Report(Kind.STARTED, rollout(URL), null));

        assertThat(topic).containsExactly("rollout.started");
    }
}
