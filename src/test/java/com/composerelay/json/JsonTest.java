package com.composerelay.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.jr.stree.JrsMissing;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The facade on jackson-jr's tree: strict reading, writing, and its helpers answering as databind's tree does. */
class JsonTest {
    private static final String EVERY_KIND = "{\"s\":\"a\\\"b\\\\c\\n\\u00e9\\u2028\",\"i\":-42,\"l\":9007199254740993,"
            + "\"big\":123456789012345678901234567890,\"d\":2.5e-3,\"t\":true,\"f\":false,\"n\":null,"
            + "\"a\":[1,\"x\",[],{}],\"o\":{\"nested\":{\"deep\":[null]}}}";

    @Test
    void readsEveryKindOfValueAsAMapperWould() throws Exception {
        JrsValue ours = Json.parse(EVERY_KIND);

        assertThat(Json.write(ours)).isEqualTo(new ObjectMapper().writeValueAsString(new ObjectMapper().readTree(EVERY_KIND)));
        assertThat(Json.number(ours.get("i"))).isEqualTo(-42);
        assertThat(Json.number(ours.get("l"))).isEqualTo(9007199254740993L);
        assertThat(Json.number(ours.get("big"))).isEqualTo(new BigInteger("123456789012345678901234567890"));
        assertThat(Json.number(ours.get("d"))).isEqualTo(0.0025);
        assertThat(Json.text(ours.get("s"))).isEqualTo("a\"b\\c\n\u00e9\u2028");
        assertThat(Json.isTrue(ours.get("t"))).isTrue();
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
        assertThat(Json.text(Json.parse(" \"just text\" "))).isEqualTo("just text");
        assertThat(Json.parse("null").isNull()).isTrue();
        assertThat(Json.number(Json.parse("7"))).isEqualTo(7);
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

    @Test
    void rejectsDuplicateKeysNamingThem() {
        assertThatThrownBy(() -> Json.parse("{\"k\":1,\"o\":{\"a\":1,\"a\":2}}"))
                .isInstanceOf(Json.Malformed.class)
                .hasMessageStartingWith("is not valid JSON (line 1, column ")
                .hasMessageContaining("Duplicate field 'a'");
    }

    private static final String ACCESSED = "{\"s\":\"text\",\"n12\":\"12\",\"st\":\" true \",\"sf\":\"false\",\"i\":-42,"
            + "\"n25\":\"2.5\",\"e3\":\"1e3\",\"huge\":\"99999999999\",\"zero\":0,\"d\":2.5,\"t\":true,\"f\":false,\"nul\":null,\"a\":[1,\"x\"],\"e\":[],\"o\":{\"k\":1},\"eo\":{}}";

    /** Every read the relay makes (jackson-jr's own and the helpers) answers as jackson-databind's tree does, for every kind of value and for an absent field. */
    @Test
    void answersEveryReadAsDatabindsTreeDoes() throws Exception {
        JrsValue ours = Json.parse(ACCESSED);
        com.fasterxml.jackson.databind.JsonNode theirs = new ObjectMapper().readTree(ACCESSED);
        List<String> names = new ArrayList<>();
        ours.fieldNames().forEachRemaining(names::add);
        names.add("absent");
        for (String name : names) {
            JrsValue o = ours.path(name);
            com.fasterxml.jackson.databind.JsonNode t = theirs.path(name);
            assertThat(ours.get(name) == null).as("get %s", name).isEqualTo(theirs.get(name) == null);
            assertThat(Json.has(ours, name)).as("has %s", name).isEqualTo(theirs.has(name));
            assertThat(Json.kind(o)).as("type of %s", name).isEqualTo(t.getNodeType().name());
            assertThat(o.isObject()).as("isObject of %s", name).isEqualTo(t.isObject());
            assertThat(o.isArray()).as("isArray of %s", name).isEqualTo(t.isArray());
            assertThat(o.isNumber()).as("isNumber of %s", name).isEqualTo(t.isNumber());
            assertThat(o.isNull()).as("isNull of %s", name).isEqualTo(t.isNull());
            assertThat(o.isMissingNode()).as("isMissingNode of %s", name).isEqualTo(t.isMissingNode());
            assertThat(Json.isText(o)).as("isTextual of %s", name).isEqualTo(t.isTextual());
            assertThat(Json.isBoolean(o)).as("isBoolean of %s", name).isEqualTo(t.isBoolean());
            assertThat(Json.text(o)).as("textValue of %s", name).isEqualTo(t.textValue());
            assertThat(Json.asText(o)).as("asText of %s", name).isEqualTo(t.asText());
            assertThat(Json.asText(o, "fallback")).as("asText(fallback) of %s", name).isEqualTo(t.asText("fallback"));
            assertThat(Json.asBoolean(o, false)).as("asBoolean of %s", name).isEqualTo(t.asBoolean());
            assertThat(Json.asBoolean(o, true)).as("asBoolean(true) of %s", name).isEqualTo(t.asBoolean(true));
            assertThat(Json.isTrue(o)).as("booleanValue of %s", name).isEqualTo(t.booleanValue());
            assertThat(Json.number(o)).as("numberValue of %s", name).isEqualTo(t.numberValue());
            assertThat(Json.size(o)).as("size of %s", name).isEqualTo(t.size());
            assertThat(Json.size(o) == 0).as("isEmpty of %s", name).isEqualTo(t.isEmpty());
            assertThat(o.get(0) == null).as("get(0) of %s", name).isEqualTo(t.get(0) == null);
            assertThat(o.path(0).isMissingNode()).as("path(0) of %s", name).isEqualTo(t.path(0).isMissingNode());
            assertThat(o.path("k").isMissingNode()).as("path(k) of %s", name).isEqualTo(t.path("k").isMissingNode());
            List<String> fields = new ArrayList<>();
            Json.fields(o).forEach(f -> fields.add(f.getKey() + "=" + Json.write(f.getValue())));
            List<String> theirFields = new ArrayList<>();
            t.properties().forEach(f -> theirFields.add(f.getKey() + "=" + f.getValue()));
            assertThat(fields).as("properties of %s", name).isEqualTo(theirFields);
            List<String> elements = new ArrayList<>();
            Json.elements(o).forEach(e -> elements.add(Json.write(e)));
            List<String> theirElements = new ArrayList<>();
            if (t.isArray()) {
                t.forEach(e -> theirElements.add(e.toString()));
            }
            assertThat(elements).as("elements of %s", name).isEqualTo(theirElements);
        }
    }

    @Test
    void buildsTreesInInsertionOrderThatReadBackEqual() throws Exception {
        Map<String, Object> built = new LinkedHashMap<>();
        built.put("s", "text");
        built.put("i", -42);
        built.put("t", true);
        built.put("nothing", null);
        built.put("a", Arrays.asList(1, "x"));
        built.put("o", Map.of("k", 1));
        JrsValue tree = Json.object(built);

        assertThat(Json.write(tree)).isEqualTo("{\"s\":\"text\",\"i\":-42,\"t\":true,\"nothing\":null,\"a\":[1,\"x\"],\"o\":{\"k\":1}}");
        assertThat(tree).isEqualTo(Json.parse(Json.write(tree))).hasSameHashCodeAs(Json.parse(Json.write(tree)));
        assertThat(Json.tree(List.of(tree, "x"))).isEqualTo(Json.parse("[" + Json.write(tree) + ",\"x\"]"));
        assertThat(Json.parse("{\"k\":1}")).isNotEqualTo(Json.parse("{\"k\":1.0}")).isNotEqualTo(Json.parse("{\"k\":\"1\"}"));
        assertThatThrownBy(() -> Json.tree(new Object())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no JSON for a Object");
    }

    /** Numbers are written as their Java type says: integers as integers, whatever their width. */
    @Test
    void writesNumbersAsTheirType() {
        assertThat(Json.write(Json.tree(7L))).isEqualTo("7");
        assertThat(Json.write(Json.tree((short) 7))).isEqualTo("7");
        assertThat(Json.write(Json.tree(new BigInteger("123456789012345678901234567890")))).isEqualTo("123456789012345678901234567890");
        assertThat(Json.write(Json.tree(new java.math.BigDecimal("1.50")))).isEqualTo("1.50");
        assertThat(Json.write(Json.tree(2.5))).isEqualTo("2.5");
        assertThat(Json.write(Json.tree(List.of(1L, 2, 3.0)))).isEqualTo("[1,2,3.0]");
    }

    /** jackson-jr compares numbers as Java does: an int 1 is not a long 1 (the relay's own tree equated them). */
    @Test
    void numbersCompareByTheirJavaType() throws Exception {
        assertThat(Json.tree(1)).isEqualTo(Json.parse("1"));
        assertThat(Json.tree(1L)).isNotEqualTo(Json.parse("1"));
        assertThat(Json.parse("9007199254740993")).isEqualTo(Json.tree(9007199254740993L));
    }

    @Test
    void aMissingNodeIsNoDocumentAndIsWrittenAsNullInsideOne() {
        JrsValue missing = Json.tree(Map.of()).path("absent");
        assertThatThrownBy(() -> Json.write(missing)).isInstanceOf(IllegalStateException.class)
                .hasMessage("cannot write a MISSING node as JSON");
        assertThat(missing).isSameAs(JrsMissing.instance());
        Map<String, Object> holder = new LinkedHashMap<>();
        holder.put("k", missing);
        holder.put("a", List.of(missing));
        assertThat(Json.write(Json.object(holder))).isEqualTo("{\"k\":null,\"a\":[null]}");
    }

    @Test
    void numbersBeyondADoubleCompareAndHashWithoutFailing() throws Exception {
        JrsValue infinite = Json.parse("{\"x\":1e999}");
        assertThat(infinite).isEqualTo(Json.parse("{\"x\":2e999}")).hasSameHashCodeAs(Json.parse("{\"x\":2e999}"));
        assertThat(infinite).isNotEqualTo(Json.parse("{\"x\":-1e999}"));
        assertThat(Json.parse("[1]")).isEqualTo(Json.tree(List.of(1))).hasSameHashCodeAs(Json.tree(List.of(1)));
        assertThat(Json.parse("[123456789012345678901234567890]")).isNotEqualTo(Json.parse("[123456789012345678901234567891]"));
    }

    @Test
    void aParseErrorNamesWhereAndWhatKindButNeverEchoesTheInput() {
        assertThatThrownBy(() -> Json.parse("{\"a\": phak_secret_token_123}"))
                .isInstanceOf(Json.Malformed.class)
                .hasMessageStartingWith("is not valid JSON (line 1, column ")
                .hasMessageNotContaining("phak_secret_token_123")
                .hasMessageContaining("Unrecognized token '…'");
    }
}
