package com.composerelay.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.core.Outcome;
import com.composerelay.core.Trigger;
import com.composerelay.support.TestJson;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ChatbotNotificationJsonTest {

    @Test
    void aChannelMentionInACvmIdOrErrorIsEscapedInTheNotification() throws Exception {
        Outcome rejected = new Outcome.Rejected(new Outcome.Facts("req-1", "corr-1", Trigger.SQS, "<!channel>", "ab`cd",
                0, null, null, Instant.parse("2026-11-28T12:00:00Z"), Instant.parse("2026-11-28T12:00:00Z")),
                Outcome.Rejection.INVALID_REQUEST, "compose_hash: <@U0BOSS> &\nStatus: accepted");

        assertThat(TestJson.db(ChatbotNotificationJson.tree(rejected))).isEqualTo(TestJson.parse("""
                {"version":"1.0","source":"custom","id":"req-1",
                 "content":{"textType":"client-markdown",
                   "title":":x: Compose update rejected: &lt;!channel&gt;",
                   "description":":x: Update of `&lt;!channel&gt;` refused: compose_hash: &lt;@U0BOSS&gt; &amp;\\\\nStatus: accepted",
                   "keywords":["rejected","sqs","&lt;!channel&gt;"]},
                 "metadata":{"threadId":"corr-1","summary":"Compose update rejected: &lt;!channel&gt;",
                   "eventType":"ComposeUpdate","relatedResources":["<!channel>"],
                   "additionalContext":{"status":"rejected","trigger":"sqs","cvm_id":"&lt;!channel&gt;",
                     "compose_hash":"ab`cd","request_id":"req-1"}}}
                """));
    }
}
