package com.composerelay.core;

import java.time.Duration;
import java.util.List;

/** Phala's calls around the compose update: the provision that makes a compose hash, and the CVM read. */
public interface PhalaProvisioning {
    /** Keys of {@link PhalaAnswer#values()} in a provision's answer. */
    String COMPOSE_HASH = "compose_hash";
    String APP_ID = "app_id";
    String DEVICE_ID = "device_id";
    /** {@code "true"}, {@code "false"}, or absent (older API versions). */
    String COMPOSE_HASH_REGISTERED = "compose_hash_registered";
    /** The provision's {@code kms_info}, written as JSON. */
    String KMS_INFO = "kms_info";
    /**
     * Keys in a CVM read's answer; it also has {@link #COMPOSE_HASH}, {@link #APP_ID} and
     * {@link #VM_UUID} (each absent when Phala gives none).
     */
    String STATUS = "status";
    /** The CVM's {@code vm_uuid}: the id a rollout addresses it by (see {@link PhalaFleet}). */
    String VM_UUID = "vm_uuid";
    /** {@code "true"} when {@code progress.target} is set or {@code in_progress} is true. */
    String IN_PROGRESS = "in_progress";
    String ENV_PUBKEY = "encrypted_env_pubkey";
    /** The CVM's {@code kms_info.chain_id}, set for an on-chain KMS. */
    String KMS_CHAIN_ID = "kms_chain_id";
    /** An error answer's {@code detail.details[]}, {@code field} to {@code value}: prefixed with this. */
    String DETAIL_PREFIX = "detail.";

    /**
     * {@code POST /api/v1/cvms/{cvm_id}/compose_file/provision}: the app compose's fields at the top
     * level, {@code allowed_envs} as given here, and {@code update_env_vars}.
     */
    PhalaAnswer provision(String cvmId, AppCompose compose, List<String> allowedEnvs, boolean updateEnvVars,
                          String apiKey, Duration timeout)
            throws PhalaApi.Timeout, PhalaApi.Unreachable;

    /** {@code GET /api/v1/cvms/{cvm_id}}. */
    PhalaAnswer readCvm(String cvmId, String apiKey, Duration timeout) throws PhalaApi.Timeout, PhalaApi.Unreachable;
}
