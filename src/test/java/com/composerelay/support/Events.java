package com.composerelay.support;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.composerelay.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the tests' events with AWS's own event model ({@code aws-lambda-java-events}), written by the
 * serializer Lambda's runtime uses ({@code aws-lambda-java-serialization}), with the values of the
 * samples in {@code events/}; the relay itself reads events with its own tree (see
 * docs/decisions/no-lambda-events-at-runtime.md), and EventModelTest checks the two agree.
 */
public final class Events {
    /** The cvm_id of the HTTP API sample (events/http-api.json). */
    public static final String SAMPLE_CVM_ID = "cvm_ykL5lbAn";
    /** The route of the relay's PATCH, as API Gateway names it in {@code routeKey}. */
    public static final String PATCH_ROUTE = "PATCH /cvms/{cvm_id}/compose_file";
    /** The requests queue of the SQS samples. */
    public static final String QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:compose-relay-requests";

    private static final Map<Class<?>, PojoSerializer<?>> SERIALIZERS = new HashMap<>();

    private Events() {}

    // ---- HTTP API (payload 2.0) ---------------------------------------------------------------

    /** The HTTP API sample with another cvm_id and body. */
    public static String httpApi(String cvmId, String body) {
        return json(httpApiEvent(cvmId, body));
    }

    /** The HTTP API sample, as the model holds it, with another cvm_id and body. */
    public static APIGatewayV2HTTPEvent httpApiEvent(String cvmId, String body) {
        return httpApiRequest("PATCH", PATCH_ROUTE, "/cvms/" + cvmId + "/compose_file", Map.of("cvm_id", cvmId),
                sampleHttpApiHeaders(), body, false);
    }

    /**
     * An HTTP API request shaped like the sample's (same API, stage, caller and request id): this method,
     * route, path, path parameters (null for none), headers and body, as sent or base64-encoded.
     */
    public static APIGatewayV2HTTPEvent httpApiRequest(String method, String routeKey, String path,
                                                       Map<String, String> pathParameters, Map<String, String> headers,
                                                       String body, boolean base64) {
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(routeKey)
                .withRawPath(path)
                .withRawQueryString("")
                .withHeaders(new LinkedHashMap<>(headers))
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withAccountId("123456789012")
                        .withApiId("abc123")
                        .withDomainName("abc123.execute-api.us-east-1.amazonaws.com")
                        .withDomainPrefix("abc123")
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod(method)
                                .withPath(path)
                                .withProtocol("HTTP/1.1")
                                .withSourceIp("203.0.113.10")
                                .withUserAgent("deploy-pipeline/1.0")
                                .build())
                        .withRequestId("Jb1fHgq7IAMEVfA=")
                        .withRouteKey(routeKey)
                        .withStage("$default")
                        .withTime("25/Nov/2026:18:40:00 +0000")
                        .withTimeEpoch(1795632000000L)
                        .build())
                .withPathParameters(pathParameters == null ? null : new LinkedHashMap<>(pathParameters))
                .withBody(base64 && body != null
                        ? Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)) : body)
                .withIsBase64Encoded(base64)
                .build();
    }

    /** The headers of the HTTP API sample (API Gateway lower-cases them). */
    public static Map<String, String> sampleHttpApiHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("accept", "application/json");
        headers.put("content-type", "application/json");
        headers.put("host", "abc123.execute-api.us-east-1.amazonaws.com");
        headers.put("user-agent", "deploy-pipeline/1.0");
        return headers;
    }

    // ---- REST API (proxy) ---------------------------------------------------------------------

    /** The REST API sample with another cvm_id and body, not base64-encoded. */
    public static String restApi(String cvmId, String body) {
        return json(restApiEvent(cvmId, body));
    }

    /** The REST API sample, as the model holds it, with another cvm_id and body, not base64-encoded. */
    public static APIGatewayProxyRequestEvent restApiEvent(String cvmId, String body) {
        String path = "/cvms/" + cvmId + "/compose_file";
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json");
        headers.put("Content-Type", "application/json");
        headers.put("Host", "abc123.execute-api.us-east-1.amazonaws.com");
        Map<String, List<String>> multiValueHeaders = new LinkedHashMap<>();
        headers.forEach((name, value) -> multiValueHeaders.put(name, List.of(value)));
        return new APIGatewayProxyRequestEvent()
                .withResource("/cvms/{cvm_id}/compose_file")
                .withPath(path)
                .withHttpMethod("PATCH")
                .withHeaders(headers)
                .withMultiValueHeaders(multiValueHeaders)
                .withPathParameters(new LinkedHashMap<>(Map.of("cvm_id", cvmId)))
                .withRequestContext(new APIGatewayProxyRequestEvent.ProxyRequestContext()
                        .withAccountId("123456789012")
                        .withApiId("abc123")
                        .withHttpMethod("PATCH")
                        .withPath("/prod" + path)
                        .withProtocol("HTTP/1.1")
                        .withRequestId("c6af9ac6-7b61-11e6-9a41-93e8deadbeef")
                        .withResourcePath("/cvms/{cvm_id}/compose_file")
                        .withStage("prod"))
                .withBody(body)
                .withIsBase64Encoded(false);
    }

    // ---- SQS ------------------------------------------------------------------------------------

    /** A message shaped like the first of the SQS sample's, with its own id, body and receive count. */
    public static SQSEvent.SQSMessage sqsMessage(String messageId, String body, int receiveCount) {
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId(messageId);
        message.setReceiptHandle("AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a...");
        message.setBody(body);
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("ApproximateReceiveCount", String.valueOf(receiveCount));
        attributes.put("SentTimestamp", "1795632000000");
        attributes.put("SenderId", "AIDAIENQZJOLO23YVJ4VO");
        attributes.put("ApproximateFirstReceiveTimestamp", "1795632000100");
        message.setAttributes(attributes);
        message.setMessageAttributes(new LinkedHashMap<>());
        message.setMd5OfBody("e4e68fb7bd0e697a0ae8f1bb342846b3");
        message.setEventSource("aws:sqs");
        message.setEventSourceArn(QUEUE_ARN);
        message.setAwsRegion("us-east-1");
        return message;
    }

    /** A FIFO message: group, deduplication id (the message id) and sequence attributes, and a .fifo source queue. */
    public static SQSEvent.SQSMessage fifoMessage(String messageId, String group, String body, int receiveCount) {
        SQSEvent.SQSMessage message = sqsMessage(messageId, body, receiveCount);
        message.getAttributes().put("MessageGroupId", group);
        message.getAttributes().put("MessageDeduplicationId", messageId);
        message.getAttributes().put("SequenceNumber", "1880000000000000" + messageId.hashCode());
        message.setEventSourceArn(QUEUE_ARN + ".fifo");
        return message;
    }

    /** A string message attribute, as a producer's {@code MessageAttributes} arrive in the event. */
    public static SQSEvent.MessageAttribute stringAttribute(String value) {
        SQSEvent.MessageAttribute attribute = new SQSEvent.MessageAttribute();
        attribute.setStringValue(value);
        attribute.setDataType("String");
        return attribute;
    }

    /** {@link #sqsMessage} as the model writes it in an event's {@code Records}, for a test to edit. */
    public static ObjectNode sqsRecord(String messageId, String body, int receiveCount) {
        return record(sqsMessage(messageId, body, receiveCount));
    }

    /** {@link #fifoMessage} as the model writes it in an event's {@code Records}, for a test to edit. */
    public static ObjectNode fifoRecord(String messageId, String group, String body, int receiveCount) {
        return record(fifoMessage(messageId, group, body, receiveCount));
    }

    /** An SQS event of these messages. */
    public static String sqs(SQSEvent.SQSMessage... messages) {
        SQSEvent event = new SQSEvent();
        event.setRecords(Arrays.asList(messages));
        return json(event);
    }

    /**
     * An SQS event of these records (as {@link #sqsRecord} gave them, perhaps edited), read into the model
     * and written by it; an edit the model cannot carry fails here rather than reach the relay unseen.
     */
    public static String sqs(ObjectNode... records) {
        ObjectNode event = TestJson.object();
        ArrayNode array = event.putArray("Records");
        for (ObjectNode record : records) {
            array.add(record);
        }
        String written = json(read(SQSEvent.class, TestJson.write(event)));
        if (!tree(written).equals(event)) {
            throw new AssertionError("AWS's SQSEvent cannot carry this event as it is:\n  given   " + event
                    + "\n  written " + written);
        }
        return written;
    }

    private static ObjectNode record(SQSEvent.SQSMessage message) {
        return (ObjectNode) tree(sqs(message)).get("Records").get(0);
    }

    // ---- bodies -------------------------------------------------------------------------------

    public static String updateBody(String cvmId) {
        return "{\"cvm_id\":\"" + cvmId + "\",\"compose_hash\":\"" + Fixtures.HASH + "\"}";
    }

    // ---- the serializer Lambda's runtime uses -----------------------------------------------------

    /** The event as Lambda's runtime serializer writes it. */
    public static String json(Object event) {
        var out = new ByteArrayOutputStream();
        serializer(event.getClass()).toJson(event, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The event as Lambda's runtime serializer reads it into the model. */
    public static <T> T read(Class<T> type, String json) {
        return type.cast(serializer(type).fromJson(json));
    }

    /** The relay's own tree of some JSON. */
    public static JsonNode tree(String json) {
        try {
            return TestJson.parse(json);
        } catch (Json.Malformed e) {
            throw new AssertionError("not JSON: " + e.getMessage() + "\n" + json);
        }
    }

    // serializerFor registers its modules on a shared mapper: one at a time.
    @SuppressWarnings("unchecked")
    private static synchronized PojoSerializer<Object> serializer(Class<?> type) {
        return (PojoSerializer<Object>) SERIALIZERS.computeIfAbsent(type,
                t -> LambdaEventSerializers.serializerFor(t, Events.class.getClassLoader()));
    }
}
