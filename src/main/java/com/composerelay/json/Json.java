package com.composerelay.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.jr.ob.JSON;
import com.fasterxml.jackson.jr.stree.JrSimpleTreeExtension;
import com.fasterxml.jackson.jr.stree.JrsArray;
import com.fasterxml.jackson.jr.stree.JrsBoolean;
import com.fasterxml.jackson.jr.stree.JrsNull;
import com.fasterxml.jackson.jr.stree.JrsNumber;
import com.fasterxml.jackson.jr.stree.JrsObject;
import com.fasterxml.jackson.jr.stree.JrsString;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The relay's one entry to JSON: documents read strictly (one value, nothing after it, duplicate keys
 * are errors) into jackson-jr's tree ({@link JrsValue}), trees written back, and the few reads and
 * builders that tree lacks (see docs/decisions/json.md).
 */
public final class Json {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final JSON JR = JSON.builder(FACTORY).register(new JrSimpleTreeExtension()).build();

    private Json() {}

    /** JSON text that cannot be read; the message says where and why, without echoing the input. */
    public static final class Malformed extends Exception {
        public Malformed(String message) {
            super(message, null, false, false);
        }
    }

    public static JrsValue parse(String text) throws Malformed {
        try (JsonParser parser = FACTORY.createParser(text)) {
            return document(parser);
        } catch (JsonProcessingException e) {
            throw new Malformed(describe(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JrsValue parse(InputStream in) throws Malformed, IOException {
        try (JsonParser parser = FACTORY.createParser(in)) {
            return document(parser);
        } catch (JsonProcessingException e) {
            throw new Malformed(describe(e));
        }
    }

    /** The value as compact JSON text; a missing node is no document. */
    public static String write(JrsValue node) {
        if (node == null || node.isMissingNode()) {
            throw new IllegalStateException("cannot write a MISSING node as JSON");
        }
        try {
            return JR.asString(node);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }

    // Reads jackson-jr's tree does not offer, with databind's meaning.

    /** The node's text when it is a JSON string, else null (databind's {@code textValue()}). */
    public static String text(JrsValue node) {
        return node instanceof JrsString s ? s.getValue() : null;
    }

    public static boolean isText(JrsValue node) {
        return node instanceof JrsString;
    }

    public static boolean isBoolean(JrsValue node) {
        return node instanceof JrsBoolean;
    }

    /** true only for a JSON true (databind's {@code booleanValue()}). */
    public static boolean isTrue(JrsValue node) {
        return node instanceof JrsBoolean b && b.booleanValue();
    }

    /** The number of a JSON number, else null. */
    public static Number number(JrsValue node) {
        return node instanceof JrsNumber n ? n.getValue() : null;
    }

    /** Any scalar as text; "" for objects, arrays and a missing node (databind's {@code asText()}). */
    public static String asText(JrsValue node) {
        if (node == null || node.isMissingNode() || node.isContainerNode()) {
            return "";
        }
        return node.isNull() ? "null" : node.asText();
    }

    /** {@link #asText(JrsValue)}, or {@code fallback} for null, JSON null and a missing node. */
    public static String asText(JrsValue node, String fallback) {
        return node == null || node.isNull() || node.isMissingNode() ? fallback : asText(node);
    }

    /** true/false, "true"/"false", or an integer other than 0; else {@code fallback} (databind's {@code asBoolean}). */
    public static boolean asBoolean(JrsValue node, boolean fallback) {
        return switch (node) {
            case JrsBoolean b -> b.booleanValue();
            case JrsString s -> "true".equals(s.getValue().trim()) || (!"false".equals(s.getValue().trim()) && fallback);
            case JrsNumber n when integral(n.getValue()) -> n.getValue().longValue() != 0;
            case null, default -> fallback;
        };
    }

    public static boolean has(JrsValue node, String field) {
        return node != null && node.get(field) != null;
    }

    /** Fields of an object, elements of an array; 0 for anything else. */
    public static int size(JrsValue node) {
        return node != null && node.isContainerNode() ? node.size() : 0;
    }

    /** The fields of an object in their order; none for anything else. */
    public static Iterable<Map.Entry<String, JrsValue>> fields(JrsValue node) {
        return node instanceof JrsObject o ? o::fields : List.of();
    }

    /** The elements of an array; none for anything else. */
    public static Iterable<JrsValue> elements(JrsValue node) {
        return node instanceof JrsArray a ? a::elements : List.of();
    }

    /** The kind of value, named as databind names it (it appears in error messages). */
    public static String kind(JrsValue node) {
        return switch (node) {
            case null -> "MISSING";
            case JrsObject o -> "OBJECT";
            case JrsArray a -> "ARRAY";
            case JrsString s -> "STRING";
            case JrsNumber n -> "NUMBER";
            case JrsBoolean b -> "BOOLEAN";
            case JrsNull n -> "NULL";
            default -> "MISSING";
        };
    }

    // Building: plain Java values into a tree, maps in their iteration order.

    /** An object with the map's entries in its iteration order (give a LinkedHashMap); values as in {@link #tree}. */
    public static JrsObject object(Map<String, ?> fields) {
        Map<String, JrsValue> values = new LinkedHashMap<>(Math.max(4, fields.size() * 2));
        fields.forEach((name, value) -> values.put(name, tree(value)));
        return new JrsObject(values);
    }

    /**
     * A tree of a Java value: a {@link JrsValue} as it is, null as JSON null, String, Number, Boolean,
     * a Map (an object, in its iteration order) or a Collection (an array).
     */
    public static JrsValue tree(Object value) {
        return switch (value) {
            case null -> JrsNull.instance();
            case JrsValue v -> v;
            case String s -> new JrsString(s);
            case Number n -> new JrsNumber(n);
            case Boolean b -> b ? JrsBoolean.TRUE : JrsBoolean.FALSE;
            case Map<?, ?> m -> {
                Map<String, JrsValue> values = new LinkedHashMap<>(Math.max(4, m.size() * 2));
                m.forEach((name, v) -> values.put(String.valueOf(name), tree(v)));
                yield new JrsObject(values);
            }
            case Collection<?> c -> {
                List<JrsValue> items = new ArrayList<>(c.size());
                for (Object item : c) {
                    items.add(tree(item));
                }
                yield new JrsArray(items);
            }
            default -> throw new IllegalArgumentException("no JSON for a " + value.getClass().getSimpleName());
        };
    }

    /** One whole document: a value and nothing after it. */
    private static JrsValue document(JsonParser parser) throws IOException, Malformed {
        if (parser.nextToken() == null) {
            throw new Malformed("is empty");
        }
        JrsValue node = (JrsValue) JR.treeFrom(parser);
        if (parser.nextToken() != null) {
            throw new Malformed("is not valid JSON (line " + parser.currentLocation().getLineNr() + ", column "
                    + parser.currentLocation().getColumnNr() + "): trailing content after the JSON value");
        }
        return node == null ? JrsNull.instance() : node;
    }

    private static boolean integral(Number n) {
        return n instanceof Integer || n instanceof Long || n instanceof java.math.BigInteger
                || n instanceof Short || n instanceof Byte;
    }

    private static String describe(JsonProcessingException e) {
        String reason = e.getOriginalMessage();
        if (reason != null) {
            int cut = reason.indexOf('\n');
            reason = cut >= 0 ? reason.substring(0, cut) : reason;
            // Jackson quotes what it found ('abc…', ('x' (code 120))): that is the caller's input, which
            // may hold anything; the reason keeps Jackson's words, not the input. A duplicate field's
            // name stays: it names the problem, as an unknown field's name does.
            if (!reason.startsWith("Duplicate field")) {
                reason = reason.replaceAll("'[^']*'", "'…'").replaceAll("\"[^\"]*\"", "\"…\"");
            }
            reason = reason.length() > 160 ? reason.substring(0, 160) + "..." : reason;
        }
        var where = e.getLocation();
        return "is not valid JSON" + (where == null ? "" : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")")
                + (reason == null ? "" : ": " + reason);
    }
}
