package com.composerelay.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.composerelay.core.EnvSealer.BadPublicKey;
import com.composerelay.core.EnvSealer.Variable;
import com.composerelay.support.EnvDecryption;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Sealing as Phala's SDKs do, opened with the JDK on the receiver's side; and every key it refuses. */
class X25519EnvSealerTest {
    // The receiver of Phala's test vectors (docs/PHALA-FACTS.md): private key 0x01 … 0x20.
    private static final byte[] RECEIVER_PRIVATE = HexFormat.of().parseHex(
            "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20");
    private static final String RECEIVER_PUBLIC = "07a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c";
    private static final String KEY_FORMAT = "env public key: must be 64 hex digits (32 bytes), optionally prefixed with 0x";
    private static final String LOW_ORDER = "env public key: a low-order X25519 point (it gives an all-zero shared secret)";

    private final X25519EnvSealer sealer = new X25519EnvSealer();

    @Test
    void sealsWhatTheReceiverOpensToTheExactPlaintext() throws Exception {
        List<Variable> env = List.of(new Variable("FOO", "bar"), new Variable("DB_URL", "postgres://u:p@db/x"));

        String sealed = sealer.seal(env, RECEIVER_PUBLIC);

        String plaintext = "{\"env\":[{\"key\":\"FOO\",\"value\":\"bar\"},{\"key\":\"DB_URL\",\"value\":\"postgres://u:p@db/x\"}]}";
        assertThat(EnvDecryption.open(RECEIVER_PRIVATE, sealed)).isEqualTo(plaintext);
        assertThat(sealed).hasSize(2 * (32 + 12 + plaintext.getBytes(StandardCharsets.UTF_8).length + 16))
                .matches("[0-9a-f]+");
    }

    @Test
    void sealsNoVariablesAsAnEmptyList() throws Exception {
        assertThat(EnvDecryption.open(RECEIVER_PRIVATE, sealer.seal(List.of(), RECEIVER_PUBLIC))).isEqualTo("{\"env\":[]}");
    }

    @Test
    void writesNonAsciiValuesAsUtf8() throws Exception {
        String sealed = sealer.seal(List.of(new Variable("GREETING", "héllo wörld ✓ 🔐")), RECEIVER_PUBLIC);

        String plaintext = "{\"env\":[{\"key\":\"GREETING\",\"value\":\"héllo wörld ✓ 🔐\"}]}";
        assertThat(EnvDecryption.open(RECEIVER_PRIVATE, sealed)).isEqualTo(plaintext);
        assertThat(sealed).hasSize(2 * (32 + 12 + plaintext.getBytes(StandardCharsets.UTF_8).length + 16));
    }

    @Test
    void usesAFreshEphemeralKeyAndIvOnEverySeal() throws Exception {
        List<Variable> env = List.of(new Variable("FOO", "bar"));

        String first = sealer.seal(env, RECEIVER_PUBLIC);
        String second = sealer.seal(env, RECEIVER_PUBLIC);

        assertThat(first.substring(0, 64)).isNotEqualTo(second.substring(0, 64));
        assertThat(first.substring(64, 88)).isNotEqualTo(second.substring(64, 88));
        assertThat(EnvDecryption.open(RECEIVER_PRIVATE, first)).isEqualTo(EnvDecryption.open(RECEIVER_PRIVATE, second));
    }

    /**
     * With the ephemeral private key 0xa0 … 0xbf and the IV 0xc0 … 0xcb from the random source, the exact bytes
     * Python's cryptography 46.0.5 gives for the same inputs (X25519PrivateKey.from_private_bytes, exchange,
     * AESGCM(shared).encrypt(iv, plaintext, None)).
     */
    @Test
    void givesTheBytesAnotherImplementationGivesForTheSameRandomness() throws Exception {
        X25519EnvSealer scripted = new X25519EnvSealer(new ScriptedRandom(0xa0));

        assertThat(scripted.seal(List.of(new Variable("FOO", "bar")), RECEIVER_PUBLIC)).isEqualTo(
                "605a725d2a4adfeeb1a29e17edd621c1b7593ee8cdbc44ac6c4ab6e2f805d23c" // ephemeral public key
                        + "c0c1c2c3c4c5c6c7c8c9cacb" // iv
                        + "0e7c0e33ef78253ac594ff53081394791821592714241142061d5c95c691637a0132b3ab15" // ciphertext
                        + "d4368dc792a39924cb1c472de0b695e7"); // tag
    }

    @Test
    void acceptsAKeyPrefixedWith0xInEitherCase() throws Exception {
        List<Variable> env = List.of(new Variable("FOO", "bar"));

        assertThat(EnvDecryption.open(RECEIVER_PRIVATE, sealer.seal(env, "0x" + RECEIVER_PUBLIC)))
                .isEqualTo("{\"env\":[{\"key\":\"FOO\",\"value\":\"bar\"}]}");
        assertThat(EnvDecryption.open(RECEIVER_PRIVATE, sealer.seal(env, "0X" + RECEIVER_PUBLIC.toUpperCase())))
                .isEqualTo("{\"env\":[{\"key\":\"FOO\",\"value\":\"bar\"}]}");
    }

    @Test
    void ignoresTheTopBitOfTheKeyAsRfc7748Says() throws Exception {
        // 0x7c is the last byte of the receiver's key; 0xfc is the same u with the top bit set.
        String topBitSet = RECEIVER_PUBLIC.substring(0, 62) + "fc";

        assertThat(EnvDecryption.open(RECEIVER_PRIVATE, sealer.seal(List.of(new Variable("FOO", "bar")), topBitSet)))
                .isEqualTo("{\"env\":[{\"key\":\"FOO\",\"value\":\"bar\"}]}");
    }

    @Test
    void refusesAKeyTooShort() {
        assertThatThrownBy(() -> sealer.seal(List.of(), RECEIVER_PUBLIC.substring(2)))
                .isInstanceOf(BadPublicKey.class).hasMessage(KEY_FORMAT + "; it has 62 characters");
    }

    @Test
    void refusesAKeyTooLong() {
        assertThatThrownBy(() -> sealer.seal(List.of(), "0x" + RECEIVER_PUBLIC + "00"))
                .isInstanceOf(BadPublicKey.class).hasMessage(KEY_FORMAT + "; it has 66 characters");
    }

    @Test
    void refusesAKeyThatIsNotHex() {
        assertThatThrownBy(() -> sealer.seal(List.of(), RECEIVER_PUBLIC.substring(0, 63) + "g"))
                .isInstanceOf(BadPublicKey.class)
                .hasMessage(KEY_FORMAT + "; it has a character that is not a hex digit");
    }

    @Test
    void refusesAMissingKey() {
        assertThatThrownBy(() -> sealer.seal(List.of(), null))
                .isInstanceOf(BadPublicKey.class).hasMessage(KEY_FORMAT + "; it is missing");
    }

    /** All zeros, and the other points of small order (libsodium's list), each giving an all-zero secret. */
    @ParameterizedTest
    @ValueSource(strings = {
            "0000000000000000000000000000000000000000000000000000000000000000", // u = 0
            "0000000000000000000000000000000000000000000000000000000000000080", // u = 0 once the top bit is masked
            "0100000000000000000000000000000000000000000000000000000000000000", // u = 1
            "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800", // order 8
            "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157", // order 8
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p - 1
            "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p, that is 0
            "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"}) // p + 1, that is 1
    void refusesALowOrderPoint(String key) {
        assertThatThrownBy(() -> sealer.seal(List.of(new Variable("FOO", "bar")), key))
                .isInstanceOf(BadPublicKey.class).hasMessage(LOW_ORDER);
    }

    @Test
    void aVariableNeverShowsItsValue() {
        assertThat(new Variable("DB_PASSWORD", "hunter2").toString()).isEqualTo("Variable[key=DB_PASSWORD, value=(hidden)]");
    }

    /** Counts up from a first byte: the ephemeral private key, then the IV. */
    private static final class ScriptedRandom extends SecureRandom {
        private int next;

        ScriptedRandom(int first) {
            this.next = first;
        }

        @Override
        public void nextBytes(byte[] bytes) {
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) next++;
            }
        }
    }
}
