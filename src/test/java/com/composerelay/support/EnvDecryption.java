package com.composerelay.support;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** Opens an encrypted_env as the CVM does, with the JDK: the receiver's raw X25519 private key and the sealed hex. */
public final class EnvDecryption {
    private static final HexFormat HEX = HexFormat.of();
    private static final BigInteger BASE_POINT = BigInteger.valueOf(9);

    private EnvDecryption() {}

    /** The plaintext of {@code ephemeral public (32) || iv (12) || ciphertext || tag (16)}, as UTF-8. */
    public static String open(byte[] receiverPrivateKey, String sealedHex) throws GeneralSecurityException {
        byte[] sealed = HEX.parseHex(sealedHex);
        byte[] shared = agree(receiverPrivateKey, Arrays.copyOfRange(sealed, 0, 32));
        Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
        aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(shared, "AES"),
                new GCMParameterSpec(128, Arrays.copyOfRange(sealed, 32, 44)));
        return new String(aes.doFinal(sealed, 44, sealed.length - 44), StandardCharsets.UTF_8);
    }

    /** The X25519 public key of a raw private key, as lowercase hex: the agreement with the base point u = 9. */
    public static String publicKeyHex(byte[] privateKey) throws GeneralSecurityException {
        return HEX.formatHex(agree(privateKey, uBytes(BASE_POINT)));
    }

    private static byte[] agree(byte[] privateKey, byte[] publicKeyLittleEndian) throws GeneralSecurityException {
        KeyFactory keys = KeyFactory.getInstance("XDH");
        PrivateKey mine = keys.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, privateKey));
        byte[] bigEndian = reversed(publicKeyLittleEndian);
        bigEndian[0] &= 0x7f;
        PublicKey theirs = keys.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, bigEndian)));
        KeyAgreement agreement = KeyAgreement.getInstance("XDH");
        agreement.init(mine);
        agreement.doPhase(theirs, true);
        return agreement.generateSecret();
    }

    private static byte[] uBytes(BigInteger u) {
        byte[] bigEndian = u.toByteArray();
        byte[] padded = new byte[32];
        System.arraycopy(bigEndian, 0, padded, 32 - bigEndian.length, bigEndian.length);
        return reversed(padded);
    }

    private static byte[] reversed(byte[] bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[bytes.length - 1 - i];
        }
        return out;
    }
}
