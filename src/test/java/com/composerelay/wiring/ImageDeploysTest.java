package com.composerelay.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.codec.ReleaseChannelsJson;
import com.composerelay.core.Fingerprint;
import com.composerelay.core.ImageDeploys;
import com.composerelay.core.ImageDeploys.Result;
import com.composerelay.core.InvalidRequest;
import com.composerelay.core.Invocation;
import com.composerelay.core.PhalaAnswer;
import com.composerelay.core.PhalaApi;
import com.composerelay.core.PhalaFleet;
import com.composerelay.core.Relay;
import com.composerelay.core.ReleaseChannel;
import com.composerelay.core.RetryPolicy;
import com.composerelay.core.Rollout;
import com.composerelay.core.RolloutReports;
import com.composerelay.core.Rollouts;
import com.composerelay.core.Trigger;
import com.composerelay.json.Json;
import com.composerelay.support.FakeKeys;
import com.composerelay.support.Fixtures;
import com.composerelay.support.InMemoryRollouts;
import com.composerelay.support.MutableClock;
import com.composerelay.support.RecordingEngine;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Image deploys through release channels, end to end in the core: the real {@link Rollouts} over
 * in-memory rollouts and a recording engine, a {@link Relay} over a scripted {@link PhalaFleet}
 * (every call recorded), and the wiring's own releaser ({@link RolloutStart#release},
 * {@link RolloutStart#revert}), as {@code Assembly} wires them.
 */
class ImageDeploysTest {
    private static final String REGISTRY = "123456789012.dkr.ecr.us-west-2.amazonaws.com";
    private static final String DIGEST = "sha256:" + "4f".repeat(32);
    private static final String OTHER_DIGEST = "sha256:" + "a1".repeat(32);
    private static final String APP_HEX = "5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b";
    private static final String APP = "app_" + APP_HEX;
    private static final String ACTOR = "ecr:123456789012";

    private static final String IMAGE_LINE = "    image: " + REGISTRY + "/shop:1.0.0   # the shop";
    private static final String PINNED_LINE = "    image: " + REGISTRY + "/shop@" + DIGEST + "   # the shop";
    private static final String COMPOSE = "services:\n"
            + "  web:\n"
            + IMAGE_LINE + "\n"
            + "    ports:\n"
            + "      - \"80:80\"\n"
            + "  db:\n"
            + "    image: postgres:16\n";

    private static final String CHANNELS = """
            [{"name": "prod", "repository": "shop", "tags": ["v*", "latest"], "service": "web",
              "targets": {"cvms": ["cvm-a", "cvm-b"]}, "strategy": {"waves": [1, "100%"]}},
             {"name": "staging", "repository": "shop", "tags": ["*"], "service": "web",
              "targets": {"app_id": "APP"}},
             {"name": "api", "repository": "shop", "tags": ["*"], "service": "api",
              "targets": {"cvms": ["cvm-a"]}}]""".replace("APP", APP);

    private final MutableClock clock = new MutableClock();
    private final InMemoryRollouts store = new InMemoryRollouts();
    private final RecordingEngine engine = new RecordingEngine();
    /** When set, the engine refuses to start executions (StartExecution unavailable). */
    private volatile boolean engineDown;
    private final com.composerelay.core.RolloutEngine engineOrDown = new com.composerelay.core.RolloutEngine() {
        @Override
        public boolean configured() {
            return true;
        }

        @Override
        public void start(String rolloutId, String input) throws Unavailable {
            if (engineDown) {
                throw new Unavailable("StartExecution: ServiceUnavailable (test)");
            }
            engine.start(rolloutId, input);
        }

        @Override
        public boolean succeed(String taskToken, String output) throws Unavailable {
            return engine.succeed(taskToken, output);
        }

        @Override
        public boolean fail(String taskToken, String error, String cause) throws Unavailable {
            return engine.fail(taskToken, error, cause);
        }
    };
    private final List<RolloutReports.Report> reports = new CopyOnWriteArrayList<>();
    /** Every fleet call, as {@code <call> <ids>}. */
    private final List<String> fleetCalls = new CopyOnWriteArrayList<>();
    /** The app compose (Phala's JSON) each CVM runs, by CVM id; absent: 404. */
    private final Map<String, String> composes = new ConcurrentHashMap<>();
    /** The app compose of each revision, by {@code <app_id> <revision_id>}; absent: 404. */
    private final Map<String, String> revisions = new ConcurrentHashMap<>();
    /** The CVMs of each app, joined by {@code ,}. */
    private final Map<String, String> apps = new ConcurrentHashMap<>();

    private final Relay relay = new Relay(new FakeKeys(Fixtures.API_KEY), null,
            new RetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(2), () -> 0.0),
            new Relay.Timing(Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMillis(100)), clock, clock::advance);
    private final PhalaFleet fleet = new ScriptedFleet();
    private final Rollouts rollouts = new Rollouts(store, engineOrDown, reports::add, relay, fleet, Duration.ofHours(1), clock);
    private final ImageDeploys deploys = new ImageDeploys(rollouts, store, relay, fleet, new ImageDeploys.Releaser() {
        @Override
        public ImageDeploys.Prepared prepare(ReleaseChannel channel, String appCompose, ImageDeploys.Image image,
                                             String key) throws InvalidRequest {
            return RolloutStart.release(channel, appCompose, image, key, false);
        }

        @Override
        public Rollouts.Start revert(ReleaseChannel channel, String appCompose, String key) throws InvalidRequest {
            return RolloutStart.revert(channel, appCompose, key, false);
        }
    });

    private final Map<String, ReleaseChannel> channels = new HashMap<>();

    ImageDeploysTest() throws InvalidRequest {
        for (ReleaseChannel channel : ReleaseChannelsJson.read(CHANNELS)) {
            channels.put(channel.name(), channel);
        }
    }

    /** Phala's fleet calls, scripted from the maps above and recorded. */
    private final class ScriptedFleet implements PhalaFleet {
        @Override
        public PhalaAnswer appCvms(String appId, String apiKey, Duration timeout) {
            fleetCalls.add("appCvms " + appId);
            String cvms = apps.get(appId);
            if (cvms == null) {
                return new PhalaAnswer(404, "App not found", null, Optional.empty(), null);
            }
            return new PhalaAnswer(200, null, null, Optional.empty(), null,
                    Map.of(PhalaFleet.CVMS, cvms, PhalaFleet.COUNT, String.valueOf(PhalaFleet.list(cvms).size())));
        }

        @Override
        public PhalaAnswer revisions(String appId, int page, int pageSize, String apiKey, Duration timeout)
                throws PhalaApi.Unreachable {
            fleetCalls.add("revisions " + appId + " " + page);
            throw new PhalaApi.Unreachable("not scripted");
        }

        @Override
        public PhalaAnswer redeploy(String cvmId, String revisionId, String apiKey, Duration timeout)
                throws PhalaApi.Unreachable {
            fleetCalls.add("redeploy " + cvmId + " " + revisionId);
            throw new PhalaApi.Unreachable("not scripted");
        }

        @Override
        public PhalaAnswer statusBatch(List<String> vmUuids, String apiKey, Duration timeout)
                throws PhalaApi.Unreachable {
            fleetCalls.add("statusBatch " + String.join(",", vmUuids));
            throw new PhalaApi.Unreachable("not scripted");
        }

        @Override
        public PhalaAnswer composeFile(String cvmId, String apiKey, Duration timeout) {
            fleetCalls.add("composeFile " + cvmId);
            String json = composes.get(cvmId);
            return json == null ? new PhalaAnswer(404, "CVM not found", null, Optional.empty(), null)
                    : new PhalaAnswer(200, null, null, Optional.empty(), null, Map.of(PhalaFleet.APP_COMPOSE, json));
        }

        @Override
        public PhalaAnswer revision(String appId, String revisionId, String apiKey, Duration timeout) {
            fleetCalls.add("revision " + appId + " " + revisionId);
            String json = revisions.get(appId + " " + revisionId);
            return json == null ? new PhalaAnswer(404, "Revision not found", null, Optional.empty(), null)
                    : new PhalaAnswer(200, null, null, Optional.empty(), null,
                            Map.of(PhalaFleet.APP_COMPOSE, json, PhalaFleet.COMPOSE_HASH, "cc".repeat(32)));
        }
    }

    // ---- helpers

    /** Phala's app compose holding {@code compose} as its docker_compose_file, with the other fields it has. */
    private static String appCompose(String compose) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("manifest_version", 2);
        fields.put("name", "shop");
        fields.put("runner", "docker-compose");
        fields.put("docker_compose_file", compose);
        fields.put("kms_enabled", true);
        fields.put("public_logs", false);
        fields.put("pre_launch_script", "#!/bin/sh\necho ready\n");
        return Json.write(Json.object(fields));
    }

    private static ImageDeploys.Image image(String tag, String digest) {
        return new ImageDeploys.Image(REGISTRY, "shop", tag, digest);
    }

    private Invocation invocation() {
        return new Invocation("lambda-1", clock.instant().plusSeconds(60));
    }

    private Result push(String channel, ImageDeploys.Image image) {
        return deploys.release(channels.get(channel), image, "push", Trigger.ECR, ACTOR, null, invocation());
    }

    private Result rollback(String channel) {
        return deploys.rollback(channels.get(channel), Trigger.SLACK, "U0BOSS", "https://hooks.slack.com/x", invocation());
    }

    private static String idOf(String key) {
        return "ro_" + Fingerprint.sha256Hex(key.getBytes(StandardCharsets.UTF_8)).substring(0, 24);
    }

    private static Rollout started(Result result, boolean created) {
        assertThat(result).isInstanceOf(Result.Started.class);
        Result.Started started = (Result.Started) result;
        assertThat(started.created()).as("created").isEqualTo(created);
        return started.rollout();
    }

    private static void rejected(Result result, String channel, String field, String message) {
        assertThat(result).isInstanceOf(Result.Rejected.class);
        assertThat(result.channel().name()).isEqualTo(channel);
        InvalidRequest problem = ((Result.Rejected) result).problem();
        assertThat(problem.field()).isEqualTo(field);
        assertThat(problem.getMessage()).isEqualTo(message);
    }

    private JrsValue keptRequest(String rolloutId) throws Exception {
        return Json.parse(store.requestBody(rolloutId).orElseThrow());
    }

    // ---- pushes

    @Test
    void aPushToAChannelOfCvmsStartsOneRolloutWhoseComposeDiffersFromTheRunningOneByTheImageLineOnly() throws Exception {
        composes.put("cvm-a", appCompose(COMPOSE));

        Result result = push("prod", image("v1.0.1", DIGEST));

        Rollout rollout = started(result, true);
        String id = idOf("release:prod:" + DIGEST);
        assertThat(ImageDeploys.key(channels.get("prod"), DIGEST)).isEqualTo("release:prod:" + DIGEST);
        assertThat(rollout.rolloutId()).isEqualTo(id);
        assertThat(rollout.status()).isEqualTo("running");
        assertThat(rollout.trigger()).isEqualTo(Trigger.ECR);
        assertThat(rollout.actor()).isEqualTo(ACTOR);
        assertThat(rollout.replyUrl()).isNull();
        assertThat(rollout.release()).isEqualTo(new Rollout.Release("prod", "push", "shop", "v1.0.1", DIGEST,
                REGISTRY + "/shop@" + DIGEST, null, null, List.of(new Rollout.LineChange(3, IMAGE_LINE, PINNED_LINE))));
        assertThat(rollout.waves()).extracting(w -> w.cvms().stream().map(Rollout.Target::cvmId).toList())
                .containsExactly(List.of("cvm-a"), List.of("cvm-b"));
        assertThat(store.find(id)).contains(rollout);

        JrsValue kept = keptRequest(id);
        String pinned = Json.text(kept.path("app_compose").path("docker_compose_file"));
        assertThat(pinned).isEqualTo(COMPOSE.replace(IMAGE_LINE, PINNED_LINE));
        List<String> before = COMPOSE.lines().toList();
        List<String> after = pinned.lines().toList();
        assertThat(after).hasSameSizeAs(before);
        for (int i = 0; i < before.size(); i++) {
            assertThat(after.get(i)).as("line " + (i + 1)).isEqualTo(i == 2 ? PINNED_LINE : before.get(i));
        }
        Map<String, Object> expected = new LinkedHashMap<>();
        Json.fields(Json.parse(appCompose(COMPOSE))).forEach(e -> expected.put(e.getKey(),
                e.getKey().equals("docker_compose_file") ? pinned : e.getValue()));
        assertThat(Json.write(kept.path("app_compose"))).isEqualTo(Json.write(Json.object(expected)));
        assertThat(Json.write(kept.path("targets"))).isEqualTo("{\"cvms\":[\"cvm-a\",\"cvm-b\"]}");
        assertThat(kept.path("env").isMissingNode()).as("no env: the CVMs' env is kept").isTrue();

        assertThat(engine.calls).extracting(RecordingEngine.Call::kind, RecordingEngine.Call::nameOrToken)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("start", id));
        assertThat(fleetCalls).containsExactly("composeFile cvm-a");
        assertThat(reports).extracting(RolloutReports.Report::kind).containsExactly(RolloutReports.Kind.STARTED);
    }

    @Test
    void theSameImageAgainIsTheSameRolloutAndNothingIsReadFromPhala() {
        composes.put("cvm-a", appCompose(COMPOSE));
        Rollout first = started(push("prod", image("v1.0.1", DIGEST)), true);

        Result again = push("prod", image("v1.0.1", DIGEST));

        assertThat(again).isEqualTo(new Result.Started(channels.get("prod"), first, false));
        assertThat(fleetCalls).containsExactly("composeFile cvm-a");
        assertThat(engine.calls).hasSize(1);
        assertThat(reports).hasSize(1);
    }

    @Test
    void aDeployFromChatIsItsOwnRolloutOncePerRequestEvenOfADigestRolledBackBefore() throws Exception {
        composes.put("cvm-a", appCompose(COMPOSE));
        Rollout pushed = started(push("prod", image("v1.0.1", DIGEST)), true);
        store.update(pushed.rolloutId(), null, r -> r.ended("rolled_back", clock.instant()));
        store.release("cvm-a", pushed.rolloutId());

        Result deployed = deploys.release(channels.get("prod"), image("v1.0.1", DIGEST), "deploy", Trigger.SLACK,
                "slack:U0BOSS", "https://hooks.slack.com/x", "sqs:slack:abc", invocation());
        Rollout again = started(deployed, true);
        assertThat(again.rolloutId()).isNotEqualTo(pushed.rolloutId());
        assertThat(again.release().kind()).isEqualTo("deploy");
        assertThat(again.replyUrl()).isEqualTo("https://hooks.slack.com/x");

        Result redelivered = deploys.release(channels.get("prod"), image("v1.0.1", DIGEST), "deploy", Trigger.SLACK,
                "slack:U0BOSS", "https://hooks.slack.com/x", "sqs:slack:abc", invocation());
        assertThat(started(redelivered, false).rolloutId()).as("the same request again: the same rollout")
                .isEqualTo(again.rolloutId());
        assertThat(engine.calls).hasSize(2);
    }

    @Test
    void theSameDigestUnderAnotherTagIsTheSameRollout() {
        composes.put("cvm-a", appCompose(COMPOSE));
        Rollout first = started(push("prod", image("v1.0.1", DIGEST)), true);

        Rollout second = started(push("prod", image("latest", DIGEST)), false);

        assertThat(second).isEqualTo(first);
        assertThat(second.release().tag()).as("the rollout as the first tag started it").isEqualTo("v1.0.1");
        assertThat(fleetCalls).containsExactly("composeFile cvm-a");
        assertThat(engine.calls).hasSize(1);
    }

    @Test
    void aPushThroughTwoChannelsStartsTwoRolloutsAndAnAppsChannelReadsTheComposeOfItsFirstCvm() throws Exception {
        composes.put("cvm-a", appCompose(COMPOSE));
        composes.put("cvm-s1", appCompose(COMPOSE.replace("shop:1.0.0", "shop:0.9.0")));
        apps.put(APP, "cvm-s1,cvm-s2");

        List<Result> results = deploys.release(List.of(channels.get("prod"), channels.get("staging")),
                image("v1.0.1", DIGEST), "push", Trigger.ECR, ACTOR, null, invocation());

        assertThat(results).hasSize(2);
        Rollout prod = started(results.get(0), true);
        Rollout staging = started(results.get(1), true);
        assertThat(results.get(0).channel().name()).isEqualTo("prod");
        assertThat(results.get(1).channel().name()).isEqualTo("staging");
        assertThat(prod.rolloutId()).isEqualTo(idOf("release:prod:" + DIGEST));
        assertThat(staging.rolloutId()).isEqualTo(idOf("release:staging:" + DIGEST)).isNotEqualTo(prod.rolloutId());
        assertThat(staging.release()).isEqualTo(new Rollout.Release("staging", "push", "shop", "v1.0.1", DIGEST,
                REGISTRY + "/shop@" + DIGEST, null, null, List.of(new Rollout.LineChange(3,
                IMAGE_LINE.replace("shop:1.0.0", "shop:0.9.0"), PINNED_LINE))));
        assertThat(staging.targets()).extracting(Rollout.Target::cvmId).containsExactly("cvm-s1", "cvm-s2");
        assertThat(Json.text(keptRequest(staging.rolloutId()).path("app_compose").path("docker_compose_file")))
                .isEqualTo(COMPOSE.replace(IMAGE_LINE, PINNED_LINE));
        assertThat(Json.write(keptRequest(staging.rolloutId()).path("targets")))
                .isEqualTo("{\"app_id\":\"" + APP + "\"}");
        // The app's CVMs are listed once per push: the rollout takes them as listed.
        assertThat(fleetCalls).containsExactly("composeFile cvm-a", "appCvms " + APP, "composeFile cvm-s1");
        assertThat(engine.calls).extracting(RecordingEngine.Call::nameOrToken)
                .containsExactly(prod.rolloutId(), staging.rolloutId());
    }

    @Test
    void anAppThatListsNoCvmIsRejectedNamingTheAppId() {
        apps.put(APP, "");

        Result result = push("staging", image("v1.0.1", DIGEST));

        rejected(result, "staging", "targets.app_id", "targets.app_id: release channel staging: Phala lists no CVM of app "
                + APP + " whose compose could be read");
        assertThat(fleetCalls).containsExactly("appCvms " + APP);
        assertThat(engine.calls).isEmpty();
    }

    @Test
    void aComposeWithoutTheChannelsServiceIsRejectedNamingServiceAndNothingStarts() throws Exception {
        composes.put("cvm-a", appCompose(COMPOSE));

        Result result = push("api", image("v1.0.1", DIGEST));

        rejected(result, "api", "service", "service: no service api in the compose file's services"
                + " (release channel api, the compose file CVM cvm-a runs)");
        assertThat(rollouts.known("release:api:" + DIGEST)).isEmpty();
        assertThat(store.find(idOf("release:api:" + DIGEST))).isEmpty();
        assertThat(engine.calls).isEmpty();
        assertThat(reports).isEmpty();
        assertThat(fleetCalls).containsExactly("composeFile cvm-a");
    }

    @Test
    void anImageOfAnotherRepositoryIsRejectedNamingTheServicesImage() throws Exception {
        String other = COMPOSE.replace(REGISTRY + "/shop:1.0.0", REGISTRY + "/checkout:1.0.0");
        composes.put("cvm-a", appCompose(other));

        Result result = push("prod", image("v1.0.1", DIGEST));

        rejected(result, "prod", "services.web.image", "services.web.image: the image \"" + REGISTRY
                + "/checkout:1.0.0\" is not of the repository " + REGISTRY + "/shop; nothing pinned"
                + " (release channel prod, the compose file CVM cvm-a runs)");
        assertThat(store.find(idOf("release:prod:" + DIGEST))).isEmpty();
        assertThat(engine.calls).isEmpty();
    }

    @Test
    void aComposeAlreadyPinnedToTheDigestIsAlreadyRunningAndNothingStarts() throws Exception {
        composes.put("cvm-a", appCompose(COMPOSE.replace(IMAGE_LINE, PINNED_LINE)));

        Result result = push("prod", image("v1.0.1", DIGEST));

        assertThat(result).isEqualTo(new Result.AlreadyRunning(channels.get("prod"), "cvm-a"));
        assertThat(store.find(idOf("release:prod:" + DIGEST))).isEmpty();
        assertThat(engine.calls).isEmpty();
        assertThat(fleetCalls).containsExactly("composeFile cvm-a");
    }

    @Test
    void aComposeThatCannotBeReadBecausePhalaHasNoSuchCvmIsRejectedNamingTheTargets() {
        Result result = push("prod", image("v1.0.1", DIGEST));

        rejected(result, "prod", "targets", "targets: release channel prod: the compose file CVM cvm-a runs could not"
                + " be read: Phala answered 404: CVM not found");
        assertThat(fleetCalls).containsExactly("composeFile cvm-a");
        assertThat(engine.calls).isEmpty();
    }

    @Test
    void aStoreThatCannotBeReadIsUnavailableAndNothingIsReadFromPhala() {
        composes.put("cvm-a", appCompose(COMPOSE));
        store.goDown();

        Result result = push("prod", image("v1.0.1", DIGEST));

        assertThat(result).isEqualTo(new Result.Unavailable(channels.get("prod"),
                "the rollout store could not be read: the rollout store is down (test)"));
        assertThat(fleetCalls).isEmpty();
        assertThat(engine.calls).isEmpty();
    }

    @Test
    void anotherDigestWhileTheChannelsRolloutRunsWaitsForItToEnd() {
        composes.put("cvm-a", appCompose(COMPOSE));
        composes.put("cvm-c", appCompose(COMPOSE));
        Rollout first = started(push("prod", image("v1.0.1", DIGEST)), true);

        Result second = push("prod", image("v1.0.2", OTHER_DIGEST));

        // Not rejected: the message goes back to the queue and is released once the rollout before has ended.
        assertThat(second).isEqualTo(new Result.Unavailable(channels.get("prod"), "targets: CVM cvm-a is in rollout "
                + first.rolloutId() + ", which has not ended; cancel it or wait for it to end"));
        assertThat(fleetCalls).containsExactly("composeFile cvm-a", "composeFile cvm-a");
    }

    // ---- rollbacks

    @Test
    void aRollbackWithoutACompletedReleaseIsRejectedAndNothingIsRead() {
        Result result = rollback("prod");

        rejected(result, "prod", "release.channel", "release.channel: release channel prod: no completed release of"
                + " this channel is recorded (within 30 days), so there is nothing to roll back");
        assertThat(fleetCalls).isEmpty();
        assertThat(engine.calls).isEmpty();
    }

    /** A completed push of the prod channel, recorded as its last release; its first target ran {@code revision} before. */
    private String completedRelease(String revision) throws Exception {
        return completedRelease(revision, "rev_other");
    }

    private String completedRelease(String revision, String secondRevision) throws Exception {
        String id = idOf("release:prod:" + OTHER_DIGEST);
        Rollout.Target a = new Rollout.Target("cvm-a", "healthy", null, "vm-a", APP, "aa".repeat(32), revision);
        Rollout.Target b = new Rollout.Target("cvm-b", "healthy", null, "vm-b", APP, "aa".repeat(32), secondRevision);
        Rollout done = new Rollout(id, "completed", "fp", "bb".repeat(32), Trigger.ECR, ACTOR, null,
                clock.instant().minusSeconds(600), clock.instant().minusSeconds(60),
                List.of(new Rollout.Wave(1, "healthy", clock.instant().minusSeconds(500), List.of(a)),
                        new Rollout.Wave(2, "healthy", clock.instant().minusSeconds(300), List.of(b))),
                Map.of(), null, null, null, null, null, "{}", 0, null,
                new Rollout.Release("prod", "push", "shop", "v1.0.0", OTHER_DIGEST, REGISTRY + "/shop@" + OTHER_DIGEST,
                        null, null, List.of(new Rollout.LineChange(3, IMAGE_LINE, PINNED_LINE))));
        assertThat(store.create(done, "{}")).isTrue();
        store.putLastRelease("prod", id);
        return id;
    }

    @Test
    void aRollbackReadsTheRevisionBeforeTheLastReleaseAndStartsItAsOneWaveThatStopsOnFailure() throws Exception {
        String last = completedRelease("rev_7Hk2");
        String revisionCompose = appCompose(COMPOSE);
        revisions.put(APP + " rev_7Hk2", revisionCompose);

        Result result = rollback("prod");

        Rollout rollout = started(result, true);
        String id = idOf("rollback:prod:" + last);
        assertThat(rollout.rolloutId()).isEqualTo(id);
        assertThat(rollout.status()).isEqualTo("running");
        assertThat(rollout.trigger()).isEqualTo(Trigger.SLACK);
        assertThat(rollout.actor()).isEqualTo("U0BOSS");
        assertThat(rollout.replyUrl()).isEqualTo("https://hooks.slack.com/x");
        assertThat(rollout.release()).isEqualTo(new Rollout.Release("prod", "rollback", null, null, null, null, last,
                "rev_7Hk2", List.of()));
        assertThat(rollout.waves()).hasSize(1);
        assertThat(rollout.waves().get(0).cvms()).extracting(Rollout.Target::cvmId).containsExactly("cvm-a", "cvm-b");
        assertThat(fleetCalls).containsExactly("revision " + APP + " rev_7Hk2");

        assertThat(engine.calls).hasSize(1);
        RecordingEngine.Call call = engine.calls.get(0);
        assertThat(call.kind()).isEqualTo("start");
        assertThat(call.nameOrToken()).isEqualTo(id);
        JrsValue input = Json.parse(call.text());
        assertThat(Json.size(input.path("waves"))).isEqualTo(1);
        assertThat(Json.text(input.path("strategy").path("on_failure"))).isEqualTo("stop");
        assertThat(call.text()).isEqualTo("{\"rollout_id\":\"" + id + "\",\"strategy\":{\"check_interval_seconds\":15,"
                + "\"bake_seconds\":60,\"has_alarms\":false,\"alarms\":[],\"on_failure\":\"stop\","
                + "\"approval_timeout_seconds\":86400},\"waves\":[{\"number\":1,\"approve_after\":false}]}");

        JrsValue kept = keptRequest(id);
        assertThat(Json.write(kept.path("app_compose"))).isEqualTo(revisionCompose);
        assertThat(Json.write(kept.path("targets"))).isEqualTo("{\"cvms\":[\"cvm-a\",\"cvm-b\"]}");
        assertThat(kept.path("env").isMissingNode()).as("env kept as the CVMs have it").isTrue();
        assertThat(Json.write(kept.path("strategy").path("waves"))).isEqualTo("[\"100%\"]");
        assertThat(Json.text(kept.path("strategy").path("on_failure"))).isEqualTo("stop");
    }

    @Test
    void aRollbackAskedForAgainIsTheSameRolloutAndNothingIsReadAgain() throws Exception {
        completedRelease("rev_7Hk2");
        revisions.put(APP + " rev_7Hk2", appCompose(COMPOSE));
        Rollout first = started(rollback("prod"), true);

        Result again = rollback("prod");

        assertThat(again).isEqualTo(new Result.Started(channels.get("prod"), first, false));
        assertThat(fleetCalls).containsExactly("revision " + APP + " rev_7Hk2");
        assertThat(engine.calls).hasSize(1);
    }

    @Test
    void aRollbackGoesBackToTheRevisionOfTheFirstCvmThatRecordedOne() throws Exception {
        String last = completedRelease(null, "rev_b");
        revisions.put(APP + " rev_b", appCompose(COMPOSE));

        Rollout rollout = started(rollback("prod"), true);

        assertThat(rollout.release()).isEqualTo(new Rollout.Release("prod", "rollback", null, null, null, null, last,
                "rev_b", List.of()));
        assertThat(fleetCalls).containsExactly("revision " + APP + " rev_b");
    }

    @Test
    void aRollbackWhoseLastReleaseRecordedNoRevisionIsRejectedAndNothingIsRead() throws Exception {
        String last = completedRelease(null, null);

        Result result = rollback("prod");

        rejected(result, "prod", "release.channel", "release.channel: release channel prod: its last release " + last
                + " recorded no revision to go back to");
        assertThat(fleetCalls).isEmpty();
        assertThat(engine.calls).isEmpty();
    }

    @Test
    void aRollbackRecordedAsTheLastReleaseButNoLongerStoredIsRejected() throws Exception {
        store.putLastRelease("prod", "ro_000000000000000000000000");

        rejected(rollback("prod"), "prod", "release.channel", "release.channel: release channel prod: no completed"
                + " release of this channel is recorded (within 30 days), so there is nothing to roll back");
        assertThat(fleetCalls).isEmpty();
    }

    @Test
    void aRollbackWhoseRevisionPhalaDoesNotHaveIsRejectedNamingTheChannel() throws Exception {
        completedRelease("rev_gone");

        Result result = rollback("prod");

        rejected(result, "prod", "release.channel", "release.channel: release channel prod: revision rev_gone of app "
                + APP + " could not be read: Phala answered 404: Revision not found");
        assertThat(fleetCalls).containsExactly("revision " + APP + " rev_gone");
        assertThat(engine.calls).isEmpty();
    }

    @Test
    void aRollbackWhenTheStoreIsDownIsUnavailable() throws Exception {
        completedRelease("rev_7Hk2");
        store.goDown();

        assertThat(rollback("prod")).isEqualTo(new Result.Unavailable(channels.get("prod"),
                "the rollout store could not be read: the rollout store is down (test)"));
        assertThat(fleetCalls).isEmpty();
    }

    // ---- a start cut short

    @Test
    void aPushWhoseExecutionCouldNotBeStartedIsUnavailableAndStartedWhenDeliveredAgain() throws Exception {
        composes.put("cvm-a", appCompose(COMPOSE));
        engineDown = true;
        String id = idOf("release:prod:" + DIGEST);

        Result first = push("prod", image("v1.0.1", DIGEST));

        assertThat(first).isEqualTo(new Result.Unavailable(channels.get("prod"), "the rollout " + id + " is recorded but"
                + " its execution could not be started (StartExecution: ServiceUnavailable (test)); send the same"
                + " request again"));
        assertThat(store.find(id).orElseThrow().status()).isEqualTo("starting");
        engineDown = false;

        Rollout again = started(push("prod", image("v1.0.1", DIGEST)), true);

        assertThat(again.rolloutId()).isEqualTo(id);
        assertThat(again.status()).as("its execution started").isEqualTo("running");
        assertThat(store.find(id).orElseThrow().status()).isEqualTo("running");
        assertThat(engine.calls).extracting(RecordingEngine.Call::nameOrToken).containsExactly(id);
        assertThat(fleetCalls).as("nothing read again").containsExactly("composeFile cvm-a");
    }

    @Test
    void aRollbackWhoseExecutionCouldNotBeStartedIsStartedWhenAskedForAgain() throws Exception {
        String last = completedRelease("rev_7Hk2");
        revisions.put(APP + " rev_7Hk2", appCompose(COMPOSE));
        engineDown = true;
        String id = idOf("rollback:prod:" + last);

        assertThat(rollback("prod")).isInstanceOf(Result.Unavailable.class);
        engineDown = false;
        Rollout again = started(rollback("prod"), true);

        assertThat(again.rolloutId()).isEqualTo(id);
        assertThat(again.status()).isEqualTo("running");
        assertThat(engine.calls).extracting(RecordingEngine.Call::nameOrToken).containsExactly(id);
        assertThat(fleetCalls).containsExactly("revision " + APP + " rev_7Hk2");
    }
}
