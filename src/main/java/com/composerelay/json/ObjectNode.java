package com.composerelay.json;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** A JSON object: fields in the order they were read or put. */
public final class ObjectNode extends JsonNode {
    private final LinkedHashMap<String, JsonNode> fields = new LinkedHashMap<>();

    ObjectNode() {}

    @Override public JsonNodeType getNodeType() { return JsonNodeType.OBJECT; }
    @Override public JsonNode get(String field) { return fields.get(field); }

    @Override
    public JsonNode path(String field) {
        JsonNode value = fields.get(field);
        return value == null ? Missing.INSTANCE : value;
    }

    @Override public int size() { return fields.size(); }
    @Override public Set<Map.Entry<String, JsonNode>> properties() { return fields.entrySet(); }
    @Override public Iterator<String> fieldNames() { return fields.keySet().iterator(); }
    @Override public Iterator<JsonNode> iterator() { return fields.values().iterator(); }

    /** Sets a field (a Java null becomes JSON null) and returns this object. */
    public ObjectNode set(String field, JsonNode value) {
        fields.put(field, value == null ? JsonNode.nullNode() : value);
        return this;
    }

    public ObjectNode put(String field, String value) { return set(field, JsonNode.textNode(value)); }
    public ObjectNode put(String field, int value) { return set(field, JsonNode.numberNode(value)); }
    public ObjectNode put(String field, long value) { return set(field, JsonNode.numberNode(value)); }
    public ObjectNode put(String field, Integer value) { return set(field, JsonNode.numberNode(value)); }
    public ObjectNode put(String field, Long value) { return set(field, JsonNode.numberNode(value)); }
    public ObjectNode put(String field, double value) { return set(field, JsonNode.numberNode(value)); }
    public ObjectNode put(String field, boolean value) { return set(field, JsonNode.booleanNode(value)); }
    public ObjectNode put(String field, Boolean value) { return set(field, value == null ? null : JsonNode.booleanNode(value)); }
    public ObjectNode putNull(String field) { return set(field, JsonNode.nullNode()); }

    /** A new empty object under {@code field}. */
    public ObjectNode putObject(String field) {
        ObjectNode child = new ObjectNode();
        fields.put(field, child);
        return child;
    }

    /** A new empty array under {@code field}. */
    public ArrayNode putArray(String field) {
        ArrayNode child = new ArrayNode();
        fields.put(field, child);
        return child;
    }

    /** Sets every field of {@code other} here, in its order, and returns this object. */
    public ObjectNode setAll(ObjectNode other) {
        fields.putAll(other.fields);
        return this;
    }

    public JsonNode remove(String field) { return fields.remove(field); }

    @Override
    public ObjectNode deepCopy() {
        ObjectNode copy = new ObjectNode();
        fields.forEach((k, v) -> copy.fields.put(k, v.deepCopy()));
        return copy;
    }

    @Override public boolean equals(Object o) { return o instanceof ObjectNode other && other.fields.equals(fields); }
    @Override public int hashCode() { return fields.hashCode(); }
}
