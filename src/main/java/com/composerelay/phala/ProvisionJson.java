package com.composerelay.phala;

import com.composerelay.core.AppCompose;
import com.composerelay.core.PhalaProvisioning;
import com.composerelay.json.Json;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The provision's body as Phala's SDKs send it, and what the relay reads from the provision and the CVM read. */
final class ProvisionJson {
    private ProvisionJson() {}

    /**
     * The app compose's fields at the top level (as the caller sent them, in order), {@code allowed_envs}
     * as the relay settled it, and {@code update_env_vars}.
     */
    static String body(AppCompose compose, List<String> allowedEnvs, boolean updateEnvVars) {
        Map<String, Object> body = new LinkedHashMap<>();
        try {
            Json.fields(Json.parse(compose.json())).forEach(field -> body.put(field.getKey(), field.getValue()));
        } catch (Json.Malformed e) {
            throw new IllegalStateException("the app compose was read as JSON before", e);
        }
        if (!allowedEnvs.isEmpty() || body.containsKey("allowed_envs")) {
            body.put("allowed_envs", List.copyOf(allowedEnvs));
        }
        body.put("update_env_vars", updateEnvVars);
        return Json.write(Json.object(body));
    }

    /** A provision's answer: compose_hash, app_id, device_id, compose_hash_registered, kms_info. */
    static Map<String, String> provisioned(JrsValue body) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(PhalaProvisioning.COMPOSE_HASH, Json.asText(body.path("compose_hash"), null));
        values.put(PhalaProvisioning.APP_ID, Json.asText(body.path("app_id"), null));
        values.put(PhalaProvisioning.DEVICE_ID, Json.asText(body.path("device_id"), null));
        JrsValue registered = body.path("compose_hash_registered");
        if (Json.isBoolean(registered)) {
            values.put(PhalaProvisioning.COMPOSE_HASH_REGISTERED, String.valueOf(Json.isTrue(registered)));
        }
        JrsValue kms = body.path("kms_info");
        if (kms.isObject()) {
            values.put(PhalaProvisioning.KMS_INFO, Json.write(kms));
        }
        return values;
    }

    /**
     * A CVM read: status, compose_hash, whether an update is in progress ({@code progress.target} set, or
     * {@code in_progress} true: API 2026-01-21 and 2025-10-28), the env public key
     * ({@code kms_info.encrypted_env_pubkey}, or the older top-level {@code encrypted_env_pubkey}), and
     * the CVM's {@code vm_uuid} and {@code app_id} (a rollout's health check and its targets).
     */
    static Map<String, String> cvm(JrsValue body) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(PhalaProvisioning.STATUS, Json.asText(body.path("status"), null));
        values.put(PhalaProvisioning.COMPOSE_HASH, Json.asText(body.path("compose_hash"), null));
        values.put(PhalaProvisioning.VM_UUID, Json.text(body.path("vm_uuid")));
        values.put(PhalaProvisioning.APP_ID, Json.text(body.path("app_id")));
        JrsValue target = body.path("progress").path("target");
        boolean targetSet = !(target.isNull() || target.isMissingNode()) && !(Json.isText(target) && Json.text(target).isBlank());
        boolean inProgress = targetSet || Json.asBoolean(body.path("in_progress"), false);
        values.put(PhalaProvisioning.IN_PROGRESS, String.valueOf(inProgress));
        String key = Json.asText(body.path("kms_info").path("encrypted_env_pubkey"), null);
        if (key == null || key.isBlank()) {
            key = Json.asText(body.path("encrypted_env_pubkey"), null);
        }
        values.put(PhalaProvisioning.ENV_PUBKEY, key == null || key.isBlank() ? null : key);
        JrsValue chain = body.path("kms_info").path("chain_id");
        if (!chain.isNull() && !chain.isMissingNode()) {
            values.put(PhalaProvisioning.KMS_CHAIN_ID, Json.asText(chain));
        }
        return values;
    }
}
