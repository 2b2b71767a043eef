package com.composerelay.trigger;

import com.composerelay.codec.Quoted;
import com.composerelay.core.RelayToken;
import com.composerelay.core.TokenScope;
import com.composerelay.json.Json;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a relay token's scopes let it do on the Phala-compatible API: each route needs one scope, and
 * the unified {@code PATCH /cvms/{id}} is checked per field of its body. The compose and env fields
 * (Phala's {@code UpdateCvmRequest} and the {@code AppComposeV2} fields, and the compose commit's) need
 * {@code deploy}; resources, image, visibility, shutdown, GPUs, {@code user_config}, and any field the
 * relay does not know need {@code manage}. A field counts when it is present, whatever its value (even null).
 */
final class PhalaApiScopes {
    private PhalaApiScopes() {}

    /** The unified PATCH's fields that deploy a compose or its env: {@code deploy}. */
    static final Set<String> DEPLOY_FIELDS = Set.of(
            // UpdateCvmRequest's compose and env fields
            "docker_compose_file", "pre_launch_script", "allowed_envs", "encrypted_env",
            // the compose commit's (PATCH /cvms/{id}/compose_file)
            "env_keys", "update_env_vars", "compose_hash",
            // the other fields of the app compose (AppComposeV2)
            "name", "runner", "manifest_version", "bash_script", "init_script", "features", "salt",
            "kms_enabled", "local_key_provider_enabled", "gateway_enabled", "tproxy_enabled", "no_instance_id",
            "secure_time", "storage_fs", "default_gateway_domain");

    /** The unified PATCH's other fields the relay knows: {@code manage} (as is any field it does not know). */
    static final Set<String> MANAGE_FIELDS = Set.of(
            "vcpu", "memory", "disk_size", "image", "gpus", "user_config",
            "public_logs", "public_sysinfo", "public_tcbinfo", "shutdown_timeout", "allow_force_stop");

    /** At most this many refused fields are named in one answer. */
    private static final int NAMED = 10;

    /** The scope a field of the unified PATCH needs. */
    static TokenScope forField(String field) {
        return DEPLOY_FIELDS.contains(field) ? TokenScope.DEPLOY : TokenScope.MANAGE;
    }

    /** Why {@code token} may not {@code what} (the 403's detail), or empty when its scopes include {@code needed}. */
    static Optional<String> route(RelayToken token, TokenScope needed, String what) {
        return token.has(needed) ? Optional.empty()
                : Optional.of("this relay token may not " + what + " (" + needed.wire() + "): " + has(token));
    }

    /**
     * Why {@code token} may not send this unified PATCH body (the 403's detail, naming each field outside
     * its scopes with the scope it needs), or empty when it may. An empty object needs {@code deploy}.
     */
    static Optional<String> unifiedPatch(RelayToken token, JrsValue body) {
        List<String> refused = new ArrayList<>();
        int fields = 0;
        for (Map.Entry<String, JrsValue> field : Json.fields(body)) {
            fields++;
            TokenScope needed = forField(field.getKey());
            if (!token.has(needed)) {
                refused.add(Quoted.clip(field.getKey(), 64) + " (" + needed.wire() + ")");
            }
        }
        if (fields == 0) {
            return route(token, TokenScope.DEPLOY, "update this CVM");
        }
        if (refused.isEmpty()) {
            return Optional.empty();
        }
        String named = refused.stream().limit(NAMED).collect(Collectors.joining(", "))
                + (refused.size() > NAMED ? " and " + (refused.size() - NAMED) + " more" : "");
        return Optional.of("this relay token may not change " + named + ": " + has(token));
    }

    private static String has(RelayToken token) {
        return "its scopes are " + token.scopes().stream().map(TokenScope::wire).collect(Collectors.joining(", "));
    }
}
