package com.composerelay.core;

import java.util.List;

/**
 * Seals environment variables for one CVM, as Phala's SDKs do, so that only the CVM can read them:
 * the hex string Phala takes as {@code encrypted_env}.
 */
public interface EnvSealer {

    /** One variable; its value is secret and never leaves the sealer in plaintext. */
    record Variable(String key, String value) {
        @Override
        public String toString() {
            return "Variable[key=" + key + ", value=(hidden)]";
        }
    }

    /**
     * Seals {@code variables} (every one of them, in this order) for the CVM whose X25519 env public
     * key is {@code publicKeyHex} (64 hex digits, optionally prefixed with {@code 0x}).
     *
     * @return lowercase hex of {@code ephemeral public key (32) || iv (12) || ciphertext || tag (16)}
     * @throws BadPublicKey when the key is not 32 bytes of hex, or is a key X25519 refuses
     */
    String seal(List<Variable> variables, String publicKeyHex) throws BadPublicKey;

    /** The CVM's env public key cannot be used; the message names what is wrong, never a value. */
    final class BadPublicKey extends Exception {
        public BadPublicKey(String message) {
            super(message, null, false, false);
        }
    }
}
