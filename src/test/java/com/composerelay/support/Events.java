package com.composerelay.support;

import com.composerelay.json.Json;
import com.composerelay.json.ArrayNode;
import com.composerelay.json.ObjectNode;

/** Builds events from the files in {@code events/}, changing only what a test needs. */
public final class Events {
    private Events() {}

    /** The HTTP API sample with another cvm_id and body. */
    public static String httpApi(String cvmId, String body) {
        ObjectNode event = (ObjectNode) Fixtures.event("http-api.json");
        ((ObjectNode) event.get("pathParameters")).put("cvm_id", cvmId);
        event.put("rawPath", "/cvms/" + cvmId + "/compose_file");
        event.put("body", body);
        return Json.write(event);
    }

    /** The REST API sample with another body, not base64-encoded. */
    public static String restApi(String cvmId, String body) {
        ObjectNode event = (ObjectNode) Fixtures.event("rest-api.json");
        ((ObjectNode) event.get("pathParameters")).put("cvm_id", cvmId);
        event.put("body", body);
        event.put("isBase64Encoded", false);
        return Json.write(event);
    }

    /** An SQS record shaped like the sample's, with its own id, body and receive count. */
    public static ObjectNode sqsRecord(String messageId, String body, int receiveCount) {
        ObjectNode record = ((ObjectNode) Fixtures.event("sqs-batch.json").get("Records").get(0)).deepCopy();
        record.put("messageId", messageId);
        record.put("body", body);
        ((ObjectNode) record.get("attributes")).put("ApproximateReceiveCount", String.valueOf(receiveCount));
        return record;
    }

    /** A FIFO record: group and sequence attributes, and a .fifo source queue. */
    public static ObjectNode fifoRecord(String messageId, String group, String body, int receiveCount) {
        ObjectNode record = sqsRecord(messageId, body, receiveCount);
        ObjectNode attributes = (ObjectNode) record.get("attributes");
        attributes.put("MessageGroupId", group);
        attributes.put("MessageDeduplicationId", messageId);
        attributes.put("SequenceNumber", "1880000000000000" + messageId.hashCode());
        record.put("eventSourceARN", "arn:aws:sqs:us-east-1:123456789012:compose-relay-requests.fifo");
        return record;
    }

    public static String sqs(ObjectNode... records) {
        ObjectNode event = Json.object();
        ArrayNode array = event.putArray("Records");
        for (ObjectNode record : records) {
            array.add(record);
        }
        return Json.write(event);
    }

    public static String updateBody(String cvmId) {
        return "{\"cvm_id\":\"" + cvmId + "\",\"compose_hash\":\"" + Fixtures.HASH + "\"}";
    }
}
