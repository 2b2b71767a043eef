package com.composerelay.properties;

import com.composerelay.support.Harness;
import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.codec.OutcomeText;
import com.composerelay.core.Outcome;
import com.composerelay.codec.OutcomeJson;
import com.composerelay.support.Fixtures;
import java.util.List;
import java.util.regex.Pattern;

/** What every generated case must keep, whatever the route: no secret in any output, valid ids only. */
final class Invariants {
    /** The Phala API key and every signing secret (current and previous) the harnesses hold. */
    static final List<String> SECRETS = List.of(Fixtures.API_KEY, Harness.SLACK_SECRET, "slack-previous-secret",
            Harness.HOOK_SECRET, Harness.PHALA_SECRET);

    private static final Pattern EMAIL_FIELD = Pattern.compile(
            "(Status|CVM|Compose hash|Error|Trigger|Attempts|Phala status|Request id|Correlation id|Phala request id"
                    + "|Started|Finished): .*");

    private Invariants() {}

    /** No secret in any of these texts. */
    static void noSecretIn(String what, String text) {
        if (text == null) {
            return;
        }
        for (String secret : SECRETS) {
            assertThat(text).as("%s holds a secret", what).doesNotContain(secret);
        }
    }

    /** No secret in an outcome as published (JSON), as a record, in its chat line or its email. */
    static void noSecretIn(List<Outcome> outcomes) {
        for (Outcome o : outcomes) {
            noSecretIn("the outcome", o.toString());
            noSecretIn("the outcome's JSON", OutcomeJson.write(o));
            noSecretIn("the outcome's chat line", OutcomeText.chatLine(o));
            noSecretIn("the outcome's email", OutcomeText.email(o));
        }
    }

    /**
     * The rules of a cvm_id, written here independently of the relay's own check: 1 to 128 UTF-16
     * units, one path segment (no {@code / \ ? # %}, not {@code .} or {@code ..}), no whitespace or
     * control characters, and well-formed UTF-16 (no lone surrogate).
     */
    static boolean validCvmId(String id) {
        if (id == null || id.isEmpty() || id.length() > 128 || id.equals(".") || id.equals("..")) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if ("/\\?#%".indexOf(c) >= 0 || Character.isWhitespace(c) || Character.isISOControl(c)
                    || Character.isSpaceChar(c)) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= id.length() || !Character.isLowSurrogate(id.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    static boolean validComposeHash(String hash) {
        return hash != null && hash.matches("(0x)?[0-9a-fA-F]+");
    }

    /**
     * An outcome's email is its title, a blank line, then one {@code Name: value} line per field:
     * no value may add a line of its own (a forged "Status: accepted" in an error, say).
     */
    static void emailHasNoInjectedLines(Outcome outcome) {
        String[] lines = OutcomeText.email(outcome).split("\r\n|\r|\n|\u2028|\u2029|\u0085", -1);
        assertThat(lines[0]).as("the email's title line").startsWith("Compose update ");
        assertThat(lines[1]).as("the line after the title").isEmpty();
        for (int i = 2; i < lines.length - 1; i++) {
            assertThat(lines[i]).as("email line %d of %s", i, List.of(lines)).matches(EMAIL_FIELD);
        }
        assertThat(lines[lines.length - 1]).as("the email ends with its last field's line").isEmpty();
    }
}
