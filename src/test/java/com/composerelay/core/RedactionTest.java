package com.composerelay.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * Finding (issue 21): redaction once matched the key's text only. It now takes out what a client
 * would decode to the key: JSON string escapes, percent-encoding (any character, either case),
 * base64 (standard and URL-safe, at each of the three alignments), hex; and a prefix of the key
 * of at least {@link MIN} characters, in any of those forms, at the very end
 * of a text (a body cut at the 64 KiB bound).
 */
class RedactionTest {
    static final String KEY = "phak_test_4f8a1c9e2b7d6a5f3e1c0b9a8d7e6f5a";
    static final String M = Redaction.MARK;
    static final int MIN = Redaction.MIN_CUT_PREFIX;

    static String redact(String text) {
        return Redaction.redact(text, KEY);
    }

    static String jsonEscaped(String s, boolean upper) {
        StringBuilder b = new StringBuilder();
        s.chars().forEach(c -> b.append(String.format(upper ? "\\u%04X" : "\\u%04x", c)));
        return b.toString();
    }

    static String percentEncoded(String s, boolean upper) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            b.append(String.format(upper ? "%%%02X" : "%%%02x", x & 0xff));
        }
        return b.toString();
    }

    @Test
    void theKeyAsItIsAndAsAUrlEncodesIt() {
        assertThat(redact("{\"detail\":\"bad key " + KEY + "\"}")).isEqualTo("{\"detail\":\"bad key " + M + "\"}");
        assertThat(redact("a " + URLEncoder.encode(KEY, StandardCharsets.UTF_8) + " b")).isEqualTo("a " + M + " b");
        assertThat(redact("nothing here")).isEqualTo("nothing here");
        assertThat(Redaction.redact(null, KEY)).isNull();
        assertThat(Redaction.redact("x " + KEY, null)).isEqualTo("x " + KEY);
    }

    @Test
    void theKeyWrittenAsJsonEscapes() {
        assertThat(redact("{\"detail\":\"key " + jsonEscaped(KEY, false) + "\"}")).isEqualTo("{\"detail\":\"key " + M + "\"}");
        assertThat(redact("{\"k\":\"" + jsonEscaped(KEY, true) + "\"}")).isEqualTo("{\"k\":\"" + M + "\"}");
        // Mixed: some characters escaped, some as they are (\u0072... as the issue found it).
        String mixed = "\\u0070hak_te\\u0073t_4f8a1c9e2b7d6a5f3e1c0b9a8d7e6f5\\u0061";
        assertThat(redact("[\"" + mixed + "\"]")).isEqualTo("[\"" + M + "\"]");
    }

    @Test
    void theKeyPercentEncodedInEitherCase() {
        assertThat(redact("u=" + percentEncoded(KEY, true) + "&x=1")).isEqualTo("u=" + M + "&x=1");
        assertThat(redact("u=" + percentEncoded(KEY, false))).isEqualTo("u=" + M);
        assertThat(redact("u=phak%5Ftest%5f4f8a1c9e2b7d6a5f3e1c0b9a8d7e6f5a")).isEqualTo("u=" + M);
        assertThat(redact("u=phak_test%2D4f8a")).as("not the key").isEqualTo("u=phak_test%2D4f8a");
    }

    @Test
    void theKeyInBase64AtEachAlignmentStandardAndUrlSafe() {
        for (int pad = 0; pad < 3; pad++) {
            for (Base64.Encoder encoder : new Base64.Encoder[] {Base64.getEncoder(), Base64.getUrlEncoder()}) {
                String before = "xy".substring(0, pad);
                String encoded = encoder.encodeToString((before + KEY + "!?").getBytes(StandardCharsets.UTF_8));
                String redacted = redact("{\"blob\":\"" + encoded + "\"}");
                assertThat(redacted).as("alignment %d", pad).contains(M).doesNotContain(encoded);
                String left = redacted.substring("{\"blob\":\"".length(), redacted.indexOf(M));
                String right = redacted.substring(redacted.indexOf(M) + M.length(), redacted.length() - 2);
                assertThat(left.length()).as("only the filler's own characters stay before").isLessThanOrEqualTo(2);
                assertThat(right.replace("=", "").length()).as("only the filler's own characters stay after")
                        .isLessThanOrEqualTo(3);
            }
        }
        String exact = Base64.getEncoder().encodeToString(KEY.getBytes(StandardCharsets.UTF_8));
        assertThat(redact("Basic " + exact)).isEqualTo("Basic " + M);
    }

    @Test
    void theKeyInHex() {
        StringBuilder hex = new StringBuilder();
        for (byte x : KEY.getBytes(StandardCharsets.UTF_8)) {
            hex.append(String.format("%02x", x));
        }
        assertThat(redact("h=" + hex + ";")).isEqualTo("h=" + M + ";");
        assertThat(redact("h=" + hex.toString().toUpperCase())).isEqualTo("h=" + M);
    }

    @Test
    void aKeyCutAtTheEndOfATextLeavesNoPartOfAtLeastTheMinimum() {
        String body = "{\"detail\":\"" + "x".repeat(100) + KEY.substring(0, 20);
        assertThat(redact(body)).isEqualTo("{\"detail\":\"" + "x".repeat(100) + M);
        assertThat(redact("abc" + KEY.substring(0, MIN))).isEqualTo("abc" + M);
        assertThat(redact("abc" + KEY.substring(0, MIN - 1)))
                .as("shorter than the minimum: not told apart from text").isEqualTo("abc" + KEY.substring(0, MIN - 1));
        assertThat(redact("abc" + KEY.substring(0, 20) + " and more")).as("only at the very end")
                .isEqualTo("abc" + KEY.substring(0, 20) + " and more");
        assertThat(redact("e=" + jsonEscaped(KEY.substring(0, 12), false) + "\\u00")).isEqualTo("e=" + M);
        assertThat(redact("e=" + percentEncoded(KEY, true).substring(0, 40))).isEqualTo("e=" + M);
        String b64 = Base64.getEncoder().encodeToString(("zz" + KEY).getBytes(StandardCharsets.UTF_8));
        assertThat(redact("b=" + b64.substring(0, 30))).startsWith("b=").endsWith(M).hasSizeLessThanOrEqualTo(2 + 3 + M.length());
    }

    @Test
    void aKeyWithCharactersThatMeanSomethingInARegexOrInJson() {
        String key = "k.*+?^$|()[]{}\\\"/é-€-😀-0123";
        assertThat(Redaction.redact("a " + key + " b", key)).isEqualTo("a " + M + " b");
        assertThat(Redaction.redact("a " + jsonEscaped(key, false) + " b", key)).isEqualTo("a " + M + " b");
        assertThat(Redaction.redact("a " + percentEncoded(key, false) + " b", key)).isEqualTo("a " + M + " b");
        assertThat(Redaction.redact("a k.*+?^$|()[]{}\\\\\\\"\\/é-€-😀-0123 b", key)).as("JSON's short escapes")
                .isEqualTo("a " + M + " b");
        String b64 = Base64.getUrlEncoder().withoutPadding().encodeToString(("!" + key).getBytes(StandardCharsets.UTF_8));
        assertThat(Redaction.redact(b64, key)).contains(M);
    }
}
