package com.composerelay.core;

import java.util.List;
import java.util.function.Function;

/**
 * The shared secrets that callers sign requests with, by secret id: one, or a current and a previous
 * one while a secret is rotated.
 */
public interface SigningSecrets {

    /** The secrets as cached. */
    List<String> current(String secretId) throws Unavailable;

    /**
     * The secrets read anew, but at most once a minute per secret, so unsigned traffic cannot turn
     * into Secrets Manager calls; otherwise the cached ones.
     */
    List<String> refreshed(String secretId) throws Unavailable;

    /** The secret could not be read; the message names it and never holds its value. */
    final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    /** No secrets: a relay without signed routes (they are off unless their secret id is configured). */
    static SigningSecrets none() {
        return new SigningSecrets() {
            @Override public List<String> current(String id) throws Unavailable { throw new Unavailable("no signing secrets"); }
            @Override public List<String> refreshed(String id) throws Unavailable { return current(id); }
        };
    }

    /** Checks a request with the cached secrets and, if none matches, once more with fresh ones. */
    default Verdict verify(String secretId, Function<List<String>, Verdict> check) throws Unavailable {
        Verdict verdict = check.apply(current(secretId));
        if (verdict == Verdict.BAD_SIGNATURE) {
            verdict = check.apply(refreshed(secretId));
        }
        return verdict;
    }
}
