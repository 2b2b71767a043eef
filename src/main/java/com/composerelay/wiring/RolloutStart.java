package com.composerelay.wiring;

import com.composerelay.codec.RolloutJson;
import com.composerelay.core.EnvValue;
import com.composerelay.core.Fingerprint;
import com.composerelay.core.InvalidRequest;
import com.composerelay.core.RolloutRequest;
import com.composerelay.core.RolloutTasks;
import com.composerelay.core.Rollouts;
import com.composerelay.core.Trigger;
import com.composerelay.core.WavePlan;
import com.composerelay.json.Json;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * A rollout request read into its start (what {@code Rollouts} takes) and, for the tasks, back into
 * its plan: the codec's reader and wave planner put between the triggers and the core.
 */
final class RolloutStart {
    private RolloutStart() {}

    /**
     * The start of a rollout request: fingerprinted by its canonical form, kept as that form, its
     * waves planned once its targets are known.
     */
    static Rollouts.Start read(JrsValue body, String key, Trigger trigger, String actor, boolean perCvmSecrets)
            throws InvalidRequest {
        RolloutRequest request = RolloutJson.read(body);
        String canonical = RolloutJson.write(request);
        String fingerprint = Fingerprint.sha256Hex(canonical.getBytes(StandardCharsets.UTF_8));
        boolean secrets = request.env().values().stream().anyMatch(v -> v instanceof EnvValue.FromSecret);
        Rollouts.Planner planner = (targets, rolloutId) -> {
            if (perCvmSecrets && secrets && targets.size() > 1) {
                throw new InvalidRequest("env", "ENV_SECRETS_PER_CVM keeps each secret to one CVM, and a rollout"
                        + " seals one env for all its CVMs: roll out env secrets to one CVM at a time, or leave"
                        + " ENV_SECRETS_PER_CVM off");
            }
            WavePlan plan = WavePlan.of(targets.size(), request.strategy());
            return new Rollouts.Planned(plan.cvmsByWave(targets),
                    RolloutJson.executionInput(rolloutId, request.strategy(), plan));
        };
        return switch (request.targets()) {
            case RolloutRequest.Targets.App app -> new Rollouts.Start(key, fingerprint, canonical, app.appId(), List.of(),
                    trigger, actor, null, planner);
            case RolloutRequest.Targets.Cvms cvms -> new Rollouts.Start(key, fingerprint, canonical, null, cvms.cvmIds(),
                    trigger, actor, null, planner);
        };
    }

    /** What the tasks need of a kept request. */
    static RolloutTasks.Plan plan(String body) throws InvalidRequest {
        try {
            RolloutRequest request = RolloutJson.read(Json.parse(body));
            return new RolloutTasks.Plan(request.appCompose(), request.env(),
                    Duration.ofSeconds(request.strategy().waveTimeoutSeconds()));
        } catch (Json.Malformed e) {
            throw new InvalidRequest("body", e.getMessage());
        }
    }
}
