package com.composerelay.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.core.Outcome;
import com.composerelay.core.Trigger;
import com.composerelay.support.Fixtures;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class OutcomeTextTest {
    private static final Instant STARTED = Instant.parse("2026-11-28T12:00:00Z");
    private static final Instant FINISHED = Instant.parse("2026-11-28T12:00:01Z");

    private static Outcome.Facts facts(Trigger trigger, String cvmId, String hash) {
        return new Outcome.Facts("req-1", "corr-1", trigger, cvmId, hash, 1, 404, "phala-req-1", STARTED, FINISHED);
    }

    @Test
    void aChannelMentionInAnErrorIsEscapedInTheChatLine() {
        Outcome rejected = new Outcome.Rejected(facts(Trigger.SQS, "cvm_web01", Fixtures.HASH),
                Outcome.Rejection.PHALA_REFUSED, "Phala answered 404: <!channel> see <https://evil.example|docs> & more");

        assertThat(OutcomeText.chatLine(rejected)).isEqualTo(":x: Update of `cvm_web01` refused: Phala answered 404: "
                + "&lt;!channel&gt; see &lt;https://evil.example|docs&gt; &amp; more");
    }

    @Test
    void aChannelMentionAfterABacktickInACvmIdStaysInItsCodeSpan() {
        Outcome accepted = new Outcome.Accepted(facts(Trigger.SLACK, "cvm`<!channel>", Fixtures.HASH));

        assertThat(OutcomeText.chatLine(accepted)).isEqualTo(":arrows_counterclockwise: Phala accepted the update: "
                + "`cvmˋ&lt;!channel&gt;` is restarting with compose `9f2c1e4b7a6d…`.");
    }

    @Test
    void aNewlineInAnErrorStaysOnTheChatLine() {
        Outcome failed = new Outcome.Failed(facts(Trigger.PHALA, "cvm_web01", null), Outcome.Failure.CVM_NOT_RUNNING,
                "Phala reported cvm.stopped: exited\n<!here>\u2028code 1");

        assertThat(OutcomeText.chatLine(failed)).isEqualTo(
                ":warning: Update of `cvm_web01` failed: Phala reported cvm.stopped: exited\\n&lt;!here&gt;\\u2028code 1");
    }

    @Test
    void aNewlineInPhalasErrorStaysOnItsEmailLine() {
        Outcome failed = new Outcome.Failed(facts(Trigger.PHALA, "cvm_web01", null), Outcome.Failure.CVM_NOT_RUNNING,
                "Phala reported cvm.stopped: exited\nStatus: completed\r\nError: none\u2028\u0085\tcode 1");

        assertThat(OutcomeText.email(failed)).isEqualTo("""
                Compose update failed: cvm_web01

                Status: failed
                CVM: cvm_web01
                Error: Phala reported cvm.stopped: exited\\nStatus: completed\\r\\nError: none\\u2028\\u0085\\tcode 1
                Trigger: phala
                Attempts: 1
                Phala status: 404
                Request id: req-1
                Correlation id: corr-1
                Phala request id: phala-req-1
                Started: 2026-11-28T12:00:00Z
                Finished: 2026-11-28T12:00:01Z
                """);
    }

    @Test
    void aLineBreakInACvmIdStaysOnTheEmailsTitleAndCvmLines() {
        Outcome rejected = new Outcome.Rejected(facts(Trigger.SQS, "cvm_a\nStatus: accepted", null),
                Outcome.Rejection.INVALID_REQUEST, "x");

        assertThat(OutcomeText.email(rejected)).startsWith("""
                Compose update rejected: cvm_a\\nStatus: accepted

                Status: rejected
                CVM: cvm_a\\nStatus: accepted
                Error: x
                """);
    }
}
