package com.composerelay.crypto;

import com.composerelay.core.EnvSealer;
import com.composerelay.json.Json;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.function.Supplier;
import com.composerelay.core.Lazy;
import java.security.interfaces.XECPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals env variables as Phala's SDKs do: an ephemeral X25519 key agreed with the CVM's key, the raw
 * shared secret as the AES-256-GCM key (no KDF), a random 12-byte IV, no AAD.
 */
public final class X25519EnvSealer implements EnvSealer {
    static final String KEY_FORMAT = "env public key: must be 64 hex digits (32 bytes), optionally prefixed with 0x";
    static final String LOW_ORDER = "env public key: a low-order X25519 point (it gives an all-zero shared secret)";

    private static final int KEY_BYTES = 32;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final HexFormat HEX = HexFormat.of();

    private final Supplier<SecureRandom> randomness;

    /**
     * With the JDK's default {@link SecureRandom}, made at the first seal: never at start-up (it would
     * cost the cold start of every request form) and never before a SnapStart snapshot (restored
     * copies of one generator's state must not give the same ephemeral key and IV).
     */
    public X25519EnvSealer() {
        this.randomness = new Lazy<>(SecureRandom::new);
    }

    /** {@code random} gives the ephemeral private key, then the IV, on every seal. */
    public X25519EnvSealer(SecureRandom random) {
        Objects.requireNonNull(random, "random");
        this.randomness = () -> random;
    }

    @Override
    public String seal(List<Variable> variables, String publicKeyHex) throws BadPublicKey {
        PublicKey cvmKey = publicKey(publicKeyHex);
        byte[] plaintext = plaintext(variables);
        byte[] sharedSecret = null;
        try {
            // A generator per seal: KeyPairGenerator is not thread-safe, and getInstance is cheap.
            KeyPairGenerator generator = KeyPairGenerator.getInstance("XDH");
            SecureRandom random = randomness.get();
            generator.initialize(NamedParameterSpec.X25519, random);
            KeyPair ephemeral = generator.generateKeyPair();
            sharedSecret = agree(ephemeral, cvmKey);
            byte[] iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(sharedSecret, "AES"), new GCMParameterSpec(TAG_BITS, iv));
            byte[] sealed = aes.doFinal(plaintext);
            return HEX.formatHex(littleEndian(((XECPublicKey) ephemeral.getPublic()).getU()))
                    + HEX.formatHex(iv) + HEX.formatHex(sealed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot seal with X25519 and AES-GCM", e);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
            if (sharedSecret != null) {
                Arrays.fill(sharedSecret, (byte) 0);
            }
        }
    }

    /** {@code {"env":[{"key":"K","value":"V"},…]}} in UTF-8, the variables in their order. */
    static byte[] plaintext(List<Variable> variables) {
        List<Object> env = variables.stream().<Object>map(v -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("key", Objects.requireNonNull(v.key(), "env variable key"));
            entry.put("value", Objects.requireNonNull(v.value(), () -> "env variable " + v.key() + ": value is null"));
            return entry;
        }).toList();
        return Json.write(Json.object(Map.of("env", env))).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] agree(KeyPair ephemeral, PublicKey cvmKey) throws GeneralSecurityException, BadPublicKey {
        KeyAgreement agreement = KeyAgreement.getInstance("XDH");
        agreement.init(ephemeral.getPrivate());
        try {
            agreement.doPhase(cvmKey, true);
        } catch (InvalidKeyException e) {
            // The JDK refuses a low-order point itself ("Point has small order").
            throw new BadPublicKey(LOW_ORDER);
        }
        byte[] secret = agreement.generateSecret();
        if (isAllZero(secret)) {
            throw new BadPublicKey(LOW_ORDER);
        }
        return secret;
    }

    /** The CVM's key from hex: X25519 encodes u little-endian, and its top bit is ignored (RFC 7748, 5). */
    static PublicKey publicKey(String publicKeyHex) throws BadPublicKey {
        byte[] raw = rawKey(publicKeyHex);
        raw[KEY_BYTES - 1] &= 0x7f;
        BigInteger u = new BigInteger(1, reversed(raw));
        try {
            return KeyFactory.getInstance("XDH").generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, u));
        } catch (InvalidKeySpecException e) {
            throw new BadPublicKey(LOW_ORDER);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no X25519", e);
        }
    }

    private static byte[] rawKey(String publicKeyHex) throws BadPublicKey {
        if (publicKeyHex == null) {
            throw new BadPublicKey(KEY_FORMAT + "; it is missing");
        }
        String digits = publicKeyHex.startsWith("0x") || publicKeyHex.startsWith("0X")
                ? publicKeyHex.substring(2) : publicKeyHex;
        if (digits.length() != 2 * KEY_BYTES) {
            throw new BadPublicKey(KEY_FORMAT + "; it has " + digits.length() + " characters");
        }
        if (!digits.chars().allMatch(HexFormat::isHexDigit)) {
            throw new BadPublicKey(KEY_FORMAT + "; it has a character that is not a hex digit");
        }
        return HEX.parseHex(digits);
    }

    /** u (below 2^255) as X25519's 32 little-endian bytes. */
    private static byte[] littleEndian(BigInteger u) {
        byte[] bigEndian = u.toByteArray();
        byte[] out = new byte[KEY_BYTES];
        for (int i = 0; i < KEY_BYTES && i < bigEndian.length; i++) {
            out[i] = bigEndian[bigEndian.length - 1 - i];
        }
        return out;
    }

    private static byte[] reversed(byte[] bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[bytes.length - 1 - i];
        }
        return out;
    }

    private static boolean isAllZero(byte[] bytes) {
        int any = 0;
        for (byte b : bytes) {
            any |= b;
        }
        return any == 0;
    }
}
