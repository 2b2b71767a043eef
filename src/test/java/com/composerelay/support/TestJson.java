package com.composerelay.support;

import com.composerelay.json.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * JSON for the tests: documents are read strictly by the relay's {@link Json} and handed to the
 * tests as jackson-databind trees (its {@code intValue}, {@code remove}, {@code deepCopy} … make
 * assertions and fixtures short); {@link #db} and {@link #jr} cross between the two trees by text.
 */
public final class TestJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TestJson() {}

    public static JsonNode parse(String text) throws Json.Malformed {
        return db(Json.parse(text));
    }

    public static JsonNode parse(InputStream in) throws Json.Malformed, IOException {
        return db(Json.parse(in));
    }

    /** A relay tree as a databind tree (null stays null, a missing node stays missing). */
    public static JsonNode db(JrsValue value) {
        if (value == null) {
            return null;
        }
        if (value.isMissingNode()) {
            return MissingNode.getInstance();
        }
        try {
            return MAPPER.readTree(Json.write(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A databind tree as the relay's tree, read by {@link Json#parse(String)}. */
    public static JrsValue jr(JsonNode node) {
        try {
            return Json.parse(write(node));
        } catch (Json.Malformed e) {
            throw new IllegalStateException(e);
        }
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String write(JrsValue value) {
        return Json.write(value);
    }

    public static JsonNode textNode(String text) {
        return JsonNodeFactory.instance.textNode(text);
    }

    public static JsonNode numberNode(long value) {
        return JsonNodeFactory.instance.numberNode(value);
    }

    public static JsonNode numberNode(double value) {
        return JsonNodeFactory.instance.numberNode(value);
    }

    public static JsonNode booleanNode(boolean value) {
        return JsonNodeFactory.instance.booleanNode(value);
    }

    public static JsonNode nullNode() {
        return JsonNodeFactory.instance.nullNode();
    }

    /** The node's text when it is a JSON string, else null. */
    public static String text(JsonNode node) {
        return node != null && node.isTextual() ? node.textValue() : null;
    }

    /** A string as a JSON string literal. */
    public static String quote(String text) {
        return write(textNode(text));
    }

    /** The texts of a JSON array of strings. */
    public static java.util.List<String> texts(JsonNode array) {
        java.util.List<String> texts = new java.util.ArrayList<>();
        array.forEach(item -> texts.add(item.textValue()));
        return texts;
    }
}
