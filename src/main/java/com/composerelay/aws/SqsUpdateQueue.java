package com.composerelay.aws;

import com.composerelay.codec.ComposeUpdateJson;
import com.composerelay.core.ComposeUpdate;
import com.composerelay.core.UpdateQueue;
import com.composerelay.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** The request queue as the hand-off for chat commands: the message is what any producer would send. */
public record SqsUpdateQueue(Supplier<SqsClient> client, String queueUrl, AwsCallDeadline deadline) implements UpdateQueue {
    @Override
    public void enqueue(ComposeUpdate update, Map<String, String> attributes) throws Unavailable {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(ComposeUpdateJson.CVM_ID, update.cvmId());
        Json.fields(ComposeUpdateJson.tree(update)).forEach(field -> body.put(field.getKey(), field.getValue()));
        send(Json.write(Json.object(body)), attributes);
    }

    @Override
    public void enqueueRelease(String channel, String tag, Map<String, String> attributes) throws Unavailable {
        Map<String, Object> release = new LinkedHashMap<>();
        release.put("channel", channel);
        if (tag == null) {
            release.put("rollback", true);
        } else {
            release.put("tag", tag);
        }
        send(Json.write(Json.object(Map.of("release", release))), attributes);
    }

    private void send(String messageBody, Map<String, String> attributes) throws Unavailable {
        Map<String, MessageAttributeValue> values = new LinkedHashMap<>();
        attributes.forEach((k, v) -> values.put(k, MessageAttributeValue.builder().dataType("String").stringValue(v).build()));
        try {
            client.get().sendMessage(b -> b.queueUrl(queueUrl).messageBody(messageBody).messageAttributes(values)
                    .overrideConfiguration(deadline.bound()));
        } catch (SdkException e) {
            throw new Unavailable("the request queue did not take the update (" + e.getClass().getSimpleName() + ")");
        }
    }
}
