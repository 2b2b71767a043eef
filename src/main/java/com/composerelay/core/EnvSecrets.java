package com.composerelay.core;

/** Reads the secrets that env values come from (Secrets Manager in the deployed relay). */
public interface EnvSecrets {

    /** The secret's string, or with {@code jsonKey} (else null) that field of its JSON object, as a string. */
    String read(String secretId, String jsonKey) throws Missing, Unavailable;

    /** The secret does not exist, holds no string, or may not be read: final, named, never retried. */
    final class Missing extends Exception {
        public Missing(String message) {
            super(message, null, false, false);
        }
    }

    /** The store could not answer now (throttled, timed out): worth a later retry. */
    final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    /** No store: every read is refused. */
    static EnvSecrets none() {
        return (secretId, jsonKey) -> {
            throw new Missing("no secret store is configured");
        };
    }
}
