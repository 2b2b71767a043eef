package com.composerelay.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;

/** The one Jackson mapper, set up strictly: duplicate keys and trailing content are errors. */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {}

    /** JSON text that cannot be read; the message says where and why, without echoing the input. */
    public static final class Malformed extends Exception {
        public Malformed(String message) {
            super(message, null, false, false);
        }
    }

    public static JsonNode parse(String text) throws Malformed {
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new Malformed("is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new Malformed(describe(e));
        }
    }

    public static JsonNode parse(InputStream in) throws Malformed, IOException {
        try {
            JsonNode node = MAPPER.readTree(in);
            if (node == null || node.isMissingNode()) {
                throw new Malformed("is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new Malformed(describe(e));
        }
    }

    /** The node's text when it is a JSON string, else null. */
    public static String text(JsonNode node) {
        return node != null && node.isTextual() ? node.textValue() : null;
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }

    private static String describe(JsonProcessingException e) {
        String reason = e.getOriginalMessage();
        if (reason != null) {
            int cut = reason.indexOf('\n');
            reason = cut >= 0 ? reason.substring(0, cut) : reason;
            reason = reason.length() > 160 ? reason.substring(0, 160) + "..." : reason;
        }
        var where = e.getLocation();
        return "is not valid JSON" + (where == null ? "" : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")")
                + (reason == null ? "" : ": " + reason);
    }
}
