package com.composerelay.properties;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.core.Redaction;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Redaction (issue 21): whatever form the key takes in a text, what a client decodes from the
 * redacted text does not hold it; and a text without the key is left as it is.
 */
class RedactionProperties extends SecretFreeLog {

    @Provide
    Arbitrary<String> keys() {
        return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
                .ofMinLength(16).ofMaxLength(64);
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.strings().ascii().ofMaxLength(40);
    }

    /** Each character of the key as it is, JSON-escaped (either case) or percent-encoded (either case). */
    @Property
    void whatAClientDecodesHoldsNoKey(@ForAll("keys") String key, @ForAll("texts") String before,
                                      @ForAll("texts") String after, @ForAll List<@IntRange(min = 0, max = 4) Integer> forms) {
        StringBuilder text = new StringBuilder(before);
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            int form = forms.isEmpty() ? 0 : forms.get(i % forms.size());
            text.append(switch (form) {
                case 1 -> String.format("\\u%04x", (int) c);
                case 2 -> String.format("\\u%04X", (int) c);
                case 3 -> String.format("%%%02x", (int) c);
                case 4 -> String.format("%%%02X", (int) c);
                default -> String.valueOf(c);
            });
        }
        text.append(after);
        String redacted = Redaction.redact(text.toString(), key);
        assertThat(percentDecoded(jsonUnescaped(redacted))).doesNotContain(key);
    }

    /** The key in base64 (either alphabet) anywhere inside a longer value: only the value's own characters stay. */
    @Property
    void base64AtAnyAlignmentLeavesOnlyTheFillersCharacters(@ForAll("keys") String key,
                                                            @ForAll @IntRange(min = 0, max = 5) int before,
                                                            @ForAll @IntRange(min = 0, max = 5) int after,
                                                            @ForAll boolean urlSafe) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[before + k.length + after];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) (31 * i + 7);
        }
        System.arraycopy(k, 0, all, before, k.length);
        String encoded = (urlSafe ? Base64.getUrlEncoder() : Base64.getEncoder()).encodeToString(all);
        String redacted = Redaction.redact(encoded, key);
        assertThat(redacted).contains(Redaction.MARK);
        String left = redacted.replace(Redaction.MARK, "").replace("=", "");
        assertThat(left.length()).isLessThanOrEqualTo((before * 8 + 5) / 6 + (after * 8 + 5) / 6);
    }

    @Property
    void aTextWithoutTheKeyIsLeftAsItIs(@ForAll("keys") String key, @ForAll("texts") String text) {
        Assume.that(!text.contains(key.substring(0, Redaction.MIN_CUT_PREFIX)));
        assertThat(Redaction.redact(text, key)).isEqualTo(text);
    }

    static String jsonUnescaped(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            if (s.startsWith("\\u", i) && i + 6 <= s.length() && s.substring(i + 2, i + 6).matches("[0-9a-fA-F]{4}")) {
                out.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                i += 5;
            } else {
                out.append(s.charAt(i));
            }
        }
        return out.toString();
    }

    static String percentDecoded(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '%' && i + 2 < in.length
                    && Character.digit(in[i + 1], 16) >= 0 && Character.digit(in[i + 2], 16) >= 0) {
                out.write(Character.digit(in[i + 1], 16) * 16 + Character.digit(in[i + 2], 16));
                i += 2;
            } else {
                out.write(in[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
