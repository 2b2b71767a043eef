package com.composerelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.local.LocalDeployment;
import com.composerelay.local.LocalDeployment.Published;
import com.composerelay.local.SqsEventSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import org.junit.jupiter.api.Tag;
import com.composerelay.support.Tags;

/**
 * Load, nothing lost: many messages through LocalStack's queue to the function under the runtime
 * emulator, with a Phala stand-in that answers a few percent 503 and some slowly, and a poller that
 * delivers some batches twice. Every message ends in exactly one final outcome or in the DLQ; the
 * 202s equal the distinct requests. {@code -Dload.messages=N} sets the count (CI: 1,000).
 */
@Tag(Tags.LOCALSTACK)
@Tag(Tags.EMULATOR)
class LoadE2E {
    private static final String HASH = "9f2c1e4b7a6d5c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b";

    @Test
    void everyMessageEndsInExactlyOneOutcomeOrTheDlqAndNoCvmIsPatchedTwice() throws Exception {
        int count = Integer.getInteger("load.messages", 1000);
        double duplicateShare = 0.1;
        try (LocalDeployment stack = LocalDeployment.start(new LocalDeployment.Options(
                "load-" + UUID.randomUUID().toString().substring(0, 8), Map.of("MaxReceiveCount", "3"), 2,
                new LocalDeployment.Phala(0.04, 0.05, 300), Path.of("target", "e2e-logs")))) {
            long started = System.nanoTime();
            Set<String> sent = new HashSet<>();
            for (int i = 0; i < count; i += 10) {
                List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                for (int j = i; j < Math.min(count, i + 10); j++) {
                    String body = "{\"cvm_id\":\"cvm_load" + j + "\",\"compose_hash\":\"" + HASH + "\"}";
                    entries.add(SendMessageBatchRequestEntry.builder().id("e" + j).messageBody(body).build());
                }
                stack.sqs.sendMessageBatch(b -> b.queueUrl(stack.requestQueueUrl).entries(entries))
                        .successful().forEach(ok -> sent.add(ok.messageId()));
            }
            assertThat(sent).hasSize(count);

            int invocations = 0;
            int duplicatedBatches = 0;
            int emptyPolls = 0;
            while (emptyPolls < 3) {
                boolean twice = ThreadLocalRandom.current().nextDouble() < duplicateShare;
                SqsEventSource.Poll poll = stack.eventSource.pollOnce(10, 1, twice);
                if (poll.received() == 0) {
                    emptyPolls = stack.depth(stack.requestQueueUrl) == 0 ? emptyPolls + 1 : 0;
                    continue;
                }
                emptyPolls = 0;
                invocations += twice ? 2 : 1;
                duplicatedBatches += twice ? 1 : 0;
            }

            List<Published> published = stack.outcomes(count, 30);
            Map<String, Integer> outcomesPerMessage = new HashMap<>();
            Map<String, Integer> byStatus = new HashMap<>();
            for (Published p : published) {
                outcomesPerMessage.merge(p.outcome().get("request_id").textValue(), 1, Integer::sum);
                byStatus.merge(p.status(), 1, Integer::sum);
            }
            Set<String> dead = new HashSet<>();
            for (var m = stack.deadLetters(1); !m.isEmpty(); m = stack.deadLetters(1)) {
                m.forEach(message -> dead.add(message.messageId()));
                m.forEach(message -> stack.sqs.deleteMessage(b -> b.queueUrl(stack.deadLetterQueueUrl)
                        .receiptHandle(message.receiptHandle())));
            }
            Set<String> lost = new HashSet<>(sent);
            lost.removeAll(outcomesPerMessage.keySet());
            lost.removeAll(dead);
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;

            System.out.printf("load: messages=%d invocations=%d duplicate_deliveries=%d outcomes=%d %s dlq=%d "
                            + "patches_received=%d patches_accepted=%d distinct_accepted=%d repeated_accepted=%d lost=%d "
                            + "seconds=%d%n",
                    count, invocations, duplicatedBatches, published.size(), byStatus, dead.size(),
                    stack.phala.patches(), stack.phala.accepted(), stack.phala.distinctAccepted(),
                    stack.phala.repeatedAccepted(), lost.size(), seconds);

            assertThat(lost).as("lost messages").isEmpty();
            assertThat(outcomesPerMessage.values()).as("one outcome per message").allMatch(n -> n == 1);
            assertThat(outcomesPerMessage.keySet()).isSubsetOf(sent);
            assertThat(stack.phala.repeatedAccepted()).as("no CVM updated twice").isZero();
            assertThat(stack.phala.accepted()).isEqualTo(byStatus.getOrDefault("accepted", 0).longValue());
            assertThat(dead).as("every dead letter has its failed outcome")
                    .allMatch(id -> outcomesPerMessage.containsKey(id));
            assertThat(byStatus.getOrDefault("failed", 0)).isEqualTo(dead.size());
        }
    }
}
