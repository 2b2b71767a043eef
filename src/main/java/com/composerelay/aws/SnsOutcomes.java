package com.composerelay.aws;

import com.composerelay.codec.ChatbotNotificationJson;
import com.composerelay.codec.OutcomeJson;
import com.composerelay.codec.OutcomeText;
import com.composerelay.core.Outcome;
import com.composerelay.core.Outcomes;
import com.composerelay.json.Json;
import com.composerelay.log.Log;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishRequest;

/**
 * Publishes each outcome to the SNS topic, with string attributes {@code status}, {@code cvm_id},
 * {@code trigger} and (when known) {@code actor} for subscription filter policies, and {@code MessageStructure=json} so that
 * each kind of subscriber reads it best: email a short text, SQS, Lambda and HTTP the JSON outcome,
 * HTTPS (Amazon Q Developer in chat applications) its custom notification. A publish that fails
 * after the SDK's own retries is logged whole as an error; the request's result stands.
 */
public record SnsOutcomes(Supplier<SnsClient> client, String topicArn, AwsCallDeadline deadline) implements Outcomes {
    private static final int MAX_SUBJECT = 100;

    @Override
    public void publish(Outcome outcome, String json) {
        try {
            String messageId = send(outcome, json);
            Log.info("outcome published", "request_id", outcome.facts().requestId(),
                    "status", outcome.status(), "sns_message_id", messageId);
        } catch (SdkException e) {
            Log.error("outcome not published: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), tree(json),
                    "request_id", outcome.facts().requestId());
        }
    }

    /** The outcome's JSON as a tree, for the error line that carries it whole. */
    private static JrsValue tree(String json) {
        try {
            return Json.parse(json);
        } catch (Json.Malformed e) {
            return null;
        }
    }

    /** Publishes the outcome ({@code json} is its JSON text) and returns SNS's message id; logs nothing. */
    String send(Outcome outcome, String json) {
        return client.get().publish(request(topicArn, outcome, json).toBuilder()
                .overrideConfiguration(deadline.bound()).build()).messageId();
    }

    /** Renders an outcome's {@code Publish} request as it would be sent, without sending it (SnapStart priming). */
    public static void render(Outcome outcome, String json) {
        request("priming", outcome, json);
    }

    private static PublishRequest request(String topicArn, Outcome outcome, String json) {
        return PublishRequest.builder()
                .topicArn(topicArn)
                .subject(subject(outcome))
                .messageStructure("json")
                .message(message(outcome, json))
                .messageAttributes(attributes(outcome))
                .build();
    }

    /** One message per kind of subscriber; {@code default} is the JSON outcome. */
    static String message(Outcome outcome, String json) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("default", json);
        message.put("sqs", json);
        message.put("lambda", json);
        message.put("http", json);
        message.put("email-json", json);
        message.put("email", OutcomeText.email(outcome));
        message.put("https", Json.write(ChatbotNotificationJson.tree(outcome)));
        return Json.write(Json.object(message));
    }

    /** A short subject such as {@code Compose update accepted: cvm_ykL5lbAn}, within SNS's rules. */
    static String subject(Outcome outcome) {
        String cvm = outcome.facts().cvmId() == null ? "invalid request" : outcome.facts().cvmId();
        String subject = "Compose update " + outcome.status() + ": " + cvm;
        StringBuilder clean = new StringBuilder();
        for (char c : subject.toCharArray()) {
            // SNS subjects: printable ASCII, no line breaks, at most 100 characters.
            clean.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return clean.length() > MAX_SUBJECT ? clean.substring(0, MAX_SUBJECT - 3) + "..." : clean.toString();
    }

    static Map<String, MessageAttributeValue> attributes(Outcome outcome) {
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        attributes.put("status", text(outcome.status()));
        attributes.put("trigger", text(outcome.facts().trigger().wire()));
        if (outcome.facts().cvmId() != null) {
            attributes.put("cvm_id", text(outcome.facts().cvmId()));
        }
        if (outcome.facts().actor() != null) {
            attributes.put("actor", text(outcome.facts().actor()));
        }
        return attributes;
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
