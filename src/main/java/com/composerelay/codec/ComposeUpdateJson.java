package com.composerelay.codec;

import com.composerelay.core.CallerValue;
import com.composerelay.core.ComposeUpdate;
import com.composerelay.core.InvalidRequest;
import com.composerelay.json.Json;
import com.fasterxml.jackson.jr.stree.JrsObject;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a compose update from the JSON body callers send: exactly Phala's body, plus {@code cvm_id}
 * where the trigger has no path. Every field is type-checked; an unknown field is an error by name.
 */
public final class ComposeUpdateJson {
    public static final String CVM_ID = "cvm_id";
    public static final String COMPOSE_HASH = "compose_hash";
    public static final String ENCRYPTED_ENV = "encrypted_env";
    public static final String ENV_KEYS = "env_keys";
    public static final String UPDATE_ENV_VARS = "update_env_vars";
    /** The CI hook's signed time of sending: read by {@link #timestamp}, never part of the update. */
    public static final String TIMESTAMP = "timestamp";
    private static final List<String> KNOWN = List.of(COMPOSE_HASH, ENCRYPTED_ENV, ENV_KEYS, UPDATE_ENV_VARS, CVM_ID);
    private static final List<String> KNOWN_WITH_TIMESTAMP = List.of(COMPOSE_HASH, ENCRYPTED_ENV, ENV_KEYS,
            UPDATE_ENV_VARS, CVM_ID, TIMESTAMP);
    /** 9999-12-31T23:59:59Z: anything later is no clock's reading. */
    private static final long LATEST_UNIX_SECONDS = 253_402_300_799L;

    private ComposeUpdateJson() {}

    /**
     * @param body the parsed body
     * @param pathCvmId the {@code cvm_id} of the URL path, or {@code null} when the body must carry it
     */
    public static ComposeUpdate read(JrsValue body, String pathCvmId) throws InvalidRequest {
        return read(body, pathCvmId, KNOWN);
    }

    /**
     * The CI hook's body: as {@link #read(JrsValue, String)} with {@code cvm_id} in the body, but
     * {@code timestamp} is also allowed. It is left out of the update, so Phala never receives it.
     */
    public static ComposeUpdate readWithTimestamp(JrsValue body) throws InvalidRequest {
        return read(body, null, KNOWN_WITH_TIMESTAMP);
    }

    /**
     * The body's {@code timestamp}: unix seconds, a JSON integer from 0 to the year 9999. Whether it
     * is recent is the caller's rule; {@code window} only words the error.
     */
    public static long timestamp(JrsValue body, Duration window) throws InvalidRequest {
        if (!body.isObject()) {
            throw new InvalidRequest("body", "must be a JSON object, not " + kind(body));
        }
        JrsValue node = body.get(TIMESTAMP);
        if (node == null || node.isNull()) {
            throw new InvalidRequest(TIMESTAMP, "is required: unix seconds (a JSON integer) of when the request was sent,"
                    + " within " + window.toSeconds() + " s of now");
        }
        if (!node.isNumber()) {
            throw new InvalidRequest(TIMESTAMP, "must be unix seconds as a JSON integer, not " + kind(node));
        }
        java.lang.Number number = Json.number(node);
        if (!(number instanceof Integer || number instanceof Long || number instanceof BigInteger)) {
            throw new InvalidRequest(TIMESTAMP, "must be unix seconds as a JSON integer, without a fraction or exponent");
        }
        if (number instanceof BigInteger || number.longValue() < 0 || number.longValue() > LATEST_UNIX_SECONDS) {
            throw new InvalidRequest(TIMESTAMP, "must be unix seconds from 0 to " + LATEST_UNIX_SECONDS);
        }
        return number.longValue();
    }

    private static ComposeUpdate read(JrsValue body, String pathCvmId, List<String> known) throws InvalidRequest {
        if (!body.isObject()) {
            throw new InvalidRequest("body", "must be a JSON object, not " + kind(body));
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new InvalidRequest(printable(name), "is not a known field" + suggestion(name, known)
                        + " (known: " + String.join(", ", known) + ")");
            }
        }
        String cvmId = cvmId(body, pathCvmId);
        JrsValue hash = body.get(COMPOSE_HASH);
        if (hash == null || hash.isNull()) {
            throw new InvalidRequest(COMPOSE_HASH, "is required");
        }
        if (!Json.isText(hash)) {
            throw new InvalidRequest(COMPOSE_HASH, "must be a string, not " + kind(hash));
        }
        return ComposeUpdate.of(cvmId, Json.text(hash), encryptedEnv(body), envKeys(body), updateEnvVars(body));
    }

    /** The request's {@code cvm_id}: the path's (the body's, if any, must equal it), else the body's. */
    static String cvmId(JrsValue body, String pathCvmId) throws InvalidRequest {
        JrsValue inBody = body.get(CVM_ID);
        if (pathCvmId != null) {
            ComposeUpdate.checkCvmId(pathCvmId);
            if (inBody != null && !(Json.isText(inBody) && Json.text(inBody).equals(pathCvmId))) {
                throw new InvalidRequest(CVM_ID, "in the body must equal the cvm_id of the path, or be left out");
            }
            return pathCvmId;
        }
        if (inBody == null || inBody.isNull()) {
            throw new InvalidRequest(CVM_ID, "is required");
        }
        if (!Json.isText(inBody)) {
            throw new InvalidRequest(CVM_ID, "must be a string, not " + kind(inBody));
        }
        ComposeUpdate.checkCvmId(Json.text(inBody));
        return Json.text(inBody);
    }

    /** Reads a field's non-null value; throws naming the field when it has the wrong type. */
    @FunctionalInterface
    private interface FieldReader<T> {
        T read(JrsValue node) throws InvalidRequest;
    }

    /** An optional field: absent when missing, given as null when JSON null, else read. */
    private static <T> CallerValue<T> setting(JrsValue body, String field, FieldReader<T> reader) throws InvalidRequest {
        JrsValue node = body.get(field);
        if (node == null) {
            return CallerValue.absent();
        }
        return CallerValue.given(node.isNull() ? null : reader.read(node));
    }

    private static CallerValue<String> encryptedEnv(JrsValue body) throws InvalidRequest {
        return setting(body, ENCRYPTED_ENV, node -> {
            if (!Json.isText(node)) {
                throw new InvalidRequest(ENCRYPTED_ENV, "must be a hex string or null, not " + kind(node));
            }
            return Json.text(node);
        });
    }

    private static CallerValue<List<String>> envKeys(JrsValue body) throws InvalidRequest {
        return setting(body, ENV_KEYS, node -> {
            if (!node.isArray()) {
                throw new InvalidRequest(ENV_KEYS, "must be a list of environment variable names or null, not " + kind(node));
            }
            List<String> keys = new ArrayList<>(node.size());
            for (int i = 0; i < node.size(); i++) {
                JrsValue key = node.get(i);
                if (!Json.isText(key)) {
                    throw new InvalidRequest(ENV_KEYS + "[" + i + "]", "must be a string, not " + kind(key));
                }
                keys.add(Json.text(key));
            }
            return keys;
        });
    }

    private static CallerValue<Boolean> updateEnvVars(JrsValue body) throws InvalidRequest {
        return setting(body, UPDATE_ENV_VARS, node -> {
            if (!Json.isBoolean(node)) {
                throw new InvalidRequest(UPDATE_ENV_VARS, "must be true, false or null (a JSON boolean), not " + kind(node));
            }
            return Json.isTrue(node);
        });
    }

    /** The body Phala receives: {@code compose_hash} and every optional field the caller set. */
    public static String write(ComposeUpdate update) {
        return Json.write(tree(update));
    }

    /** {@link #write} as a tree: what the PATCH carries, and (with {@code cvm_id}) a request queue message. */
    public static JrsObject tree(ComposeUpdate update) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(COMPOSE_HASH, update.composeHash());
        if (update.encryptedEnv().isGiven()) {
            body.put(ENCRYPTED_ENV, update.encryptedEnv().orNull());
        }
        if (update.envKeys().isGiven()) {
            List<String> keys = update.envKeys().orNull();
            if (keys == null) {
                body.put(ENV_KEYS, null);
            } else {
                body.put(ENV_KEYS, List.copyOf(keys));
            }
        }
        if (update.updateEnvVars() instanceof CallerValue.Given<Boolean>(Boolean value)) {
            body.put(UPDATE_ENV_VARS, value);
        }
        return Json.object(body);
    }

    /** The body's cvm_id when it obeys the rules, else null: what an invalid request's outcome may carry. */
    public static String validCvmId(JrsValue body) {
        JrsValue id = body == null ? null : body.get(CVM_ID);
        if (id == null || !Json.isText(id)) {
            return null;
        }
        try {
            ComposeUpdate.checkCvmId(Json.text(id));
            return Json.text(id);
        } catch (InvalidRequest e) {
            return null;
        }
    }

    /** The body's compose_hash when it is short hex, else null: what an invalid request's outcome may carry. */
    public static String validComposeHash(JrsValue body) {
        JrsValue hash = body == null ? null : body.get(COMPOSE_HASH);
        if (hash == null || !Json.isText(hash) || Json.text(hash).length() > ComposeUpdate.MAX_COMPOSE_HASH_LENGTH
                || !Json.text(hash).matches("(0x)?[0-9a-fA-F]+")) {
            return null;
        }
        return Json.text(hash);
    }

    /** Names a JSON value's kind for an error message, without echoing the value. */
    static String kind(JrsValue node) {
        return switch (Json.kind(node)) {
            case "STRING" -> "a string";
            case "NUMBER" -> "a number";
            case "BOOLEAN" -> "a boolean";
            case "ARRAY" -> "a list";
            case "OBJECT" -> "an object";
            case "NULL" -> "null";
            default -> "a " + Json.kind(node).toLowerCase(Locale.ROOT);
        };
    }

    private static String suggestion(String name, List<String> knownFields) {
        String folded = fold(name);
        for (String known : knownFields) {
            if (fold(known).equals(folded)) {
                return ", did you mean " + known + "?";
            }
        }
        return "";
    }

    private static String fold(String name) {
        return name.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
    }

    /** A field name fit to quote in a message: control characters escaped, length bounded. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < 64; i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return text.length() > 64 || out.length() >= 64 ? out + "..." : out.toString();
    }
}
