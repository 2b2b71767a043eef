package com.composerelay.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The tree reader and writer on Jackson's streaming API: the same trees and text as a mapper's. */
class JsonTest {
    private static final String EVERY_KIND = "{\"s\":\"a\\\"b\\\\c\\n\\u00e9\\u2028\",\"i\":-42,\"l\":9007199254740993,"
            + "\"big\":123456789012345678901234567890,\"d\":2.5e-3,\"t\":true,\"f\":false,\"n\":null,"
            + "\"a\":[1,\"x\",[],{}],\"o\":{\"nested\":{\"deep\":[null]}}}";

    @Test
    void readsEveryKindOfValueAsAMapperWould() throws Exception {
        JsonNode ours = Json.parse(EVERY_KIND);

        assertThat(ours).isEqualTo(new ObjectMapper().readTree(EVERY_KIND));
        assertThat(ours.get("i").isInt()).isTrue();
        assertThat(ours.get("l").isLong()).isTrue();
        assertThat(ours.get("big").bigIntegerValue()).isEqualTo(new BigInteger("123456789012345678901234567890"));
        assertThat(ours.get("d").isDouble()).isTrue();
        assertThat(ours.get("s").textValue()).isEqualTo("a\"b\\c\n\u00e9\u2028");
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
}
