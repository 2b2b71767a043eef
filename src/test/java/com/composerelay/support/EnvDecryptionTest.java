package com.composerelay.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The test-side opener against the vectors Phala's own encryptors made (docs/PHALA-FACTS.md). */
class EnvDecryptionTest {
    /** The receiver of the vectors: the 32 bytes 0x01, 0x02, … 0x20. */
    static final byte[] RECEIVER_PRIVATE = receiverPrivate();
    static final String RECEIVER_PUBLIC = "07a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c";
    // Python dstack-sdk 0.5.4 (its JSON has spaces after separators).
    static final String PYTHON_SDK_VECTOR = "120de3084dfa882af0558e3fe74c2fdc2da4d3ba278376f602abe954067a706de96aee6ac11619085fe07a7c97489bb8686e91442d1b2f07be400ca3b1dca2497eed5bc4ac24f1ddfbe38fcf7590a3355eb63382798b8e9dc38886f2b14465ecbee2a44f5d";
    // JS @phala/cloud 0.2.9.
    static final String JS_SDK_VECTOR = "8b8a658dad094a8e898253a0abd7cb3bc0a377e080d3572848f424b5d0da5359a4ff74a540d9788c898953d6300becc7041d3f049ca1eb211761d286cacc956fc592e3c2eee91d275e6f07a58bcbcb677871b950c2df6455fe018157c683009e40";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void derivesTheVectorsPublicKeyFromItsPrivateKey() throws Exception {
        assertThat(EnvDecryption.publicKeyHex(RECEIVER_PRIVATE)).isEqualTo(RECEIVER_PUBLIC);
    }

    @Test
    void opensThePythonSdksVector() throws Exception {
        String plaintext = EnvDecryption.open(RECEIVER_PRIVATE, PYTHON_SDK_VECTOR);

        assertThat(plaintext).isEqualTo("{\"env\": [{\"key\": \"FOO\", \"value\": \"bar\"}]}");
        assertThat(MAPPER.readTree(plaintext)).isEqualTo(MAPPER.readTree("{\"env\":[{\"key\":\"FOO\",\"value\":\"bar\"}]}"));
    }

    @Test
    void opensTheJsSdksVector() throws Exception {
        String plaintext = EnvDecryption.open(RECEIVER_PRIVATE, JS_SDK_VECTOR);

        assertThat(MAPPER.readTree(plaintext)).isEqualTo(MAPPER.readTree("{\"env\":[{\"key\":\"FOO\",\"value\":\"bar\"}]}"));
    }

    private static byte[] receiverPrivate() {
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i + 1);
        }
        return key;
    }
}
