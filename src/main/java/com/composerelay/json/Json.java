package com.composerelay.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

/**
 * JSON trees read and written strictly (duplicate keys and trailing content are errors), on Jackson's
 * streaming parser and generator (jackson-core). The tree is the relay's own {@link JsonNode}, built
 * token by token: jackson-databind's {@code ObjectMapper} set-up (serialisers, deserialisers, type
 * factory, date formats) was about 85 ms of every cold start, and its tree classes 1.5 MB of the
 * deployed jar, for plain trees that need neither.
 */
public final class Json {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private Json() {}

    /** JSON text that cannot be read; the message says where and why, without echoing the input. */
    public static final class Malformed extends Exception {
        public Malformed(String message) {
            super(message, null, false, false);
        }
    }

    public static JsonNode parse(String text) throws Malformed {
        try (JsonParser parser = FACTORY.createParser(text)) {
            return document(parser);
        } catch (JsonProcessingException e) {
            throw new Malformed(describe(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode parse(InputStream in) throws Malformed, IOException {
        try (JsonParser parser = FACTORY.createParser(in)) {
            return document(parser);
        } catch (JsonProcessingException e) {
            throw new Malformed(describe(e));
        }
    }

    /** The node's text when it is a JSON string, else null. */
    public static String text(JsonNode node) {
        return node != null && node.isTextual() ? node.textValue() : null;
    }

    public static ObjectNode object() {
        return new ObjectNode();
    }

    public static ArrayNode array() {
        return new ArrayNode();
    }

    /** The value as compact JSON text; a missing node is no document (nested in a container it is written as null). */
    public static String write(JsonNode node) {
        if (node.isMissingNode()) {
            throw new IllegalStateException("cannot write a MISSING node as JSON");
        }
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            write(node, generator);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
        return out.toString();
    }

    /** One whole document: a value and nothing after it. */
    private static JsonNode document(JsonParser parser) throws IOException, Malformed {
        JsonToken first = parser.nextToken();
        if (first == null) {
            throw new Malformed("is empty");
        }
        JsonNode node = value(parser, first);
        if (parser.nextToken() != null) {
            throw new Malformed("is not valid JSON (line " + parser.currentLocation().getLineNr() + ", column "
                    + parser.currentLocation().getColumnNr() + "): trailing content after the JSON value");
        }
        return node;
    }

    private static JsonNode value(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case START_OBJECT -> {
                ObjectNode object = new ObjectNode();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                    String name = parser.currentName();
                    object.set(name, value(parser, parser.nextToken()));
                }
                yield object;
            }
            case START_ARRAY -> {
                ArrayNode array = new ArrayNode();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    array.add(value(parser, t));
                }
                yield array;
            }
            case VALUE_STRING -> JsonNode.textNode(parser.getText());
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT -> JsonNode.numberNode(parser.getIntValue());
                case LONG -> JsonNode.numberNode(parser.getLongValue());
                default -> JsonNode.numberNode(parser.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> JsonNode.numberNode(parser.getDoubleValue());
            case VALUE_TRUE -> JsonNode.booleanNode(true);
            case VALUE_FALSE -> JsonNode.booleanNode(false);
            case VALUE_NULL -> JsonNode.nullNode();
            default -> throw new IllegalStateException("unexpected JSON token " + token);
        };
    }

    private static void write(JsonNode node, JsonGenerator out) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                out.writeStartObject();
                for (Map.Entry<String, JsonNode> field : node.properties()) {
                    out.writeFieldName(field.getKey());
                    write(field.getValue(), out);
                }
                out.writeEndObject();
            }
            case ARRAY -> {
                out.writeStartArray();
                for (JsonNode item : node) {
                    write(item, out);
                }
                out.writeEndArray();
            }
            case STRING -> out.writeString(node.textValue());
            case NUMBER -> {
                Number value = ((JsonNode.Number) node).value();
                switch (value) {
                    case Integer i -> out.writeNumber(i);
                    case Long l -> out.writeNumber(l);
                    case BigInteger b -> out.writeNumber(b);
                    case BigDecimal d -> out.writeNumber(d);
                    case Float f -> out.writeNumber(f);
                    case Short h -> out.writeNumber(h);
                    case Byte b -> out.writeNumber(b.intValue());
                    default -> out.writeNumber(value.doubleValue());
                }
            }
            case BOOLEAN -> out.writeBoolean(node.booleanValue());
            case NULL, MISSING -> out.writeNull();
            default -> throw new IllegalStateException("cannot write a " + node.getNodeType() + " node as JSON");
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
