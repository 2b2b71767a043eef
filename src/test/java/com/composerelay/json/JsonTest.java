package com.composerelay.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The tree reader and writer on Jackson's streaming API: the same values and text as databind's mapper. */
class JsonTest {
    /** A number node's value as read: the smallest integer type that holds it, or a double. */
    private static Number number(JsonNode node) {
        return ((JsonNode.Number) node).value();
    }

    private static final String EVERY_KIND = "{\"s\":\"a\\\"b\\\\c\\n\\u00e9\\u2028\",\"i\":-42,\"l\":9007199254740993,"
            + "\"big\":123456789012345678901234567890,\"d\":2.5e-3,\"t\":true,\"f\":false,\"n\":null,"
            + "\"a\":[1,\"x\",[],{}],\"o\":{\"nested\":{\"deep\":[null]}}}";

    @Test
    void readsEveryKindOfValueAsAMapperWould() throws Exception {
        JsonNode ours = Json.parse(EVERY_KIND);

        assertThat(Json.write(ours)).isEqualTo(new ObjectMapper().writeValueAsString(new ObjectMapper().readTree(EVERY_KIND)));
        assertThat(number(ours.get("i"))).isEqualTo(-42);
        assertThat(number(ours.get("l"))).isEqualTo(9007199254740993L);
        assertThat(number(ours.get("big"))).isEqualTo(new BigInteger("123456789012345678901234567890"));
        assertThat(number(ours.get("d"))).isEqualTo(0.0025);
        assertThat(ours.get("s").textValue()).isEqualTo("a\"b\\c\n\u00e9\u2028");
        assertThat(ours.get("t").booleanValue()).isTrue();
        assertThat(ours.get("n").isNull()).isTrue();
        assertThat(ours.path("a").get(3).isObject()).isTrue();
        assertThat(ours.path("o").path("nested").path("deep").get(0).isNull()).isTrue();
        assertThat(ours.path("absent").isMissingNode()).isTrue();
        assertThat(ours.get("absent")).isNull();
    }

    @Test
    void writesWhatItReadsUnchanged() throws Exception {
        assertThat(Json.write(Json.parse(EVERY_KIND))).isEqualTo(new ObjectMapper().writeValueAsString(
                new ObjectMapper().readTree(EVERY_KIND)));
        assertThat(Json.write(Json.parse(EVERY_KIND))).isEqualTo(EVERY_KIND.replace("\\u00e9", "\u00e9")
                .replace("\\u2028", "\u2028").replace("2.5e-3", "0.0025"));
    }

    @Test
    void readsAStreamLikeText() throws Exception {
        assertThat(Json.parse(new ByteArrayInputStream(EVERY_KIND.getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(Json.parse(EVERY_KIND));
    }

    @Test
    void readsAScalarDocument() throws Exception {
        assertThat(Json.parse(" \"just text\" ").textValue()).isEqualTo("just text");
    }

    @Test
    void rejectsAnEmptyDocument() {
        assertThatThrownBy(() -> Json.parse("  \n ")).isInstanceOf(Json.Malformed.class).hasMessage("is empty");
        assertThatThrownBy(() -> Json.parse(new ByteArrayInputStream(new byte[0])))
                .isInstanceOf(Json.Malformed.class).hasMessage("is empty");
    }

    @Test
    void rejectsTrailingContentNamingWhere() {
        assertThatThrownBy(() -> Json.parse("{\"a\":1}\n[2]"))
                .isInstanceOf(Json.Malformed.class)
                .hasMessage("is not valid JSON (line 2, column 2): trailing content after the JSON value");
    }

    @Test
    void rejectsAnUnfinishedDocumentNamingWhere() {
        assertThatThrownBy(() -> Json.parse("{\"a\":[1,2"))
                .isInstanceOf(Json.Malformed.class)
                .hasMessageStartingWith("is not valid JSON (line 1, column 10): Unexpected end-of-input");
    }

    private static final String ACCESSED = "{\"s\":\"text\",\"n12\":\"12\",\"st\":\" true \",\"sf\":\"false\",\"i\":-42,"
            + "\"n25\":\"2.5\",\"e3\":\"1e3\",\"huge\":\"99999999999\",\"zero\":0,\"d\":2.5,\"t\":true,\"f\":false,\"nul\":null,\"a\":[1,\"x\"],\"e\":[],\"o\":{\"k\":1},\"eo\":{}}";

    /** Every accessor the relay uses answers as jackson-databind's tree did, for every kind of value and for an absent field. */
    @Test
    void answersEveryAccessorAsDatabindsTreeDid() throws Exception {
        JsonNode ours = Json.parse(ACCESSED);
        com.fasterxml.jackson.databind.JsonNode theirs = new ObjectMapper().readTree(ACCESSED);
        java.util.List<String> names = new java.util.ArrayList<>();
        ours.fieldNames().forEachRemaining(names::add);
        names.add("absent");
        for (String name : names) {
            JsonNode o = ours.path(name);
            com.fasterxml.jackson.databind.JsonNode t = theirs.path(name);
            assertThat(ours.get(name) == null).as("get %s", name).isEqualTo(theirs.get(name) == null);
            assertThat(ours.has(name)).as("has %s", name).isEqualTo(theirs.has(name));
            assertThat(o.getNodeType().name()).as("type of %s", name).isEqualTo(t.getNodeType().name());
            assertThat(o.textValue()).as("textValue of %s", name).isEqualTo(t.textValue());
            assertThat(o.asText()).as("asText of %s", name).isEqualTo(t.asText());
            assertThat(o.asText("fallback")).as("asText(fallback) of %s", name).isEqualTo(t.asText("fallback"));
            assertThat(o.asInt()).as("asInt of %s", name).isEqualTo(t.asInt());
            assertThat(o.asInt(7)).as("asInt(7) of %s", name).isEqualTo(t.asInt(7));
            assertThat(o.asBoolean()).as("asBoolean of %s", name).isEqualTo(t.asBoolean());
            assertThat(o.asBoolean(true)).as("asBoolean(true) of %s", name).isEqualTo(t.asBoolean(true));
            assertThat(o.booleanValue()).as("booleanValue of %s", name).isEqualTo(t.booleanValue());
            assertThat(o.intValue()).as("intValue of %s", name).isEqualTo(t.intValue());
            assertThat(o.longValue()).as("longValue of %s", name).isEqualTo(t.longValue());
            assertThat(o.asLong()).as("asLong of %s", name).isEqualTo(t.asLong());
            assertThat(o.asDouble()).as("asDouble of %s", name).isEqualTo(t.asDouble());
            assertThat(o.toString()).as("toString of %s", name).isEqualTo(t.toString());
            assertThat(o.size()).as("size of %s", name).isEqualTo(t.size());
            assertThat(o.isEmpty()).as("isEmpty of %s", name).isEqualTo(t.isEmpty());
            assertThat(o.get(0) == null).as("get(0) of %s", name).isEqualTo(t.get(0) == null);
            assertThat(o.path("k").isMissingNode()).as("path(k) of %s", name).isEqualTo(t.path("k").isMissingNode());
        }
    }

    @Test
    void buildsTreesThatCompareByValue() throws Exception {
        ObjectNode built = Json.object();
        built.put("s", "text").put("i", -42).put("t", true).put("nothing", (String) null);
        built.putArray("a").add(1).add("x");
        built.putObject("o").put("k", 1L);

        assertThat(Json.write(built)).isEqualTo("{\"s\":\"text\",\"i\":-42,\"t\":true,\"nothing\":null,\"a\":[1,\"x\"],\"o\":{\"k\":1}}");
        assertThat(built).isEqualTo(Json.parse(Json.write(built))).hasSameHashCodeAs(Json.parse(Json.write(built)));
        assertThat(built.deepCopy()).isEqualTo(built).isNotSameAs(built);
        assertThat(built.toString()).isEqualTo(Json.write(built));
        assertThat(Json.write(JsonNode.numberNode((short) 7))).isEqualTo("7");
        assertThat(Json.write(JsonNode.numberNode(new java.math.BigDecimal("1.50")))).isEqualTo("1.50");
        assertThat(Json.parse("{\"k\":1}")).isNotEqualTo(Json.parse("{\"k\":1.0}")).isNotEqualTo(Json.parse("{\"k\":\"1\"}"));
        assertThatThrownBy(() -> built.required("absent")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no field 'absent' in a JSON object");
    }

    @Test
    void aMissingNodeIsNoDocumentAndIsWrittenAsNullInsideOne() {
        JsonNode missing = Json.object().path("absent");
        assertThatThrownBy(() -> Json.write(missing)).isInstanceOf(IllegalStateException.class)
                .hasMessage("cannot write a MISSING node as JSON");
        assertThat(missing.toString()).isEmpty();
        ObjectNode holder = Json.object().set("k", missing);
        holder.putArray("a").add(missing);
        assertThat(holder.toString()).isEqualTo("{\"k\":null,\"a\":[null]}");
    }

    @Test
    void numbersBeyondADoubleCompareAndHashWithoutFailing() throws Exception {
        JsonNode infinite = Json.parse("{\"x\":1e999}");
        assertThat(infinite).isEqualTo(Json.parse("{\"x\":2e999}")).hasSameHashCodeAs(Json.parse("{\"x\":2e999}"));
        assertThat(infinite).isNotEqualTo(Json.parse("{\"x\":-1e999}"));
        assertThat(Json.parse("[1]")).isEqualTo(Json.array().add(1L)).hasSameHashCodeAs(Json.array().add(1L));
        assertThat(Json.parse("[123456789012345678901234567890]")).isNotEqualTo(Json.parse("[123456789012345678901234567891]"));
    }
}
