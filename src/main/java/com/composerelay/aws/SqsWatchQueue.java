package com.composerelay.aws;

import com.composerelay.codec.WatchCheckJson;
import com.composerelay.core.WatchCheck;
import com.composerelay.core.WatchQueue;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The watch's checks as delayed messages on the request queue (a standard queue: SQS delays each
 * message up to 900 s), so no invocation waits while a CVM restarts.
 */
public record SqsWatchQueue(Supplier<SqsClient> client, String queueUrl, AwsCallDeadline deadline) implements WatchQueue {
    /** SQS's longest delay of one message. */
    public static final int MAX_DELAY_SECONDS = 900;

    @Override
    public void schedule(WatchCheck check, Duration delay) throws Unavailable {
        int seconds = (int) Math.min(MAX_DELAY_SECONDS, Math.max(0, delay.toSeconds()));
        try {
            client.get().sendMessage(b -> b.queueUrl(queueUrl).messageBody(WatchCheckJson.write(check))
                    .delaySeconds(seconds)
                    .messageAttributes(Map.of("origin", MessageAttributeValue.builder().dataType("String")
                            .stringValue("watch").build()))
                    .overrideConfiguration(deadline.bound()));
        } catch (SdkException e) {
            throw new Unavailable("the request queue did not take the watch's next check ("
                    + e.getClass().getSimpleName() + ")");
        }
    }
}
