package com.composerelay.support;

import com.composerelay.aws.SecretsManagerEnvSecrets;
import com.composerelay.codec.RolloutJson;
import com.composerelay.core.EnvSecrets;
import com.composerelay.core.EnvValue;
import com.composerelay.core.Fingerprint;
import com.composerelay.core.InvalidRequest;
import com.composerelay.core.Invocation;
import com.composerelay.core.Relay;
import com.composerelay.core.RetryPolicy;
import com.composerelay.core.Rollout;
import com.composerelay.core.RolloutEngine;
import com.composerelay.core.RolloutReports;
import com.composerelay.core.RolloutRequest;
import com.composerelay.core.RolloutStore;
import com.composerelay.core.RolloutTask;
import com.composerelay.core.RolloutTasks;
import com.composerelay.core.Rollouts;
import com.composerelay.core.SecretGuard;
import com.composerelay.core.Trigger;
import com.composerelay.core.WavePlan;
import com.composerelay.core.WholeUpdates;
import com.composerelay.crypto.X25519EnvSealer;
import com.composerelay.json.Json;
import com.composerelay.local.PhalaStandIn;
import com.composerelay.net.HttpClients;
import com.composerelay.phala.HttpPhalaApi;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The rollout core over the Phala stand-in (through a {@link PhalaJournal}, so each HTTP call is
 * seen as sent), the relay's own HTTP Phala adapter, in-memory rollouts and locks, a recording
 * engine and recorded reports, all on one {@link MutableClock} that the stand-in shares and that
 * the relay's backoff "sleeps" advance.
 */
public final class RolloutRig implements AutoCloseable {
    public static final String KEY = Fixtures.API_KEY;
    public static final String APP_HEX = "5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b";
    public static final String APP = "app_" + APP_HEX;
    public static final String OLD = "0a".repeat(32);
    /** How long a stand-in CVM is in progress after a commit or a redeploy. */
    public static final Duration UPDATE = Duration.ofSeconds(30);

    public final MutableClock clock = new MutableClock();
    public final PhalaStandIn standIn;
    public final PhalaJournal journal;
    public final HttpPhalaApi phala;
    public final InMemoryIdempotency table = new InMemoryIdempotency(clock, Duration.ofHours(1));
    public final InMemoryRollouts memory = new InMemoryRollouts();
    /** The store the core uses: {@link #memory} unless a test wraps it. */
    public RolloutStore store = memory;
    public final RecordingEngine engine = new RecordingEngine();
    public final List<RolloutReports.Report> reports = new CopyOnWriteArrayList<>();
    public final Map<String, String> envSecrets = new HashMap<>();
    public final Relay relay;
    public final WholeUpdates wholeUpdates;

    public RolloutRig() {
        try {
            standIn = new PhalaStandIn(0, 0.0, 0.0, 0);
            standIn.clock(clock::millis);
            standIn.updateMillis(UPDATE.toMillis());
            standIn.start();
            journal = new PhalaJournal(java.net.URI.create("http://127.0.0.1:" + standIn.port()));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        phala = new HttpPhalaApi(HttpClients.newClient(Duration.ofSeconds(5)), journal.uri(), "2026-05-22", clock);
        relay = new Relay(new FakeKeys(KEY), phala, new RetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(2),
                () -> 0.0), new Relay.Timing(Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMillis(100)),
                clock, clock::advance);
        EnvSecrets secrets = (secretId, jsonKey) -> {
            String value = envSecrets.get(secretId);
            if (value == null) {
                throw new EnvSecrets.Missing("secret " + secretId + " was not found");
            }
            return SecretsManagerEnvSecrets.valueOf(value, secretId, jsonKey);
        };
        wholeUpdates = new WholeUpdates(relay, phala, phala, secrets, new X25519EnvSealer(),
                new SecretGuard("compose-relay/env/", false, List.of()), WholeUpdates.UpdateWatch.none(),
                new WholeUpdates.Watching(false, Duration.ofMinutes(10), Duration.ofSeconds(15)), clock);
    }

    /** The tasks, over {@link #store} as it is now. */
    public RolloutTasks tasks() {
        return new RolloutTasks(store, relay, phala, phala, () -> wholeUpdates, RolloutRig::plan, table,
                reports::add, clock, clock::advance);
    }

    /** The rollouts, over {@link #store} as it is now and this engine. */
    public Rollouts rollouts(RolloutEngine with) {
        return new Rollouts(store, with, reports::add, relay, phala, Duration.ofHours(1), clock);
    }

    public Rollouts rollouts() {
        return rollouts(engine);
    }

    public Invocation invocation() {
        return new Invocation("lambda-1", clock.instant().plusSeconds(60));
    }

    /** What the wiring's RolloutStart.plan does: the tasks' plan of a kept request. */
    public static RolloutTasks.Plan plan(String body) throws InvalidRequest {
        try {
            RolloutRequest request = RolloutJson.read(Json.parse(body));
            return new RolloutTasks.Plan(request.appCompose(), request.env(),
                    Duration.ofSeconds(request.strategy().waveTimeoutSeconds()));
        } catch (Json.Malformed e) {
            throw new InvalidRequest("body", e.getMessage());
        }
    }

    /** What the wiring's RolloutStart.read does: a request body read into its start (per-CVM secrets off). */
    public static Rollouts.Start start(String body, String key, String actor) throws InvalidRequest {
        try {
            RolloutRequest request = RolloutJson.read(Json.parse(body));
            String canonical = RolloutJson.write(request);
            String fingerprint = Fingerprint.sha256Hex(canonical.getBytes(StandardCharsets.UTF_8));
            Rollouts.Planner planner = (targets, rolloutId) -> {
                WavePlan plan = WavePlan.of(targets.size(), request.strategy());
                return new Rollouts.Planned(plan.cvmsByWave(targets),
                        RolloutJson.executionInput(rolloutId, request.strategy(), plan));
            };
            return switch (request.targets()) {
                case RolloutRequest.Targets.App app -> new Rollouts.Start(key, fingerprint, canonical, app.appId(),
                        List.of(), Trigger.API, actor, null, planner);
                case RolloutRequest.Targets.Cvms cvms -> new Rollouts.Start(key, fingerprint, canonical, null,
                        cvms.cvmIds(), Trigger.API, actor, null, planner);
            };
        } catch (Json.Malformed e) {
            throw new InvalidRequest("body", e.getMessage());
        }
    }

    /** A rollout body for the app with this strategy (JSON object text) and no env. */
    public static String appBody(String strategy) {
        return "{\"targets\":{\"app_id\":\"" + APP + "\"},\"app_compose\":{\"docker_compose_file\":\"services: {web: {image:"
                + " shop:2}}\",\"name\":\"shop\"},\"strategy\":" + strategy + "}";
    }

    /** Starts a rollout of {@code body} under {@code key}; the rollout it made, or fails the test. */
    public Rollout started(String body, String key) {
        try {
            Rollouts.Answer answer = rollouts().start(start(body, key, "arn:aws:iam::111122223333:user/ops"), invocation());
            if (answer instanceof Rollouts.Answer.Done done) {
                return done.rollout();
            }
            throw new AssertionError("not started: " + answer);
        } catch (InvalidRequest e) {
            throw new AssertionError(e);
        }
    }

    public Rollout find(String rolloutId) {
        try {
            return memory.find(rolloutId).orElseThrow();
        } catch (com.composerelay.core.StoreUnavailable e) {
            throw new AssertionError(e);
        }
    }

    public static RolloutTask task(String kind, String rolloutId, Integer wave) {
        return new RolloutTask(kind, rolloutId, wave, null, null, null, null, "tok-" + kind + (wave == null ? "" : "-" + wave));
    }

    public static RolloutTask check(String rolloutId, int wave, String phase) {
        return new RolloutTask("check", rolloutId, wave, phase, null, null, null, "tok-check-" + wave + "-" + phase);
    }

    public static RolloutTask finish(String rolloutId, String result, String error, String cause) {
        return new RolloutTask("finish", rolloutId, null, null, result, error, cause, "tok-finish");
    }

    public RolloutTask.Answer run(RolloutTask task) throws RolloutTask.Retry {
        return tasks().run(task, invocation());
    }

    @Override
    public void close() {
        journal.close();
        standIn.stop();
    }

    /** A literal env value. */
    public static EnvValue literal(String value) {
        return new EnvValue.Literal(value);
    }
}
