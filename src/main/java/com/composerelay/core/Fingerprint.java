package com.composerelay.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A SHA-256 over everything a compose update sends to Phala: equal updates have equal prints. It is
 * the idempotency key of a request that brings none, and tells a reused key from a replay.
 */
public final class Fingerprint {
    private Fingerprint() {}

    public static String of(ComposeUpdate update) {
        StringBuilder text = new StringBuilder();
        field(text, update.cvmId());
        field(text, update.composeHash());
        setting(text, update.encryptedEnv());
        if (update.envKeys() instanceof CallerValue.Given<List<String>>(List<String> keys)) {
            text.append("G");
            if (keys == null) {
                text.append("N");
            } else {
                text.append(keys.size()).append(':');
                keys.forEach(k -> field(text, k));
            }
        } else {
            text.append("A");
        }
        setting(text, update.updateEnvVars());
        return sha256Hex(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The same for a whole update: the CVM, the app compose as sent, each env source, and the watch. */
    public static String of(WholeUpdate update) {
        StringBuilder text = new StringBuilder("whole:");
        field(text, update.cvmId());
        field(text, update.appCompose().json());
        text.append(update.env().size()).append(':');
        update.env().forEach((name, value) -> {
            field(text, name);
            switch (value) {
                case EnvValue.Literal literal -> {
                    text.append('L');
                    field(text, literal.value());
                }
                case EnvValue.FromSecret ref -> {
                    text.append('S');
                    field(text, ref.secretId());
                    field(text, ref.jsonKey() == null ? "" : ref.jsonKey());
                    text.append(ref.jsonKey() == null ? 'N' : 'K');
                }
            }
        });
        text.append(update.watch() ? 'W' : 'w');
        return sha256Hex(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Lower-case hex SHA-256 of any bytes. */
    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256(bytes));
    }

    /** SHA-256 of any bytes. */
    public static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Length-prefixed, so that no two different updates give the same text. */
    private static void field(StringBuilder text, String value) {
        text.append(value.length()).append(':').append(value);
    }

    private static void setting(StringBuilder text, CallerValue<?> setting) {
        switch (setting) {
            case CallerValue.Absent<?> a -> text.append("A");
            case CallerValue.Given<?>(Object value) when value == null -> text.append("GN");
            case CallerValue.Given<?>(Object value) -> {
                text.append("G");
                field(text, String.valueOf(value));
            }
        }
    }
}
