package com.composerelay.codec;

import com.composerelay.json.Json;
import com.composerelay.json.Json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.composerelay.core.ComposeUpdate;
import com.composerelay.core.InvalidRequest;
import com.composerelay.core.CallerValue;
import com.composerelay.support.Fixtures;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ComposeUpdateJsonTest {
    private static final String HASH = Fixtures.HASH;

    private static ComposeUpdate read(String json, String pathCvmId) throws Exception {
        return ComposeUpdateJson.read(Json.parse(json), pathCvmId);
    }

    private static void assertInvalid(String json, String pathCvmId, String message) {
        assertThatThrownBy(() -> read(json, pathCvmId))
                .isInstanceOf(InvalidRequest.class)
                .hasMessage(message);
    }

    @Test
    void readsEveryFieldAndRemembersWhichWereSet() throws Exception {
        ComposeUpdate update = read("""
                {"compose_hash":"0x%s","encrypted_env":"abcdef01","env_keys":["A","_B2"],"update_env_vars":false}
                """.formatted(HASH), "cvm_ykL5lbAn");
        assertThat(update).isEqualTo(new ComposeUpdate("cvm_ykL5lbAn", "0x" + HASH,
                CallerValue.given("abcdef01"), CallerValue.given(List.of("A", "_B2")), CallerValue.given(false)));
    }

    @Test
    void keepsAbsentFieldsApartFromExplicitNulls() throws Exception {
        ComposeUpdate absent = read("{\"compose_hash\":\"" + HASH + "\"}", "c1");
        ComposeUpdate nulls = read("{\"compose_hash\":\"" + HASH
                + "\",\"encrypted_env\":null,\"env_keys\":null,\"update_env_vars\":null}", "c1");
        assertThat(absent.encryptedEnv().isGiven()).isFalse();
        assertThat(absent.envKeys().isGiven()).isFalse();
        assertThat(absent.updateEnvVars().isGiven()).isFalse();
        assertThat(nulls.encryptedEnv()).isEqualTo(CallerValue.given(null));
        assertThat(nulls.envKeys()).isEqualTo(CallerValue.given(null));
        assertThat(nulls.updateEnvVars()).isEqualTo(CallerValue.given(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cvm_ykL5lbAn", "3f1c2a8e-5b7d-4e9f-a1c3-2b4d6e8f0a1c",
            "app_7a1c5e2f9b3d4c6a8e0f1b2d3c4e5f6a7b8c9d0e", "instance_abc", "my-web.app", "ünïcode"})
    void acceptsTheCvmIdFormsPhalaKnows(String cvmId) throws Exception {
        assertThat(read("{\"compose_hash\":\"" + HASH + "\"}", cvmId).cvmId()).isEqualTo(cvmId);
    }

    @Test
    void rejectsCvmIdWithPathSeparator() {
        assertInvalid("{\"compose_hash\":\"" + HASH + "\"}", "a/b", "cvm_id: must not contain '/'");
        assertInvalid("{\"compose_hash\":\"" + HASH + "\"}", "a\\b", "cvm_id: must not contain '\\'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a?b", "a#b", "a%2Fb"})
    void rejectsCvmIdWithUrlSyntax(String cvmId) {
        assertInvalid("{\"compose_hash\":\"" + HASH + "\"}", cvmId,
                "cvm_id: must not contain '" + cvmId.charAt(1) + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {".", ".."})
    void rejectsCvmIdThatClimbsPath(String cvmId) {
        assertInvalid("{\"compose_hash\":\"" + HASH + "\"}", cvmId, "cvm_id: must not be '.' or '..'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "a\tb", "a\nb", "a\u0000b", "a\u00a0b", "a\u2028b"})
    void rejectsCvmIdWithWhitespaceOrControlCharacters(String cvmId) {
        assertInvalid("{\"compose_hash\":\"" + HASH + "\"}", cvmId,
                "cvm_id: must not contain whitespace or control characters");
    }

    @Test
    void refusesALoneSurrogateInCvmId() {
        assertInvalid("{\"compose_hash\":\"" + HASH + "\"}", "cvm_\ud800",
                "cvm_id: must be well-formed UTF-16, without an unpaired surrogate (found U+D800)");
        assertInvalid("{\"compose_hash\":\"" + HASH + "\"}", "cvm_\ude00\ud83d",
                "cvm_id: must be well-formed UTF-16, without an unpaired surrogate (found U+DE00)");
        // Sent as a JSON escape in the body, as a caller would.
        assertInvalid("{\"cvm_id\":\"cvm_ab\\udbffx\",\"compose_hash\":\"" + HASH + "\"}", null,
                "cvm_id: must be well-formed UTF-16, without an unpaired surrogate (found U+DBFF)");
    }

    @Test
    void acceptsASurrogatePairInCvmId() throws Exception {
        assertThat(read("{\"compose_hash\":\"" + HASH + "\"}", "cvm_\ud83d\ude00").cvmId()).isEqualTo("cvm_\ud83d\ude00");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cvm_\u200bweb", "cvm_\u202eweb", "cvm_\u2066web", "cvm_\u200eweb", "cvm_\ufeffweb",
            "cvm_\u00adweb", "cvm_\udb40\udc01web"})
    void refusesBidiAndZeroWidthCharactersInCvmId(String cvmId) {
        int formatCharacter = cvmId.codePointAt(4);
        assertInvalid("{\"compose_hash\":\"" + HASH + "\"}", cvmId,
                "cvm_id: must not contain invisible format characters (Unicode category Cf: zero-width, bidi controls; found "
                        + String.format("U+%04X", formatCharacter) + ")");
    }

    @Test
    void rejectsCvmIdLongerThan128Characters() throws Exception {
        assertThat(read("{\"compose_hash\":\"" + HASH + "\"}", "c".repeat(128)).cvmId()).hasSize(128);
        assertInvalid("{\"compose_hash\":\"" + HASH + "\"}", "c".repeat(129), "cvm_id: must be at most 128 characters");
    }

    @Test
    void rejectsEmptyCvmId() {
        assertInvalid("{\"compose_hash\":\"" + HASH + "\"}", "", "cvm_id: is required");
    }

    @Test
    void rejectsBodyCvmIdThatDiffersFromPath() throws Exception {
        assertThat(read("{\"cvm_id\":\"c1\",\"compose_hash\":\"" + HASH + "\"}", "c1").cvmId()).isEqualTo("c1");
        assertInvalid("{\"cvm_id\":\"c2\",\"compose_hash\":\"" + HASH + "\"}", "c1",
                "cvm_id: in the body must equal the cvm_id of the path, or be left out");
    }

    @Test
    void requiresCvmIdInBodyWhenThereIsNoPath() {
        assertInvalid("{\"compose_hash\":\"" + HASH + "\"}", null, "cvm_id: is required");
        assertInvalid("{\"cvm_id\":7,\"compose_hash\":\"" + HASH + "\"}", null, "cvm_id: must be a string, not a number");
    }

    @Test
    void rejectsMissingComposeHash() {
        assertInvalid("{}", "c1", "compose_hash: is required");
        assertInvalid("{\"compose_hash\":null}", "c1", "compose_hash: is required");
    }

    @Test
    void rejectsComposeHashThatIsNotHex() {
        assertInvalid("{\"compose_hash\":\"xyz\"}", "c1", "compose_hash: must be hex characters, optionally prefixed with 0x");
        assertInvalid("{\"compose_hash\":\"0x\"}", "c1", "compose_hash: must be hex characters, optionally prefixed with 0x");
        assertInvalid("{\"compose_hash\":123}", "c1", "compose_hash: must be a string, not a number");
    }

    @Test
    void rejectsEncryptedEnvThatIsNotHex() {
        assertInvalid("{\"compose_hash\":\"" + HASH + "\",\"encrypted_env\":\"not hex\"}", "c1",
                "encrypted_env: must be hex characters, optionally prefixed with 0x, or null");
        assertInvalid("{\"compose_hash\":\"" + HASH + "\",\"encrypted_env\":{}}", "c1",
                "encrypted_env: must be a hex string or null, not an object");
    }

    @Test
    void rejectsEnvKeysThatAreNotVariableNames() {
        assertInvalid("{\"compose_hash\":\"" + HASH + "\",\"env_keys\":[\"OK\",\"1BAD\"]}", "c1",
                "env_keys[1]: must be an environment variable name matching [A-Za-z_][A-Za-z0-9_]*");
        assertInvalid("{\"compose_hash\":\"" + HASH + "\",\"env_keys\":\"A,B\"}", "c1",
                "env_keys: must be a list of environment variable names or null, not a string");
        assertInvalid("{\"compose_hash\":\"" + HASH + "\",\"env_keys\":[1]}", "c1",
                "env_keys[0]: must be a string, not a number");
    }

    @Test
    void rejectsUpdateEnvVarsGivenAsString() {
        assertInvalid("{\"compose_hash\":\"" + HASH + "\",\"update_env_vars\":\"true\"}", "c1",
                "update_env_vars: must be true, false or null (a JSON boolean), not a string");
    }

    @Test
    void rejectsUnknownFieldByNameWithSuggestion() {
        assertInvalid("{\"composeHash\":\"" + HASH + "\"}", "c1",
                "composeHash: is not a known field, did you mean compose_hash? "
                        + "(known: compose_hash, encrypted_env, env_keys, update_env_vars, cvm_id)");
        assertInvalid("{\"compose_hash\":\"" + HASH + "\",\"force\":true}", "c1",
                "force: is not a known field (known: compose_hash, encrypted_env, env_keys, update_env_vars, cvm_id)");
    }

    @Test
    void rejectsBodyThatIsNotAnObject() {
        assertInvalid("[1,2]", "c1", "body: must be a JSON object, not a list");
        assertInvalid("\"x\"", "c1", "body: must be a JSON object, not a string");
    }

    @Test
    void rejectsDuplicateKeysAsInvalidJson() {
        assertThatThrownBy(() -> Json.parse("{\"compose_hash\":\"aa\",\"compose_hash\":\"bb\"}"))
                .isInstanceOf(Json.Malformed.class)
                .hasMessageStartingWith("is not valid JSON (line 1, column ")
                .hasMessageContaining("Duplicate field 'compose_hash'");
    }

    @Test
    void rejectsTrailingContentAsInvalidJson() {
        assertThatThrownBy(() -> Json.parse("{} {}"))
                .isInstanceOf(Json.Malformed.class)
                .hasMessageStartingWith("is not valid JSON");
    }

    @Test
    void boundsEveryStringField() {
        // A 60 KB hash used to be PATCHed, then SNS refused the outcome and DynamoDB the record.
        assertInvalid("{\"compose_hash\":\"" + "a".repeat(60_000) + "\"}", "cvm_1",
                "compose_hash: must be at most 130 characters");
        assertInvalid("{\"compose_hash\":\"" + HASH + "\",\"encrypted_env\":\"" + "b".repeat(256 * 1024 + 1) + "\"}",
                "cvm_1", "encrypted_env: must be at most 262144 characters");
        assertInvalid("{\"compose_hash\":\"" + HASH + "\",\"env_keys\":[" + "\"K\",".repeat(256) + "\"K\"]}", "cvm_1",
                "env_keys: must list at most 256 names");
        assertInvalid("{\"compose_hash\":\"" + HASH + "\",\"env_keys\":[\"" + "K".repeat(257) + "\"]}", "cvm_1",
                "env_keys[0]: must be at most 256 characters");
        assertInvalid("{\"compose_hash\":\"" + HASH + "\"}", "c".repeat(129), "cvm_id: must be at most 128 characters");
    }

    @Test
    void acceptsEachFieldAtItsBound() throws Exception {
        ComposeUpdate update = read("{\"compose_hash\":\"0x" + "a".repeat(128) + "\",\"encrypted_env\":\""
                + "b".repeat(256 * 1024) + "\",\"env_keys\":[" + "\"K\",".repeat(255) + "\"" + "K".repeat(256) + "\"]}",
                "c".repeat(128));
        assertThat(update.composeHash()).hasSize(130);
        assertThat(update.envKeys().orNull()).hasSize(256);
    }

    @Test
    void refusesTimestampOnTheRoutesOtherThanTheHook() {
        assertInvalid("{\"compose_hash\":\"" + HASH + "\",\"timestamp\":1795632000}", "cvm_1",
                "timestamp: is not a known field (known: compose_hash, encrypted_env, env_keys, update_env_vars, cvm_id)");
    }

    @Test
    void theHookReadLeavesTheTimestampOutOfTheUpdate() throws Exception {
        JrsValue body = Json.parse("{\"cvm_id\":\"cvm_1\",\"compose_hash\":\"" + HASH + "\",\"timestamp\":1795632000}");
        assertThat(ComposeUpdateJson.readWithTimestamp(body))
                .isEqualTo(ComposeUpdate.of("cvm_1", HASH, CallerValue.absent(), CallerValue.absent(), CallerValue.absent()));
        assertThat(ComposeUpdateJson.timestamp(body, java.time.Duration.ofSeconds(300))).isEqualTo(1795632000L);
    }

    @Test
    void theHookReadStillNamesAnUnknownFieldWithItsSuggestion() {
        assertThatThrownBy(() -> ComposeUpdateJson.readWithTimestamp(Json.parse(
                "{\"cvm_id\":\"cvm_1\",\"compose_hash\":\"" + HASH + "\",\"Time-Stamp\":1}")))
                .isInstanceOf(InvalidRequest.class)
                .hasMessage("Time-Stamp: is not a known field, did you mean timestamp? (known: compose_hash, encrypted_env,"
                        + " env_keys, update_env_vars, cvm_id, timestamp)");
    }

    @Test
    void aTimestampOfABodyThatIsNoObjectNamesTheBody() {
        assertThatThrownBy(() -> ComposeUpdateJson.timestamp(Json.parse("[1]"), java.time.Duration.ofSeconds(300)))
                .isInstanceOf(InvalidRequest.class)
                .hasMessage("body: must be a JSON object, not a list");
    }
}
