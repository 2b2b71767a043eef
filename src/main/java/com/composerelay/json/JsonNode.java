package com.composerelay.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A JSON value, read and written by {@link Json}. The relay's own tree, in place of
 * jackson-databind's (1.5 MB of jar and its class loading at every cold start for the few
 * methods below); the methods keep databind's names and meaning, so the code reads as it did:
 * {@code get} gives null for what is not there, {@code path} a missing node, {@code textValue}
 * the text of a string only, {@code asText} any scalar as text.
 */
public abstract sealed class JsonNode implements Iterable<JsonNode>
        permits ObjectNode, ArrayNode, JsonNode.Text, JsonNode.Number, JsonNode.Bool, JsonNode.Null, JsonNode.Missing {

    /** The kinds of value, named as databind names them (they appear in error messages). */
    public enum JsonNodeType { OBJECT, ARRAY, STRING, NUMBER, BOOLEAN, NULL, MISSING }

    JsonNode() {}

    public abstract JsonNodeType getNodeType();

    public final boolean isObject() { return getNodeType() == JsonNodeType.OBJECT; }
    public final boolean isArray() { return getNodeType() == JsonNodeType.ARRAY; }
    public final boolean isTextual() { return getNodeType() == JsonNodeType.STRING; }
    public final boolean isNumber() { return getNodeType() == JsonNodeType.NUMBER; }
    public final boolean isBoolean() { return getNodeType() == JsonNodeType.BOOLEAN; }
    public final boolean isNull() { return getNodeType() == JsonNodeType.NULL; }
    public final boolean isMissingNode() { return getNodeType() == JsonNodeType.MISSING; }

    /** The field's value, or null when this is not an object or has no such field. */
    public JsonNode get(String field) { return null; }

    /** The element at {@code index}, or null when this is not an array or has no such element. */
    public JsonNode get(int index) { return null; }

    /** Like {@link #get(String)}, but a missing node instead of null. */
    public JsonNode path(String field) { return Missing.INSTANCE; }

    /** Like {@link #get(int)}, but a missing node instead of null. */
    public JsonNode path(int index) { return Missing.INSTANCE; }

    /** The field's value; an {@link IllegalArgumentException} naming it when it is not there. */
    public JsonNode required(String field) {
        JsonNode value = get(field);
        if (value == null) {
            throw new IllegalArgumentException("no field '" + field + "' in a JSON " + getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        return value;
    }

    public boolean has(String field) { return get(field) != null; }

    /** Fields of an object, elements of an array; 0 for anything else. */
    public int size() { return 0; }

    public final boolean isEmpty() { return size() == 0; }

    /** The text of a JSON string, else null. */
    public String textValue() { return null; }

    /** Any scalar as text ("" for objects, arrays and a missing node). */
    public String asText() { return ""; }

    /** {@link #asText()}, or {@code fallback} for JSON null and a missing node. */
    public String asText(String fallback) { return isNull() || isMissingNode() ? fallback : asText(); }

    public boolean booleanValue() { return false; }

    public boolean asBoolean() { return asBoolean(false); }

    /** true/false, "true"/"false", or a number other than 0; else {@code fallback}. */
    public boolean asBoolean(boolean fallback) { return fallback; }

    public int intValue() { return 0; }

    public long longValue() { return 0L; }

    /** A number's value as it was read (Integer, Long, BigInteger, Double, BigDecimal), else null. */
    public java.lang.Number numberValue() { return null; }

    public double doubleValue() { return 0.0; }

    /** A number, or a string holding one; else 0. */
    public double asDouble() { return 0.0; }

    /** A number, or a string holding an integer; else 0. */
    public long asLong() { return 0L; }

    public int asInt() { return asInt(0); }

    /** A number, a string holding an integer, or a boolean as 1/0; else {@code fallback}. */
    public int asInt(int fallback) { return fallback; }

    /** An object's fields, in order; empty for anything else. */
    public Set<Map.Entry<String, JsonNode>> properties() { return Collections.emptySet(); }

    public Iterator<String> fieldNames() { return Collections.emptyIterator(); }

    /** An array's elements or an object's values. */
    @Override
    public Iterator<JsonNode> iterator() { return Collections.emptyIterator(); }

    public abstract JsonNode deepCopy();

    /** The value as compact JSON text ("" for a missing node). */
    @Override
    public final String toString() {
        return isMissingNode() ? "" : Json.write(this);
    }

    /** A JSON string (JSON null for a Java null). */
    public static JsonNode textNode(String value) {
        return value == null ? Null.INSTANCE : new Text(value);
    }

    /** A JSON number (JSON null for a Java null). */
    public static JsonNode numberNode(java.lang.Number value) {
        return value == null ? Null.INSTANCE : new Number(value);
    }

    public static JsonNode booleanNode(boolean value) {
        return value ? Bool.TRUE : Bool.FALSE;
    }

    public static JsonNode nullNode() {
        return Null.INSTANCE;
    }

    /** A JSON string. */
    static final class Text extends JsonNode {
        private final String value;

        Text(String value) { this.value = Objects.requireNonNull(value); }

        @Override public JsonNodeType getNodeType() { return JsonNodeType.STRING; }
        @Override public String textValue() { return value; }
        @Override public String asText() { return value; }
        @Override
        public boolean asBoolean(boolean fallback) {
            String v = value.trim();
            return "true".equals(v) || (!"false".equals(v) && fallback);
        }

        /** An integer, or a decimal number truncated ("2.5" is 2, "1e3" 1000), as databind reads text; out of range, the fallback. */
        @Override
        public int asInt(int fallback) {
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                Double d = decimal();
                return d == null || d < Integer.MIN_VALUE || d > Integer.MAX_VALUE ? fallback : d.intValue();
            }
        }

        private Double decimal() {
            try {
                return Double.parseDouble(value.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }

        @Override
        public double asDouble() {
            Double d = decimal();
            return d == null ? 0.0 : d;
        }

        @Override
        public long asLong() {
            try {
                return Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                Double d = decimal();
                return d == null || d < Long.MIN_VALUE || d > Long.MAX_VALUE ? 0L : d.longValue();
            }
        }

        @Override public JsonNode deepCopy() { return this; }
        @Override public boolean equals(Object o) { return o instanceof Text t && t.value.equals(value); }
        @Override public int hashCode() { return value.hashCode(); }
    }

    /**
     * A JSON number: an {@code Integer}, {@code Long} or {@code BigInteger} for integers (the
     * smallest that holds it), a {@code Double} for the rest, as read; whatever was put when built.
     */
    static final class Number extends JsonNode {
        private final java.lang.Number value;

        Number(java.lang.Number value) { this.value = value; }

        java.lang.Number value() { return value; }

        @Override public JsonNodeType getNodeType() { return JsonNodeType.NUMBER; }
        @Override public java.lang.Number numberValue() { return value; }
        @Override public int intValue() { return value.intValue(); }
        @Override public long longValue() { return value.longValue(); }
        @Override public double doubleValue() { return value.doubleValue(); }
        @Override public double asDouble() { return value.doubleValue(); }
        @Override public long asLong() { return value.longValue(); }
        @Override public int asInt(int fallback) { return value.intValue(); }
        @Override public boolean asBoolean(boolean fallback) { return integral() ? value.longValue() != 0 : fallback; }
        @Override public String asText() { return value.toString(); }
        @Override public JsonNode deepCopy() { return this; }

        private boolean integral() {
            return value instanceof Integer || value instanceof Long || value instanceof BigInteger
                    || value instanceof Short || value instanceof Byte;
        }

        private BigInteger integer() {
            return value instanceof BigInteger b ? b : BigInteger.valueOf(value.longValue());
        }

        /**
         * By value: integers by their value whatever their Java type (an int 1 equals a long 1,
         * where databind's nodes would not), other numbers as doubles, or as decimals when both are
         * {@code BigDecimal}; an integer never equals a non-integer. Infinity and NaN (a literal
         * like 1e999 reads as Infinity) compare as {@link Double#compare} has them.
         */
        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Number n) || n.integral() != integral()) {
                return false;
            }
            if (integral()) {
                return n.integer().equals(integer());
            }
            if (value instanceof BigDecimal a && n.value instanceof BigDecimal b) {
                return a.compareTo(b) == 0;
            }
            return Double.compare(n.value.doubleValue(), value.doubleValue()) == 0;
        }

        @Override
        public int hashCode() {
            return integral() ? integer().hashCode() : Double.hashCode(value.doubleValue());
        }
    }

    /** JSON true or false. */
    static final class Bool extends JsonNode {
        static final Bool TRUE = new Bool(true);
        static final Bool FALSE = new Bool(false);
        private final boolean value;

        private Bool(boolean value) { this.value = value; }

        @Override public JsonNodeType getNodeType() { return JsonNodeType.BOOLEAN; }
        @Override public boolean booleanValue() { return value; }
        @Override public boolean asBoolean(boolean fallback) { return value; }
        @Override public int asInt(int fallback) { return value ? 1 : 0; }
        @Override public long asLong() { return value ? 1L : 0L; }
        @Override public double asDouble() { return value ? 1.0 : 0.0; }
        @Override public String asText() { return String.valueOf(value); }
        @Override public JsonNode deepCopy() { return this; }
    }

    /** JSON null. */
    static final class Null extends JsonNode {
        static final Null INSTANCE = new Null();

        private Null() {}

        @Override public JsonNodeType getNodeType() { return JsonNodeType.NULL; }
        @Override public String asText() { return "null"; }
        @Override public JsonNode deepCopy() { return this; }
    }

    /** What {@code path} gives for a field or element that is not there; never written. */
    static final class Missing extends JsonNode {
        static final Missing INSTANCE = new Missing();

        private Missing() {}

        @Override public JsonNodeType getNodeType() { return JsonNodeType.MISSING; }
        @Override public JsonNode deepCopy() { return this; }
    }
}
