package com.composerelay.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A valid whole update of one CVM: provision {@code appCompose}, seal {@code env} for the CVM, commit,
 * and watch it to the end when {@code watch} (the request's {@code wait}). {@code env} keeps the caller's order; empty means the
 * update leaves the CVM's environment as it is.
 */
public record WholeUpdate(String cvmId, AppCompose appCompose, Map<String, EnvValue> env, boolean watch) {
    /** At most this many variables; names and their outcome stay well inside one SNS message. */
    public static final int MAX_ENV = 128;
    public static final int MAX_ENV_NAME = 128;
    /** A literal value's longest length, in characters. */
    public static final int MAX_LITERAL = 64 * 1024;
    /** Secrets Manager's own bound on a secret id (a name; an ARN is refused). */
    public static final int MAX_SECRET_ID = 512;
    public static final int MAX_JSON_KEY = 256;
    /** The sealed plaintext's bound: Phala's encrypted_env stays within ComposeUpdate's 128 KiB. */
    public static final int MAX_ENV_BYTES = ComposeUpdate.MAX_ENCRYPTED_ENV_LENGTH / 2 - 60;

    public WholeUpdate {
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    }
}
