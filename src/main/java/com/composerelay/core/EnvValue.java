package com.composerelay.core;

/** Where one environment variable of a whole update takes its value from. */
public sealed interface EnvValue {

    /** The value itself, given in the request (not secret: it travels in the request anyway). */
    record Literal(String value) implements EnvValue {
        @Override
        public String toString() {
            return "Literal[(hidden)]";
        }
    }

    /** A Secrets Manager secret's string, or one field of its JSON object when {@code jsonKey} is set. */
    record FromSecret(String secretId, String jsonKey) implements EnvValue {}
}
