package com.composerelay.json;

import java.util.ArrayList;
import java.util.Iterator;

/** A JSON array. */
public final class ArrayNode extends JsonNode {
    private final ArrayList<JsonNode> elements = new ArrayList<>();

    ArrayNode() {}

    @Override public JsonNodeType getNodeType() { return JsonNodeType.ARRAY; }

    @Override
    public JsonNode get(int index) {
        return index >= 0 && index < elements.size() ? elements.get(index) : null;
    }

    @Override
    public JsonNode path(int index) {
        JsonNode value = get(index);
        return value == null ? Missing.INSTANCE : value;
    }

    @Override public int size() { return elements.size(); }
    @Override public Iterator<JsonNode> iterator() { return elements.iterator(); }

    /** Appends a value (a Java null becomes JSON null) and returns this array. */
    public ArrayNode add(JsonNode value) {
        elements.add(value == null ? JsonNode.nullNode() : value);
        return this;
    }

    public ArrayNode add(String value) { return add(JsonNode.textNode(value)); }
    public ArrayNode add(int value) { return add(JsonNode.numberNode(value)); }
    public ArrayNode add(long value) { return add(JsonNode.numberNode(value)); }
    public ArrayNode add(boolean value) { return add(JsonNode.booleanNode(value)); }

    /** Appends a new empty object and returns it. */
    public ObjectNode addObject() {
        ObjectNode child = new ObjectNode();
        elements.add(child);
        return child;
    }

    /** Appends a new empty array and returns it. */
    public ArrayNode addArray() {
        ArrayNode child = new ArrayNode();
        elements.add(child);
        return child;
    }

    @Override
    public ArrayNode deepCopy() {
        ArrayNode copy = new ArrayNode();
        elements.forEach(e -> copy.elements.add(e.deepCopy()));
        return copy;
    }

    @Override public boolean equals(Object o) { return o instanceof ArrayNode other && other.elements.equals(elements); }
    @Override public int hashCode() { return elements.hashCode(); }
}
