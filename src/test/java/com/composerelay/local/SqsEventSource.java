package com.composerelay.local;

import com.composerelay.json.Json;
import com.composerelay.support.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * What Lambda's SQS event source mapping does, for local runs: long-polls the queue, hands each
 * batch to the function in the real SQS event shape, deletes the messages that succeeded and
 * leaves the reported {@code batchItemFailures} to become visible again, so the queue's own redrive
 * policy moves a message that keeps failing to its dead-letter queue.
 */
public final class SqsEventSource {
    private final SqsClient sqs;
    private final String queueUrl;
    private final String queueArn;
    private final String region;
    private final URI invokeUrl;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** What one poll did. */
    public record Poll(int received, int deleted, List<String> failed, JsonNode response) {}

    public SqsEventSource(SqsClient sqs, String queueUrl, String region, URI invokeUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.region = region;
        this.invokeUrl = invokeUrl;
        this.queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
                .attributeNamesWithStrings("QueueArn")).attributesAsStrings().get("QueueArn");
    }

    /** One long poll (up to {@code waitSeconds}) and, if messages came, one invocation. */
    public Poll pollOnce(int batchSize, int waitSeconds) throws IOException, InterruptedException {
        return pollOnce(batchSize, waitSeconds, false);
    }

    /**
     * One long poll and invocation; with {@code deliverTwice}, the same batch reaches the function a
     * second time before the deletes, as an at-least-once poller may do.
     */
    public Poll pollOnce(int batchSize, int waitSeconds, boolean deliverTwice) throws IOException, InterruptedException {
        List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(batchSize)
                .waitTimeSeconds(waitSeconds)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                .messageAttributeNames("All")).messages();
        if (messages.isEmpty()) {
            return new Poll(0, 0, List.of(), null);
        }
        String event = event(messages, queueArn, region);
        HttpResponse<String> response = invoke(event);
        if (deliverTwice) {
            response = invoke(event);
        }
        JsonNode result;
        try {
            result = TestJson.parse(response.body());
        } catch (Json.Malformed e) {
            result = null;
        }
        Set<String> failed = new HashSet<>();
        if (result == null || !result.has("batchItemFailures") || result.has("errorType")) {
            // A function error fails the whole batch, as Lambda treats it.
            messages.forEach(m -> failed.add(m.messageId()));
        } else {
            result.get("batchItemFailures").forEach(f -> failed.add(f.path("itemIdentifier").asText()));
        }
        int deleted = 0;
        for (Message m : messages) {
            if (!failed.contains(m.messageId())) {
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
                deleted++;
            }
        }
        return new Poll(messages.size(), deleted, List.copyOf(failed), result);
    }

    private HttpResponse<String> invoke(String event) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(invokeUrl).timeout(Duration.ofMinutes(2))
                .POST(HttpRequest.BodyPublishers.ofString(event)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The Lambda SQS event for messages received from a queue, as Lambda's poller builds it. */
    public static String event(List<Message> messages, String queueArn, String region) {
        ObjectNode event = TestJson.object();
        ArrayNode records = event.putArray("Records");
        for (Message m : messages) {
            ObjectNode record = records.addObject();
            record.put("messageId", m.messageId());
            record.put("receiptHandle", m.receiptHandle());
            record.put("body", m.body());
            ObjectNode attributes = record.putObject("attributes");
            m.attributesAsStrings().forEach(attributes::put);
            ObjectNode messageAttributes = record.putObject("messageAttributes");
            m.messageAttributes().forEach((name, value) -> {
                ObjectNode a = messageAttributes.putObject(name);
                a.put("stringValue", value.stringValue());
                a.putArray("stringListValues");
                a.putArray("binaryListValues");
                a.put("dataType", value.dataType());
            });
            record.put("md5OfBody", m.md5OfBody());
            record.put("eventSource", "aws:sqs");
            record.put("eventSourceARN", queueArn);
            record.put("awsRegion", region);
        }
        return TestJson.write(event);
    }
}
