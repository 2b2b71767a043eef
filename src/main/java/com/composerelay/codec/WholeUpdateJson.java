package com.composerelay.codec;

import com.composerelay.core.AppCompose;
import com.composerelay.core.ComposeUpdate;
import com.composerelay.core.EnvValue;
import com.composerelay.core.InvalidRequest;
import com.composerelay.core.WholeUpdate;
import com.composerelay.json.Json;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the whole-update form: {@code app_compose} (required), {@code env} and {@code wait}, plus
 * {@code cvm_id} where the trigger has no path. Every field is type-checked and bounded; an
 * unknown top-level field is an error by name; the app compose's unknown fields pass through to Phala.
 */
public final class WholeUpdateJson {
    public static final String APP_COMPOSE = "app_compose";
    public static final String ENV = "env";
    public static final String WAIT = "wait";
    private static final List<String> KNOWN = List.of(APP_COMPOSE, ENV, WAIT, ComposeUpdateJson.CVM_ID);
    /** The app compose as written, compose file and script included: Phala takes 200 KB of those two. */
    private static final int MAX_APP_COMPOSE_CHARS = 256 * 1024;
    private static final int MAX_ALLOWED_ENVS = 256;
    private static final Set<String> BOOLEAN_FIELDS = Set.of("kms_enabled", "public_logs", "public_sysinfo",
            "public_tcbinfo", "tproxy_enabled", "gateway_enabled", "secure_time");
    private static final Set<String> STRING_FIELDS = Set.of("env_pubkey", "salt");

    private WholeUpdateJson() {}

    /**
     * @param pathCvmId the {@code cvm_id} of the URL path, or {@code null} when the body must carry it
     */
    public static WholeUpdate read(JrsValue body, String pathCvmId) throws InvalidRequest {
        if (!body.isObject()) {
            throw new InvalidRequest("body", "must be a JSON object, not " + ComposeUpdateJson.kind(body));
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KNOWN.contains(name)) {
                throw new InvalidRequest(ComposeUpdateJson.printable(name), "is not a known field of a whole update"
                        + " (known: " + String.join(", ", KNOWN) + ")");
            }
        }
        String cvmId = ComposeUpdateJson.cvmId(body, pathCvmId);
        AppCompose compose = appCompose(body.get(APP_COMPOSE));
        Map<String, EnvValue> env = env(body.get(ENV));
        JrsValue wait = body.get(WAIT);
        if (wait != null && !wait.isNull() && !Json.isBoolean(wait)) {
            throw new InvalidRequest(WAIT, "must be true or false, not " + ComposeUpdateJson.kind(wait));
        }
        return new WholeUpdate(cvmId, compose, env, wait != null && Json.isTrue(wait));
    }

    /**
     * Reads and checks an {@code app_compose} object (required): the whole update's and the rollout's
     * ({@link RolloutJson}) alike. Errors name {@code app_compose} and its fields.
     */
    static AppCompose appCompose(JrsValue node) throws InvalidRequest {
        if (node == null || node.isNull()) {
            throw new InvalidRequest(APP_COMPOSE, "is required: an object with docker_compose_file");
        }
        if (!node.isObject()) {
            throw new InvalidRequest(APP_COMPOSE, "must be an object, not " + ComposeUpdateJson.kind(node));
        }
        JrsValue file = node.get("docker_compose_file");
        if (file == null || file.isNull()) {
            throw new InvalidRequest(APP_COMPOSE + ".docker_compose_file", "is required: the docker-compose YAML as a string");
        }
        if (!Json.isText(file)) {
            throw new InvalidRequest(APP_COMPOSE + ".docker_compose_file", "must be a string, not " + ComposeUpdateJson.kind(file));
        }
        if (Json.text(file).isBlank()) {
            throw new InvalidRequest(APP_COMPOSE + ".docker_compose_file", "must not be empty");
        }
        int bytes = Json.text(file).getBytes(StandardCharsets.UTF_8).length;
        JrsValue script = node.get("pre_launch_script");
        if (script != null && !script.isNull()) {
            if (!Json.isText(script)) {
                throw new InvalidRequest(APP_COMPOSE + ".pre_launch_script", "must be a string, not " + ComposeUpdateJson.kind(script));
            }
            bytes += Json.text(script).getBytes(StandardCharsets.UTF_8).length;
        }
        if (bytes > AppCompose.MAX_COMPOSE_BYTES) {
            throw new InvalidRequest(APP_COMPOSE + ".docker_compose_file", "with pre_launch_script must be at most "
                    + AppCompose.MAX_COMPOSE_BYTES + " bytes (Phala's limit), not " + bytes);
        }
        JrsValue name = node.get("name");
        if (name != null && !name.isNull()) {
            if (!Json.isText(name)) {
                throw new InvalidRequest(APP_COMPOSE + ".name", "must be a string, not " + ComposeUpdateJson.kind(name));
            }
            if (Json.text(name).isBlank() || Json.text(name).length() > 256) {
                throw new InvalidRequest(APP_COMPOSE + ".name", "must be 1 to 256 characters");
            }
        }
        if (node.get("update_env_vars") != null) {
            throw new InvalidRequest(APP_COMPOSE + ".update_env_vars", "is set by the relay (true when env is given); leave it out");
        }
        for (String field : BOOLEAN_FIELDS) {
            JrsValue value = node.get(field);
            if (value != null && !value.isNull() && !Json.isBoolean(value)) {
                throw new InvalidRequest(APP_COMPOSE + "." + field, "must be true or false, not " + ComposeUpdateJson.kind(value));
            }
        }
        for (String field : STRING_FIELDS) {
            JrsValue value = node.get(field);
            if (value != null && !value.isNull() && !Json.isText(value)) {
                throw new InvalidRequest(APP_COMPOSE + "." + field, "must be a string, not " + ComposeUpdateJson.kind(value));
            }
        }
        JrsValue storage = node.get("storage_fs");
        if (storage != null && !storage.isNull() && !(Json.isText(storage)
                && (Json.text(storage).equals("ext4") || Json.text(storage).equals("zfs")))) {
            throw new InvalidRequest(APP_COMPOSE + ".storage_fs", "must be \"ext4\" or \"zfs\"");
        }
        JrsValue manifest = node.get("manifest_version");
        if (manifest != null && !manifest.isNull()) {
            Number n = manifest.isNumber() ? Json.number(manifest) : null;
            if (!(n instanceof Integer || n instanceof Long || n instanceof BigInteger) || n instanceof BigInteger
                    || n.longValue() < 0 || n.longValue() > Integer.MAX_VALUE) {
                throw new InvalidRequest(APP_COMPOSE + ".manifest_version", "must be a whole number");
            }
        }
        JrsValue features = node.get("features");
        if (features != null && !features.isNull()) {
            if (!features.isArray()) {
                throw new InvalidRequest(APP_COMPOSE + ".features", "must be a list of strings, not " + ComposeUpdateJson.kind(features));
            }
            for (int i = 0; i < features.size(); i++) {
                if (!Json.isText(features.get(i))) {
                    throw new InvalidRequest(APP_COMPOSE + ".features[" + i + "]", "must be a string, not "
                            + ComposeUpdateJson.kind(features.get(i)));
                }
            }
        }
        List<String> allowed = new ArrayList<>();
        JrsValue allowedEnvs = node.get("allowed_envs");
        if (allowedEnvs != null && !allowedEnvs.isNull()) {
            if (!allowedEnvs.isArray()) {
                throw new InvalidRequest(APP_COMPOSE + ".allowed_envs", "must be a list of environment variable names, not "
                        + ComposeUpdateJson.kind(allowedEnvs));
            }
            if (allowedEnvs.size() > MAX_ALLOWED_ENVS) {
                throw new InvalidRequest(APP_COMPOSE + ".allowed_envs", "must list at most " + MAX_ALLOWED_ENVS + " names");
            }
            for (int i = 0; i < allowedEnvs.size(); i++) {
                JrsValue item = allowedEnvs.get(i);
                if (!Json.isText(item) || !ComposeUpdate.isEnvName(Json.text(item))
                        || Json.text(item).length() > ComposeUpdate.MAX_ENV_KEY_LENGTH) {
                    throw new InvalidRequest(APP_COMPOSE + ".allowed_envs[" + i + "]",
                            "must be an environment variable name matching [A-Za-z_][A-Za-z0-9_]*");
                }
                allowed.add(Json.text(item));
            }
        }
        String json = Json.write(node);
        if (json.length() > MAX_APP_COMPOSE_CHARS) {
            throw new InvalidRequest(APP_COMPOSE, "must be at most " + MAX_APP_COMPOSE_CHARS + " characters as JSON");
        }
        return new AppCompose(json, allowed);
    }

    /**
     * Reads and checks an {@code env} object (optional: absent or null is no env update): the whole
     * update's and the rollout's ({@link RolloutJson}) alike, in the caller's order.
     */
    static Map<String, EnvValue> env(JrsValue node) throws InvalidRequest {
        Map<String, EnvValue> env = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return env;
        }
        if (!node.isObject()) {
            throw new InvalidRequest(ENV, "must be an object of variable names to values or secret references, not "
                    + ComposeUpdateJson.kind(node));
        }
        if (node.size() == 0) {
            throw new InvalidRequest(ENV, "must name at least one variable, or be left out (an env update replaces the whole set)");
        }
        if (node.size() > WholeUpdate.MAX_ENV) {
            throw new InvalidRequest(ENV, "must name at most " + WholeUpdate.MAX_ENV + " variables");
        }
        for (Map.Entry<String, JrsValue> entry : Json.fields(node)) {
            String name = entry.getKey();
            if (name.length() > WholeUpdate.MAX_ENV_NAME || !ComposeUpdate.isEnvName(name)) {
                throw new InvalidRequest(ENV + "." + ComposeUpdateJson.printable(name), "is not an environment variable name: "
                        + "[A-Za-z_][A-Za-z0-9_]*, at most " + WholeUpdate.MAX_ENV_NAME + " characters");
            }
            String field = ENV + "." + name;
            JrsValue value = entry.getValue();
            if (Json.isText(value)) {
                if (Json.text(value).length() > WholeUpdate.MAX_LITERAL) {
                    throw new InvalidRequest(field, "must be at most " + WholeUpdate.MAX_LITERAL + " characters");
                }
                env.put(name, new EnvValue.Literal(Json.text(value)));
                continue;
            }
            if (!value.isObject()) {
                throw new InvalidRequest(field, "must be a string or {\"secret_id\": …, \"json_key\": …}, not "
                        + ComposeUpdateJson.kind(value));
            }
            for (Iterator<String> names = value.fieldNames(); names.hasNext(); ) {
                String key = names.next();
                if (!key.equals("secret_id") && !key.equals("json_key")) {
                    throw new InvalidRequest(field + "." + ComposeUpdateJson.printable(key),
                            "is not a known field (known: secret_id, json_key)");
                }
            }
            JrsValue secretId = value.get("secret_id");
            if (secretId == null || !Json.isText(secretId) || Json.text(secretId).isBlank()) {
                throw new InvalidRequest(field + ".secret_id", "is required: the name of a Secrets Manager secret");
            }
            if (Json.text(secretId).length() > WholeUpdate.MAX_SECRET_ID) {
                throw new InvalidRequest(field + ".secret_id", "must be at most " + WholeUpdate.MAX_SECRET_ID + " characters");
            }
            JrsValue jsonKey = value.get("json_key");
            String key = null;
            if (jsonKey != null && !jsonKey.isNull()) {
                if (!Json.isText(jsonKey) || Json.text(jsonKey).isEmpty() || Json.text(jsonKey).length() > WholeUpdate.MAX_JSON_KEY) {
                    throw new InvalidRequest(field + ".json_key", "must be a string of 1 to " + WholeUpdate.MAX_JSON_KEY + " characters");
                }
                key = Json.text(jsonKey);
            }
            env.put(name, new EnvValue.FromSecret(Json.text(secretId), key));
        }
        return env;
    }
}
