package com.composerelay.core;

import java.util.List;

/**
 * The app compose a whole update provisions, as the caller sent it ({@code json}: a JSON object
 * whose fields Phala receives at the top level of the provision body), with the fields the relay
 * itself reads.
 *
 * @param json the caller's {@code app_compose} object, written as JSON
 * @param allowedEnvs its {@code allowed_envs}, empty when absent
 */
public record AppCompose(String json, List<String> allowedEnvs) {
    /** Compose file plus pre-launch script, as Phala bounds them: 200 KB. */
    public static final int MAX_COMPOSE_BYTES = 200 * 1000;

    public AppCompose {
        allowedEnvs = List.copyOf(allowedEnvs);
    }
}
