package com.composerelay.core;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A valid compose update for one CVM: once one exists, every field obeys the rules of Phala's
 * {@code PATCH /api/v1/cvms/{cvm_id}/compose_file}. Optional fields keep whether the caller set them.
 */
public record ComposeUpdate(
        String cvmId,
        String composeHash,
        CallerValue<String> encryptedEnv,
        CallerValue<List<String>> envKeys,
        CallerValue<Boolean> updateEnvVars) {

    public static final int MAX_CVM_ID_LENGTH = 128;
    /** {@code 0x} and 128 hex digits: longer than any hash Phala makes (64 hex digits). */
    public static final int MAX_COMPOSE_HASH_LENGTH = 130;
    /** 256 KiB of hex, 128 KiB of encrypted environment. */
    public static final int MAX_ENCRYPTED_ENV_LENGTH = 256 * 1024;
    public static final int MAX_ENV_KEYS = 256;
    public static final int MAX_ENV_KEY_LENGTH = 256;
    private static final Pattern HEX = Pattern.compile("(0x)?[0-9a-fA-F]+");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public ComposeUpdate {
        Objects.requireNonNull(encryptedEnv);
        Objects.requireNonNull(envKeys);
        Objects.requireNonNull(updateEnvVars);
        envKeys = envKeys.orNull() == null ? envKeys : CallerValue.given(List.copyOf(envKeys.orNull()));
    }

    /** Checks every rule and builds the update, or names the first field that breaks one. */
    public static ComposeUpdate of(
            String cvmId,
            String composeHash,
            CallerValue<String> encryptedEnv,
            CallerValue<List<String>> envKeys,
            CallerValue<Boolean> updateEnvVars) throws InvalidRequest {
        checkCvmId(cvmId);
        if (composeHash == null) {
            throw new InvalidRequest("compose_hash", "is required");
        }
        if (composeHash.length() > MAX_COMPOSE_HASH_LENGTH) {
            throw new InvalidRequest("compose_hash", "must be at most " + MAX_COMPOSE_HASH_LENGTH + " characters");
        }
        if (!HEX.matcher(composeHash).matches()) {
            throw new InvalidRequest("compose_hash", "must be hex characters, optionally prefixed with 0x");
        }
        String env = encryptedEnv.orNull();
        if (env != null && env.length() > MAX_ENCRYPTED_ENV_LENGTH) {
            throw new InvalidRequest("encrypted_env", "must be at most " + MAX_ENCRYPTED_ENV_LENGTH + " characters");
        }
        if (env != null && !HEX.matcher(env).matches()) {
            throw new InvalidRequest("encrypted_env", "must be hex characters, optionally prefixed with 0x, or null");
        }
        List<String> keys = envKeys.orNull();
        if (keys != null) {
            if (keys.size() > MAX_ENV_KEYS) {
                throw new InvalidRequest("env_keys", "must list at most " + MAX_ENV_KEYS + " names");
            }
            for (int i = 0; i < keys.size(); i++) {
                String key = keys.get(i);
                if (key != null && key.length() > MAX_ENV_KEY_LENGTH) {
                    throw new InvalidRequest("env_keys[" + i + "]", "must be at most " + MAX_ENV_KEY_LENGTH + " characters");
                }
                if (key == null || !ENV_NAME.matcher(key).matches()) {
                    throw new InvalidRequest("env_keys[" + i + "]",
                            "must be an environment variable name matching [A-Za-z_][A-Za-z0-9_]*");
                }
            }
        }
        return new ComposeUpdate(cvmId, composeHash, encryptedEnv, envKeys, updateEnvVars);
    }

    /** An environment variable name: {@code [A-Za-z_][A-Za-z0-9_]*}. */
    public static boolean isEnvName(String name) {
        return name != null && ENV_NAME.matcher(name).matches();
    }

    /**
     * A cvm_id is one URL path segment: it may never add, climb or end path segments. It is also
     * well-formed UTF-16 (a lone surrogate would reach Phala as {@code ?}) and holds nothing invisible
     * (Unicode format characters: zero-width, bidi controls), since chat messages show it.
     */
    public static void checkCvmId(String cvmId) throws InvalidRequest {
        if (cvmId == null || cvmId.isEmpty()) {
            throw new InvalidRequest("cvm_id", "is required");
        }
        if (cvmId.length() > MAX_CVM_ID_LENGTH) {
            throw new InvalidRequest("cvm_id", "must be at most " + MAX_CVM_ID_LENGTH + " characters");
        }
        if (cvmId.equals(".") || cvmId.equals("..")) {
            throw new InvalidRequest("cvm_id", "must not be '.' or '..'");
        }
        for (int i = 0; i < cvmId.length(); i++) {
            char c = cvmId.charAt(i);
            switch (c) {
                case '/', '\\', '?', '#', '%' ->
                    throw new InvalidRequest("cvm_id", "must not contain '" + c + "'");
                default -> {
                    if (Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c)) {
                        throw new InvalidRequest("cvm_id", "must not contain whitespace or control characters");
                    }
                    int codePoint = cvmId.codePointAt(i);
                    if (Character.isSurrogate(c) && Character.isBmpCodePoint(codePoint)) {
                        throw new InvalidRequest("cvm_id", "must be well-formed UTF-16, without an unpaired surrogate (found "
                                + unicode(c) + ")");
                    }
                    if (Character.getType(codePoint) == Character.FORMAT) {
                        throw new InvalidRequest("cvm_id", "must not contain invisible format characters "
                                + "(Unicode category Cf: zero-width, bidi controls; found " + unicode(codePoint) + ")");
                    }
                    i += Character.charCount(codePoint) - 1;
                }
            }
        }
    }

    private static String unicode(int codePoint) {
        return String.format("U+%04X", codePoint);
    }
}
