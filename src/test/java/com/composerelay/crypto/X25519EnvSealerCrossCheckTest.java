package com.composerelay.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.core.EnvSealer.Variable;
import com.composerelay.support.EnvDecryption;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import com.composerelay.support.Tags;

/**
 * The relay's sealed env opened by an implementation that is not the JDK's: Python's {@code cryptography}
 * (pinned by scripts/crosscheck-python.sh), through src/test/resources/crosscheck/open_env.py. The Python
 * comes from the system property {@code crosscheck.python} (./run-tests.sh sets it), else from running the
 * script; without it the test fails, it does not skip.
 */
@Tag(Tags.PYTHON)
class X25519EnvSealerCrossCheckTest {
    private static final String OPEN_ENV = "src/test/resources/crosscheck/open_env.py";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private static String python;

    private final X25519EnvSealer sealer = new X25519EnvSealer();

    @BeforeAll
    static void findPython() throws Exception {
        String configured = System.getProperty("crosscheck.python");
        python = configured != null && !configured.isBlank() ? configured : installedByScript();
        if (!Files.isExecutable(Path.of(python))) {
            throw new IllegalStateException("no Python for the cross-check at " + python
                    + " (-Dcrosscheck.python, or what scripts/crosscheck-python.sh printed)");
        }
    }

    @Test
    void pythonOpensTheVectorsReceiversEnv() throws Exception {
        byte[] receiver = HEX.parseHex("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20");
        List<Variable> env = List.of(new Variable("FOO", "bar"));

        assertOpensTo(receiver, sealer.seal(env, "0x07a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c"), env);
    }

    @Test
    void pythonOpensNonAsciiValues() throws Exception {
        byte[] receiver = randomPrivateKey();
        List<Variable> env = List.of(new Variable("GREETING", "héllo wörld"), new Variable("CJK", "秘密の値"),
                new Variable("EMOJI", "🔐✓"), new Variable("EMPTY", ""));

        assertOpensTo(receiver, sealer.seal(env, EnvDecryption.publicKeyHex(receiver)), env);
    }

    @Test
    void pythonOpensAValueWithQuotesBackslashesAndNewlines() throws Exception {
        byte[] receiver = randomPrivateKey();
        List<Variable> env = List.of(new Variable("PEM", "-----BEGIN KEY-----\nabc\r\ndef\n-----END KEY-----\n"),
                new Variable("QUOTED", "say \"hi\" \\ 'there'\t</script>\u0000\u2028"));

        assertOpensTo(receiver, sealer.seal(env, EnvDecryption.publicKeyHex(receiver)), env);
    }

    @Test
    void pythonOpensFiftyVariablesInTheirOrder() throws Exception {
        byte[] receiver = randomPrivateKey();
        List<Variable> env = IntStream.rangeClosed(1, 50)
                .mapToObj(i -> new Variable("VAR_" + (51 - i), "value-" + i + "-" + "x".repeat(i))).toList();

        assertOpensTo(receiver, sealer.seal(env, EnvDecryption.publicKeyHex(receiver)), env);
    }

    @Test
    void pythonOpensASealForAKeyWithItsTopBitSet() throws Exception {
        byte[] receiver = randomPrivateKey();
        byte[] published = HEX.parseHex(EnvDecryption.publicKeyHex(receiver));
        published[31] |= (byte) 0x80;
        List<Variable> env = List.of(new Variable("FOO", "bar"));

        assertOpensTo(receiver, sealer.seal(env, HEX.formatHex(published)), env);
    }

    private static void assertOpensTo(byte[] receiver, String sealed, List<Variable> env) throws Exception {
        String opened = openWithPython(receiver, sealed);

        ArrayNode expected = MAPPER.createArrayNode();
        env.forEach(v -> expected.addObject().put("key", v.key()).put("value", v.value()));
        ObjectNode document = MAPPER.createObjectNode();
        document.set("env", expected);
        JsonNode parsed = MAPPER.readTree(opened);
        assertThat(parsed).isEqualTo(document);
        assertThat(parsed.fieldNames()).toIterable().containsExactly("env");
        assertThat(opened).as("Python's plaintext is the JDK's, byte for byte").isEqualTo(EnvDecryption.open(receiver, sealed));
    }

    private static String openWithPython(byte[] receiver, String sealed) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(python, OPEN_ENV, HEX.formatHex(receiver))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(sealed.getBytes(StandardCharsets.US_ASCII));
        }
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("%s %s finished", python, OPEN_ENV).isTrue();
        assertThat(process.exitValue()).as("exit status of %s %s (its stderr is above)", python, OPEN_ENV).isZero();
        return new String(out, StandardCharsets.UTF_8);
    }

    /** Runs scripts/crosscheck-python.sh (it installs the pinned venv once) and takes the path it prints. */
    private static String installedByScript() throws IOException, InterruptedException {
        Process process = new ProcessBuilder("scripts/crosscheck-python.sh")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!process.waitFor(300, TimeUnit.SECONDS) || process.exitValue() != 0 || out.isEmpty()) {
            throw new IllegalStateException("no Python with cryptography for the cross-check: scripts/crosscheck-python.sh"
                    + " failed (its output is above); it needs python3 (3.9+) with venv and pip able to install"
                    + " cryptography==46.0.5, or pass -Dcrosscheck.python=<a python with it>");
        }
        return out.lines().reduce((first, last) -> last).orElseThrow();
    }

    private static byte[] randomPrivateKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }
}
