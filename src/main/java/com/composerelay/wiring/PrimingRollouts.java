package com.composerelay.wiring;

import com.composerelay.codec.RolloutStateJson;
import com.composerelay.core.Rollout;
import com.composerelay.core.RolloutEngine;
import com.composerelay.core.RolloutStore;
import com.composerelay.core.Trigger;
import com.composerelay.phala.CannedPhala;
import com.composerelay.phala.HttpPhalaApi;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rollout ports for priming: a rollout task runs through {@code RolloutTasks} as on the task queue
 * (its record read and written back as JSON, its request read back, Phala's status batch and CVM
 * read through {@link HttpPhalaApi} over {@link CannedPhala}, the answer to the machine), with
 * nothing leaving the process. The rollout is one wave whose CVM is updating and still runs its
 * hash from before: the check every wave repeats until its CVMs are healthy.
 */
final class PrimingRollouts {
    /** The priming dispatcher's task queue (its events say they come from it). */
    static final String TASK_QUEUE_ARN = "arn:aws:sqs:us-east-1:000000000000:priming-tasks";
    static final String ROLLOUT_ID = "priming";
    static final String VM_UUID = "00000000-0000-4000-8000-000000000000";

    private PrimingRollouts() {}

    /** The ports, and the Phala API the task reads CVMs with (the whole update's provisioning port). */
    record Ports(Adapters.RolloutPorts rollouts, HttpPhalaApi phala) {}

    static Ports ports(String apiVersion, Clock clock) {
        HttpPhalaApi phala = CannedPhala.api(apiVersion, clock);
        return new Ports(new Adapters.RolloutPorts(new Store(clock.instant()), new Engine(), report -> { }, phala,
                TASK_QUEUE_ARN), phala);
    }

    /** One rollout kept as its JSON, as the table keeps it. */
    private static final class Store implements RolloutStore {
        private static final String REQUEST = "{\"targets\":{\"cvms\":[\"cvm_priming\"]},\"app_compose\":"
                + "{\"docker_compose_file\":\"services:\\n  web:\\n    image: nginx\\n\",\"name\":\"priming\"},"
                + "\"strategy\":{\"waves\":[1],\"wave_timeout_seconds\":3600,\"on_failure\":\"stop\"}}";

        private String json;
        private long version = 1;

        Store(Instant now) {
            String newHash = "22".repeat(32);
            Rollout.Target cvm = new Rollout.Target("cvm_priming", "updating", null, VM_UUID, "priming",
                    "11".repeat(32), "priming");
            json = RolloutStateJson.write(new Rollout(ROLLOUT_ID, "running", "priming", newHash, Trigger.API, "priming",
                    null, now, null, List.of(new Rollout.Wave(1, "updating", now, List.of(cvm))),
                    Map.of("priming", new Rollout.App("priming", "cvm_priming", newHash)), null, null, null, null, null,
                    "{}", 1));
        }

        @Override
        public boolean create(Rollout rollout, String requestBody) {
            return false;
        }

        @Override
        public synchronized Optional<Rollout> find(String rolloutId) {
            return ROLLOUT_ID.equals(rolloutId) ? Optional.of(RolloutStateJson.read(json, version)) : Optional.empty();
        }

        @Override
        public Optional<String> requestBody(String rolloutId) {
            return ROLLOUT_ID.equals(rolloutId) ? Optional.of(REQUEST) : Optional.empty();
        }

        @Override
        public synchronized Rollout save(Rollout rollout) throws Changed {
            if (rollout.version() != version) {
                throw new Changed("priming: version " + rollout.version() + ", kept " + version);
            }
            json = RolloutStateJson.write(rollout);
            version++;
            return rollout.atVersion(version);
        }

        @Override
        public void putSealedEnv(String rolloutId, String appId, String encryptedEnv) {
        }

        @Override
        public void putLastRelease(String channel, String rolloutId) {
        }

        @Override
        public Optional<String> lastRelease(String channel) {
            return Optional.empty();
        }

        @Override
        public Optional<String> sealedEnv(String rolloutId, String appId) {
            return Optional.empty();
        }

        @Override
        public String hold(String cvmId, String rolloutId) {
            return rolloutId;
        }

        @Override
        public void release(String cvmId, String rolloutId) {
        }
    }

    /** Takes every answer; starts nothing. */
    private static final class Engine implements RolloutEngine {
        @Override
        public boolean configured() {
            return true;
        }

        @Override
        public void start(String rolloutId, String input) {
        }

        @Override
        public boolean succeed(String taskToken, String output) {
            return true;
        }

        @Override
        public boolean fail(String taskToken, String error, String cause) {
            return true;
        }
    }
}
