package com.composerelay.wiring;

import com.composerelay.codec.ComposeImagePin;
import com.composerelay.codec.RolloutJson;
import com.composerelay.core.ImageDeploys;
import com.composerelay.core.ReleaseChannel;
import com.composerelay.core.Rollout;
import java.util.LinkedHashMap;
import java.util.Map;
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
        return start(RolloutJson.read(body), key, trigger, actor, perCvmSecrets);
    }

    /**
     * A release channel's rollout of {@code image}: the compose its CVMs run now ({@code appCompose},
     * Phala's JSON) with the image of the channel's service(s) pinned by digest, only those lines
     * changed ({@link ComposeImagePin}); the channel's targets, strategy and env. No change: no start.
     */
    static ImageDeploys.Prepared release(ReleaseChannel channel, String appCompose, ImageDeploys.Image image, String key,
                                         boolean perCvmSecrets) throws InvalidRequest {
        JrsValue running;
        try {
            running = Json.parse(appCompose);
        } catch (Json.Malformed e) {
            throw new InvalidRequest("app_compose", "Phala's compose file is not JSON: " + e.getMessage());
        }
        JrsValue file = running.get("docker_compose_file");
        if (!running.isObject() || !Json.isText(file)) {
            throw new InvalidRequest("app_compose.docker_compose_file", "Phala's compose file has no docker_compose_file string");
        }
        ComposeImagePin.Pinned pinned = ComposeImagePin.pin(Json.text(file), channel.services(), image.name(),
                image.digest());
        List<Rollout.LineChange> changes = pinned.changes().stream()
                .map(c -> new Rollout.LineChange(c.line(), shown(c.before()), shown(c.after()))).toList();
        if (changes.isEmpty()) {
            return new ImageDeploys.Prepared(null, changes);
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        Json.fields(running).forEach(e -> fields.put(e.getKey(), e.getKey().equals("docker_compose_file")
                ? pinned.compose() : e.getValue()));
        RolloutRequest request = RolloutJson.ofChannel(channel, Json.object(fields));
        return new ImageDeploys.Prepared(start(request, key, Trigger.ECR, null, perCvmSecrets), changes);
    }

    /**
     * A channel's rollback: {@code appCompose} (a revision's) as it is, to the channel's targets in one
     * wave, the channel's checks, bake and alarms kept, stopping on failure, the CVMs' env kept.
     */
    static Rollouts.Start revert(ReleaseChannel channel, String appCompose, String key, boolean perCvmSecrets)
            throws InvalidRequest {
        JrsValue compose;
        try {
            compose = Json.parse(appCompose);
        } catch (Json.Malformed e) {
            throw new InvalidRequest("app_compose", "Phala's compose file is not JSON: " + e.getMessage());
        }
        RolloutRequest.Strategy s = channel.strategy();
        RolloutRequest.Strategy oneWave = new RolloutRequest.Strategy(
                List.of(new RolloutRequest.WaveEntry.Percent(100)), false, s.checkIntervalSeconds(), s.bakeSeconds(),
                s.waveTimeoutSeconds(), s.alarms(), RolloutRequest.OnFailure.STOP, List.of(), s.approvalTimeoutSeconds());
        RolloutRequest of = RolloutJson.ofChannel(channel, compose);
        return start(new RolloutRequest(of.targets(), of.appCompose(), Map.of(), oneWave), key, Trigger.SLACK, null,
                perCvmSecrets);
    }

    /** The most of a changed line a rollout's record and reports show (the compose itself keeps it whole). */
    static final int MAX_SHOWN_LINE = 512;

    /** A changed line as shown: its line end left out, cut to {@link #MAX_SHOWN_LINE} with an ellipsis. */
    private static String shown(String line) {
        String text = line.endsWith("\r\n") ? line.substring(0, line.length() - 2)
                : line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
        return text.length() > MAX_SHOWN_LINE ? text.substring(0, MAX_SHOWN_LINE - 1) + "…" : text;
    }

    private static Rollouts.Start start(RolloutRequest request, String key, Trigger trigger, String actor,
                                        boolean perCvmSecrets) throws InvalidRequest {
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
