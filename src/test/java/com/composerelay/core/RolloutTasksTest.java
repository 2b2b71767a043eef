package com.composerelay.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.composerelay.core.RolloutTask.Answer;
import com.composerelay.local.PhalaStandIn;
import com.composerelay.local.PhalaStandIn.Script;
import com.composerelay.net.HttpClients;
import com.composerelay.phala.HttpPhalaApi;
import com.composerelay.support.RolloutRig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The rollout's tasks driven as the state machine drives them, against the Phala stand-in through
 * the relay's HTTP adapter: the exact Phala requests, the answers, the record, the reports.
 */
class RolloutTasksTest {
    private static final String STRATEGY = "{\"waves\":[1,2,\"100%\"],\"check_interval_seconds\":15,\"bake_seconds\":60}";
    private static final String COMPOSE = "{\"docker_compose_file\":\"services: {web: {image: shop:2}}\",\"name\":\"shop\"}";
    private static final String PROVISION_BODY = "{\"docker_compose_file\":\"services: {web: {image: shop:2}}\","
            + "\"name\":\"shop\",\"update_env_vars\":false}";
    /** The stand-in's compose hash of a provision: SHA-256 of its body. */
    private static final String NEW = Fingerprint.sha256Hex(PROVISION_BODY.getBytes(StandardCharsets.UTF_8));
    private static final String APP_PATH = "/api/v1/apps/" + RolloutRig.APP_HEX;
    private static final String REVISIONS = "GET " + APP_PATH + "/revisions?page=1&page_size=100";
    private static final Answer HEALTHY = new Answer.Success("{\"healthy\":true}");
    private static final Answer NOT_YET = new Answer.Success("{\"healthy\":false}");
    private static final Answer DONE = new Answer.Success("{}");
    private static final String BOOT_ERROR = "container shop exited with code 1";

    private final RolloutRig rig = new RolloutRig();
    /** u0 (wave 1, the lead), u1 (wave 2), u2 and u3 (wave 3). */
    private final List<String> u = rig.standIn.addApp(RolloutRig.APP, 4, RolloutRig.OLD);
    private String id;

    @AfterEach
    void stop() {
        rig.close();
    }

    /** The stand-in's n-th revision: rev_7a01 … rev_7a04 are the CVMs' first deploys. */
    private static String rev(int n) {
        return "rev_" + Integer.toHexString(0x7a00 + n);
    }

    private static String batch(String... vmUuids) {
        return "POST /api/v1/status/batch {\"vm_uuids\":[" + String.join(",", Stream.of(vmUuids).map(v -> "\"" + v + "\"")
                .toList()) + "]}";
    }

    private static String read(String vmUuid) {
        return "GET /api/v1/cvms/" + vmUuid;
    }

    private static String redeploy(String vmUuid, String revision) {
        return "POST /api/v1/cvms/" + vmUuid + "/revisions/" + revision + "/redeploy";
    }

    private static String patch(String vmUuid, String body) {
        return "PATCH /api/v1/cvms/" + vmUuid + "/compose_file " + body;
    }

    private void start() {
        start(STRATEGY);
    }

    private void start(String strategy) {
        id = rig.started(RolloutRig.appBody(strategy), "key-1").rolloutId();
        rig.journal.clear();
    }

    private Answer run(String kind, Integer wave) throws Exception {
        return rig.run(RolloutRig.task(kind, id, wave));
    }

    private Answer check(int wave, String phase) throws Exception {
        return rig.run(RolloutRig.check(id, wave, phase));
    }

    private Answer finish(String result, String error, String cause) throws Exception {
        return rig.run(RolloutRig.finish(id, result, error, cause));
    }

    private Rollout record() {
        return rig.find(id);
    }

    private List<String> targets(String what) {
        List<String> out = new ArrayList<>();
        for (Rollout.Target t : record().targets()) {
            out.add(switch (what) {
                case "status" -> t.status();
                case "error" -> String.valueOf(t.error());
                case "revision" -> String.valueOf(t.revisionBefore());
                default -> throw new IllegalArgumentException(what);
            });
        }
        return out;
    }

    private List<String> waveStatuses() {
        return record().waves().stream().map(Rollout.Wave::status).toList();
    }

    private List<String> reported() {
        return rig.reports.stream().map(r -> r.kind().wire() + (r.wave() == null ? "" : " " + r.wave())).toList();
    }

    /** Prepare, then wave {@code n} up to healthy and baked, its outcome published. */
    private void wave(int n) throws Exception {
        assertThat(run("snapshot", n)).isEqualTo(DONE);
        assertThat(run("commit", n)).isEqualTo(DONE);
        assertThat(check(n, "wave")).isEqualTo(NOT_YET);
        rig.clock.advance(RolloutRig.UPDATE);
        assertThat(check(n, "wave")).isEqualTo(HEALTHY);
        rig.clock.advance(Duration.ofSeconds(60));
        assertThat(check(n, "bake")).isEqualTo(HEALTHY);
        assertThat(run("wave_done", n)).isEqualTo(DONE);
    }

    /** Waves 1 done, wave 2's CVM (u1) redeployed and failing with a boot error at its check. */
    private Answer failWaveTwo() throws Exception {
        rig.standIn.onRedeploy(u.get(1), Script.fails("error", BOOT_ERROR));
        start();
        run("prepare", null);
        wave(1);
        run("snapshot", 2);
        run("commit", 2);
        rig.clock.advance(RolloutRig.UPDATE);
        rig.journal.clear();
        return check(2, "wave");
    }

    // ---- the whole way, all healthy

    @Test
    void aRolloutOfFourCvmsInThreeWavesMakesExactlyTheseCallsAndCompletes() throws Exception {
        start();

        assertThat(run("prepare", null)).isEqualTo(DONE);
        assertThat(rig.journal.calls()).containsExactly(read(u.get(0)), read(u.get(1)), read(u.get(2)), read(u.get(3)),
                "POST /api/v1/cvms/" + u.get(0) + "/compose_file/provision " + PROVISION_BODY);
        assertThat(record().composeHash()).isEqualTo(NEW);
        assertThat(record().apps()).containsExactly(java.util.Map.entry(RolloutRig.APP_HEX,
                new Rollout.App(RolloutRig.APP_HEX, u.get(0), NEW)));
        assertThat(record().targets()).allSatisfy(t -> {
            assertThat(t.vmUuid()).isEqualTo(t.cvmId());
            assertThat(t.appId()).isEqualTo(RolloutRig.APP_HEX);
            assertThat(t.hashBefore()).isEqualTo(RolloutRig.OLD);
        });
        rig.journal.clear();

        assertThat(run("snapshot", 1)).isEqualTo(DONE);
        assertThat(targets("revision")).containsExactly(rev(1), "null", "null", "null");
        assertThat(run("commit", 1)).isEqualTo(DONE);
        assertThat(targets("status")).containsExactly("updating", "pending", "pending", "pending");
        assertThat(waveStatuses()).containsExactly("updating", "pending", "pending");
        assertThat(check(1, "wave")).isEqualTo(NOT_YET);
        assertThat(targets("status")).containsExactly("updating", "pending", "pending", "pending");
        rig.clock.advance(RolloutRig.UPDATE);
        assertThat(check(1, "wave")).isEqualTo(HEALTHY);
        assertThat(targets("status")).containsExactly("healthy", "pending", "pending", "pending");
        rig.clock.advance(Duration.ofSeconds(60));
        assertThat(check(1, "bake")).isEqualTo(HEALTHY);
        assertThat(run("wave_done", 1)).isEqualTo(DONE);
        assertThat(waveStatuses()).containsExactly("completed", "pending", "pending");
        assertThat(rig.journal.calls()).containsExactly(REVISIONS,
                patch(u.get(0), "{\"compose_hash\":\"" + NEW + "\"}"),
                batch(u.get(0)), batch(u.get(0)), read(u.get(0)), batch(u.get(0)));
        rig.journal.clear();

        wave(2);
        assertThat(rig.journal.calls()).as("the others get the lead's new revision").containsExactly(REVISIONS,
                REVISIONS, redeploy(u.get(1), rev(5)),
                batch(u.get(1)), batch(u.get(1)), read(u.get(1)), batch(u.get(1)));
        rig.journal.clear();

        wave(3);
        // The revisions read once by the snapshot and once by the commit, whatever the wave's size.
        assertThat(rig.journal.calls()).as("one status batch per check whatever the wave's size").containsExactly(
                REVISIONS, REVISIONS, redeploy(u.get(2), rev(5)), redeploy(u.get(3), rev(5)),
                batch(u.get(2), u.get(3)), batch(u.get(2), u.get(3)), read(u.get(2)), read(u.get(3)),
                batch(u.get(2), u.get(3)));
        rig.journal.clear();

        assertThat(finish("completed", null, null)).isEqualTo(DONE);
        assertThat(rig.journal.calls()).isEmpty();
        Rollout done = record();
        assertThat(done.status()).isEqualTo("completed");
        assertThat(done.endedAt()).isEqualTo(rig.clock.instant());
        assertThat(done.failure()).isNull();
        assertThat(targets("status")).containsOnly("healthy");
        assertThat(targets("revision")).containsExactly(rev(1), rev(2), rev(3), rev(4));
        assertThat(waveStatuses()).containsOnly("completed");
        assertThat(rig.memory.holders()).isEmpty();
        assertThat(reported()).containsExactly("rollout.started", "rollout.wave 1", "rollout.wave 2", "rollout.wave 3",
                "rollout.finished");
        assertThat(rig.reports.getLast().rollout().status()).isEqualTo("completed");
        for (String cvm : u) {
            assertThat(rig.standIn.composeHash(cvm)).isEqualTo(NEW);
            assertThat(rig.standIn.status(cvm)).isEqualTo("running");
        }
        assertThat(rig.standIn.commits(u.get(0))).containsExactly(NEW);
        assertThat(rig.standIn.redeploys(u.get(0))).isEmpty();
        assertThat(u.subList(1, 4)).allSatisfy(cvm -> {
            assertThat(rig.standIn.commits(cvm)).isEmpty();
            assertThat(rig.standIn.redeploys(cvm)).containsExactly(rev(5));
        });
        assertThat(rig.engine.calls).extracting(c -> c.kind()).containsExactly("start");
    }

    @Test
    void anEnvIsSealedOnceAtPrepareAndTheLeadsPatchCarriesIt() throws Exception {
        id = rig.started("{\"targets\":{\"app_id\":\"" + RolloutRig.APP + "\"},\"app_compose\":" + COMPOSE
                + ",\"env\":{\"GREETING\":\"hello\"},\"strategy\":{\"waves\":[1,\"100%\"]}}", "key-env").rolloutId();
        rig.journal.clear();

        run("prepare", null);
        String sealed = rig.memory.sealedEnv(id, RolloutRig.APP_HEX).orElseThrow();
        String provision = "{\"docker_compose_file\":\"services: {web: {image: shop:2}}\",\"name\":\"shop\","
                + "\"allowed_envs\":[\"GREETING\"],\"update_env_vars\":true}";
        String hash = Fingerprint.sha256Hex(provision.getBytes(StandardCharsets.UTF_8));
        assertThat(rig.journal.calls()).containsExactly(read(u.get(0)), read(u.get(1)), read(u.get(2)), read(u.get(3)),
                read(u.get(0)), "POST /api/v1/cvms/" + u.get(0) + "/compose_file/provision " + provision);
        rig.journal.clear();
        run("snapshot", 1);
        run("commit", 1);

        assertThat(rig.journal.calls()).containsExactly(REVISIONS, patch(u.get(0), "{\"compose_hash\":\"" + hash
                + "\",\"encrypted_env\":\"" + sealed + "\",\"env_keys\":[\"GREETING\"],\"update_env_vars\":true}"));
        assertThat(sealed).doesNotContain("hello");
    }

    // ---- failures

    @Test
    void aCvmFailingWithABootErrorFailsTheRolloutNamingIt() throws Exception {
        Answer answer = failWaveTwo();

        assertThat(answer).isEqualTo(new Answer.Failure("RolloutFailed", u.get(1) + ": boot error: " + BOOT_ERROR));
        assertThat(targets("status")).containsExactly("healthy", "failed", "pending", "pending");
        assertThat(targets("error")).containsExactly("null", "boot error: " + BOOT_ERROR, "null", "null");
        assertThat(record().failure()).isEqualTo(new Rollout.Failure(u.get(1), "boot error: " + BOOT_ERROR));
        assertThat(record().status()).isEqualTo("running");
        assertThat(rig.journal.calls()).as("a broken CVM's hash is not read").containsExactly(batch(u.get(1)));
    }

    @Test
    void aWaveNotHealthyWithinItsTimeoutFailsNamingTheCvmStillWaiting() throws Exception {
        rig.standIn.onRedeploy(u.get(1), Script.neverFinishes());
        start();
        run("prepare", null);
        wave(1);
        run("snapshot", 2);
        run("commit", 2);

        rig.clock.advance(Duration.ofSeconds(600));
        assertThat(check(2, "wave")).as("at the timeout, not after it").isEqualTo(NOT_YET);
        rig.clock.advance(Duration.ofSeconds(1));
        Answer answer = check(2, "wave");

        String why = "not healthy within 600 s (status updating, in progress)";
        assertThat(answer).isEqualTo(new Answer.Failure("RolloutFailed", u.get(1) + ": " + why));
        assertThat(targets("status")).containsExactly("healthy", "failed", "pending", "pending");
        assertThat(record().failure()).isEqualTo(new Rollout.Failure(u.get(1), why));
    }

    @Test
    void aBakeThatFindsACvmDownFailsItThereIsNoHealthyFalseAfterTheBake() throws Exception {
        start();
        run("prepare", null);
        run("snapshot", 1);
        run("commit", 1);
        rig.clock.advance(RolloutRig.UPDATE);
        assertThat(check(1, "wave")).isEqualTo(HEALTHY);
        rig.standIn.onCommit(u.get(0), Script.neverFinishes());
        // Someone else's commit during the bake: the CVM is in progress again.
        direct().patchComposeFile(new ComposeUpdate(u.get(0), "0c".repeat(32), CallerValue.absent(),
                CallerValue.absent(), CallerValue.absent()), RolloutRig.KEY, Duration.ofSeconds(2));

        assertThat(check(1, "bake")).isEqualTo(new Answer.Failure("RolloutFailed", u.get(0)
                + ": not healthy after the bake: status updating, in progress"));
        assertThat(targets("status")).containsExactly("failed", "pending", "pending", "pending");
    }

    @Test
    void aRollbackRedeploysExactlyTheChangedCvmsToTheirRecordedRevisionsAndEndsHealthy() throws Exception {
        failWaveTwo();
        rig.standIn.onRedeploy(u.get(1), Script.boots());
        rig.journal.clear();

        assertThat(run("rollback", null)).isEqualTo(DONE);
        assertThat(rig.journal.calls()).containsExactly(redeploy(u.get(0), rev(1)), redeploy(u.get(1), rev(2)));
        assertThat(targets("status")).containsExactly("rolling_back", "rolling_back", "pending", "pending");
        assertThat(record().rollbackAt()).isEqualTo(rig.clock.instant());
        assertThat(run("rollback", null)).as("redelivered").isEqualTo(DONE);
        assertThat(rig.journal.calls()).hasSize(2);
        rig.journal.clear();

        assertThat(rig.run(RolloutRig.task("rollback_check", id, null))).isEqualTo(NOT_YET);
        rig.clock.advance(RolloutRig.UPDATE);
        assertThat(rig.run(RolloutRig.task("rollback_check", id, null))).isEqualTo(HEALTHY);
        assertThat(rig.journal.calls()).containsExactly(batch(u.get(0), u.get(1)), batch(u.get(0), u.get(1)),
                read(u.get(0)), read(u.get(1)));
        assertThat(targets("status")).containsExactly("rolled_back", "rolled_back", "pending", "pending");
        assertThat(finish("rolled_back", "RolloutFailed", u.get(1) + ": boot error: " + BOOT_ERROR)).isEqualTo(DONE);

        Rollout ended = record();
        assertThat(ended.status()).isEqualTo("rolled_back");
        assertThat(ended.failure()).isEqualTo(new Rollout.Failure(u.get(1), "boot error: " + BOOT_ERROR));
        assertThat(rig.standIn.redeploys(u.get(0))).containsExactly(rev(1));
        assertThat(rig.standIn.redeploys(u.get(1))).containsExactly(rev(5), rev(2));
        assertThat(rig.standIn.composeHash(u.get(0))).isEqualTo(RolloutRig.OLD);
        assertThat(rig.standIn.composeHash(u.get(1))).isEqualTo(RolloutRig.OLD);
        assertThat(rig.standIn.bootError(u.get(1))).isNull();
        for (String later : u.subList(2, 4)) {
            assertThat(rig.standIn.commits(later)).as("later waves untouched").isEmpty();
            assertThat(rig.standIn.redeploys(later)).isEmpty();
            assertThat(rig.standIn.revisions(later)).hasSize(1);
        }
        assertThat(reported()).containsExactly("rollout.started", "rollout.wave 1", "rollout.finished");
        assertThat(rig.memory.holders()).isEmpty();
    }

    @Test
    void aCvmThatNeverComesBackEndsTheRollbackFailedNamingIt() throws Exception {
        failWaveTwo();
        rig.standIn.onRedeploy(u.get(1), Script.neverFinishes());
        run("rollback", null);

        rig.clock.advance(RolloutRig.UPDATE);
        assertThat(rig.run(RolloutRig.task("rollback_check", id, null))).isEqualTo(NOT_YET);
        assertThat(targets("status")).containsExactly("rolled_back", "rolling_back", "pending", "pending");
        rig.clock.advance(Duration.ofSeconds(600 - 30 + 1));
        Answer answer = rig.run(RolloutRig.task("rollback_check", id, null));

        String why = "not back on its old compose within 600 s (status updating, in progress)";
        assertThat(answer).isEqualTo(new Answer.Failure("RollbackFailed", u.get(1) + ": " + why));
        assertThat(targets("status")).containsExactly("rolled_back", "rollback_failed", "pending", "pending");
        assertThat(targets("error")).containsExactly("null", why, "null", "null");
        finish("rollback_failed", "RollbackFailed", u.get(1) + ": " + why);
        assertThat(record().status()).isEqualTo("rollback_failed");
        assertThat(record().failure()).as("what caused the rollback").isEqualTo(new Rollout.Failure(u.get(1),
                "boot error: " + BOOT_ERROR));
    }

    @Test
    void aCvmBrokenOnItsOldRevisionFailsTheRollbackAtOnce() throws Exception {
        failWaveTwo();
        rig.standIn.onRedeploy(u.get(1), Script.fails("stopped", "boot timed out"));
        run("rollback", null);
        rig.clock.advance(RolloutRig.UPDATE);

        assertThat(rig.run(RolloutRig.task("rollback_check", id, null))).isEqualTo(new Answer.Failure("RollbackFailed",
                u.get(1) + ": boot error: boot timed out"));
        assertThat(targets("status")).containsExactly("rolled_back", "rollback_failed", "pending", "pending");
    }

    @Test
    void aRedeliveredCommitNeverCommitsOrRedeploysTwice() throws Exception {
        start();
        run("prepare", null);
        run("snapshot", 1);
        assertThat(run("commit", 1)).isEqualTo(DONE);
        assertThat(run("commit", 1)).isEqualTo(DONE);
        rig.clock.advance(RolloutRig.UPDATE);
        check(1, "wave");
        run("snapshot", 2);
        assertThat(run("commit", 2)).isEqualTo(DONE);
        assertThat(run("commit", 2)).isEqualTo(DONE);

        assertThat(rig.standIn.commits(u.get(0))).containsExactly(NEW);
        assertThat(rig.standIn.redeploys(u.get(1))).containsExactly(rev(5));
        assertThat(rig.journal.calls(c -> c.startsWith("PATCH") || c.endsWith("/redeploy"))).hasSize(2);
        assertThat(rig.standIn.conflictsAnswered()).isZero();
    }

    @Test
    void aCommitWhoseRecordWasNotWrittenIsNotSentAgainWhenTheTaskComesBack() throws Exception {
        start();
        run("prepare", null);
        run("snapshot", 1);
        SavesFail store = new SavesFail(rig.memory);
        rig.store = store;
        store.failing = true;

        assertThatThrownBy(() -> run("commit", 1)).isInstanceOf(RolloutTask.Retry.class)
                .hasMessage("the rollout store is down for saves (test)");
        assertThat(rig.standIn.commits(u.get(0))).containsExactly(NEW);
        assertThat(targets("status")).containsExactly("pending", "pending", "pending", "pending");
        store.failing = false;
        assertThat(run("commit", 1)).isEqualTo(DONE);

        assertThat(rig.standIn.commits(u.get(0))).containsExactly(NEW);
        assertThat(targets("status")).containsExactly("updating", "pending", "pending", "pending");
        assertThat(rig.journal.calls(c -> c.startsWith("PATCH"))).hasSize(1);
    }

    @Test
    void aCommitInProgressInAnotherDeliveryIsRetriedNotSent() throws Exception {
        start();
        run("prepare", null);
        run("snapshot", 1);
        rig.table.lockHeldElsewhere(StoreKeys.ROLLOUT_STEP.of(id + ":commit:" + u.get(0)),
                rig.clock.instant().plusSeconds(60));

        assertThatThrownBy(() -> run("commit", 1)).isInstanceOf(RolloutTask.Retry.class)
                .hasMessage("the commit of " + u.get(0) + " is in progress in another delivery");
        assertThat(rig.standIn.commits(u.get(0))).isEmpty();
    }

    @Test
    void aCancelIsAnsweredAtTheNextCheckRolledBackOrKept() throws Exception {
        start();
        run("prepare", null);
        run("snapshot", 1);
        run("commit", 1);
        assertThat(rig.rollouts().cancel(id, true, "arn:aws:iam::111122223333:user/ops"))
                .isInstanceOf(Rollouts.Answer.Done.class);
        rig.journal.clear();

        assertThat(check(1, "wave")).isEqualTo(new Answer.Failure("RolloutCancelled", "cancelled"));
        assertThat(rig.journal.calls()).as("no Phala call once cancelled").isEmpty();
        assertThat(record().failure()).isEqualTo(new Rollout.Failure(null,
                "cancelled by arn:aws:iam::111122223333:user/ops"));
        assertThat(finish("rolled_back", "RolloutCancelled", "cancelled")).isEqualTo(DONE);
        assertThat(record().status()).isEqualTo("cancelled");
    }

    @Test
    void aCancelWithoutRollbackIsRolloutCancelledKeepAndEndsCancelled() throws Exception {
        start();
        run("prepare", null);
        run("snapshot", 1);
        run("commit", 1);
        rig.rollouts().cancel(id, false, null);

        assertThat(check(1, "bake")).isEqualTo(new Answer.Failure("RolloutCancelledKeep", "cancelled"));
        assertThat(finish("cancelled", "RolloutCancelledKeep", "cancelled")).isEqualTo(DONE);
        assertThat(record().status()).isEqualTo("cancelled");
        assertThat(record().failure()).isEqualTo(new Rollout.Failure(null, "cancelled by a caller"));
        assertThat(rig.standIn.redeploys(u.get(0))).isEmpty();
    }

    @Test
    void aPauseStoresItsTokenAnswersLaterAndIsReportedOnce() throws Exception {
        start("{\"waves\":[1,2,\"100%\"],\"approve_after\":[1]}");
        run("prepare", null);
        wave(1);

        RolloutTask pause = new RolloutTask("pause", id, 1, null, null, null, null, "tok-pause-1");
        assertThat(rig.run(pause)).isEqualTo(new Answer.Later());
        assertThat(rig.run(pause)).as("redelivered").isEqualTo(new Answer.Later());

        Rollout paused = record();
        assertThat(paused.status()).isEqualTo("paused");
        assertThat(paused.pauseToken()).isEqualTo("tok-pause-1");
        assertThat(paused.pausedAfter()).isEqualTo(1);
        assertThat(reported()).containsExactly("rollout.started", "rollout.wave 1", "rollout.paused 1");
        assertThat(rig.reports.getLast().wave()).isEqualTo(1);
        assertThat(rig.reports.getLast().rollout().status()).isEqualTo("paused");
    }

    @Test
    void aPauseOfACancelledRolloutIsAnsweredCancelled() throws Exception {
        start("{\"waves\":[1,2,\"100%\"],\"approve_after\":[1]}");
        rig.rollouts().cancel(id, true, "ops");

        assertThat(run("pause", 1)).isEqualTo(new Answer.Failure("RolloutCancelled", "cancelled"));
        assertThat(record().pauseToken()).isNull();
    }

    @Test
    void waveDoneAndFinishAreReportedOnceWhenRedelivered() throws Exception {
        start();
        run("prepare", null);
        wave(1);
        assertThat(run("wave_done", 1)).isEqualTo(DONE);
        assertThat(finish("completed", null, null)).isEqualTo(DONE);
        rig.clock.advance(Duration.ofMinutes(1));
        assertThat(finish("failed", "RolloutFailed", "late")).isEqualTo(DONE);

        assertThat(reported()).containsExactly("rollout.started", "rollout.wave 1", "rollout.finished");
        assertThat(record().status()).as("the first finish decides").isEqualTo("completed");
        assertThat(record().endedAt()).isEqualTo(rig.clock.instant().minus(Duration.ofMinutes(1)));
    }

    @ParameterizedTest(name = "{0} after {1} ends {3}")
    @CsvSource(nullValues = "-", value = {
            "completed, -, -, completed",
            "failed, RolloutFailed, 'cvm: boot error: x', failed",
            "rolled_back, RolloutFailed, 'cvm: boot error: x', rolled_back",
            "rolled_back, RolloutCancelled, cancelled, cancelled",
            "cancelled, RolloutCancelledKeep, cancelled, cancelled",
            "rollback_failed, RollbackFailed, 'cvm: not back', rollback_failed",
            "rolled_back, RolloutAborted, 'aborted by ops', rolled_back",
            "rolled_back, States.Timeout, -, rolled_back",
            "-, -, -, failed"})
    void finishComputesTheFinalStatusAndReleasesTheCvms(String result, String error, String cause, String status)
            throws Exception {
        start();
        assertThat(rig.memory.holders()).hasSize(4).containsValue(id);

        assertThat(finish(result, error, cause)).isEqualTo(DONE);

        assertThat(record().status()).isEqualTo(status);
        assertThat(record().ended()).isTrue();
        assertThat(record().endedAt()).isEqualTo(rig.clock.instant());
        assertThat(record().pauseToken()).isNull();
        assertThat(rig.memory.holders()).isEmpty();
        assertThat(rig.reports.getLast().kind()).isEqualTo(RolloutReports.Kind.FINISHED);
        assertThat(rig.reports.getLast().rollout().status()).isEqualTo(status);
    }

    @ParameterizedTest(name = "a {0} release that ends {1}: recorded as the channel's last: {2}")
    @CsvSource({"push, completed, true", "deploy, completed, true", "push, failed, false", "rollback, completed, false"})
    void aCompletedPushOrDeployIsTheChannelsLastReleaseWhichARollbackUndoes(String kind, String result, boolean recorded)
            throws Exception {
        start();
        rig.memory.save(record().withRelease(new Rollout.Release("shop-prod", kind, null, null, null, null, null, null,
                List.of())));

        finish(result, "failed".equals(result) ? "RolloutFailed" : null, "failed".equals(result) ? "cvm: x" : null);

        assertThat(rig.memory.lastRelease("shop-prod")).isEqualTo(recorded ? Optional.of(id) : Optional.empty());
    }

    @Test
    void finishRecordsWhatTheMachineCaughtWhenNoTaskRecordedWhy() throws Exception {
        start("{\"waves\":[1,\"100%\"],\"alarms\":[\"shop-5xx\"]}");

        finish("rolled_back", "AlarmFired", "[\"shop-5xx\"]");

        assertThat(record().failure()).isEqualTo(new Rollout.Failure(null, "alarm in ALARM: [\"shop-5xx\"]"));
    }

    @Test
    void aCvmWithNoRevisionForTheHashItRunsFailsAtSnapshotBeforeAnythingChanges() throws Exception {
        // u0 runs OLD, but its newest revision is an update to another hash that never finished.
        rig.standIn.onCommit(u.get(0), Script.neverFinishes());
        rig.clock.advance(Duration.ofSeconds(1));
        direct().patchComposeFile(new ComposeUpdate(u.get(0), "0c".repeat(32), CallerValue.absent(),
                CallerValue.absent(), CallerValue.absent()), RolloutRig.KEY, Duration.ofSeconds(2));
        start();
        run("prepare", null);
        rig.journal.clear();

        Answer answer = run("snapshot", 1);

        String why = "no revision of app " + RolloutRig.APP_HEX + " records the compose hash the CVM runs ("
                + RolloutRig.OLD + "), so it could not be rolled back; it was not changed";
        assertThat(answer).isEqualTo(new Answer.Failure("RolloutFailed", u.get(0) + ": " + why));
        assertThat(rig.journal.calls()).containsExactly(REVISIONS);
        assertThat(record().failure()).isEqualTo(new Rollout.Failure(u.get(0), why));
        assertThat(targets("status")).containsOnly("pending");
        assertThat(targets("revision")).containsOnly("null");
        assertThat(run("rollback", null)).as("nothing to roll back").isEqualTo(DONE);
        assertThat(rig.journal.calls()).containsExactly(REVISIONS);
    }

    @Test
    void theStoreDownIsRetryAndNothingIsCalled() throws Exception {
        start();
        rig.memory.goDown();

        for (RolloutTask task : List.of(RolloutRig.task("prepare", id, null), RolloutRig.task("commit", id, 1),
                RolloutRig.check(id, 1, "wave"), RolloutRig.finish(id, "completed", null, null))) {
            assertThatThrownBy(() -> rig.run(task)).isInstanceOf(RolloutTask.Retry.class)
                    .hasMessage("the rollout store is down (test)");
        }
        assertThat(rig.journal.calls()).isEmpty();
    }

    @Test
    void aTaskOfAnUnrecordedRolloutIsRetry() {
        assertThatThrownBy(() -> rig.run(RolloutRig.task("prepare", "ro_000000000000000000000000", null)))
                .isInstanceOf(RolloutTask.Retry.class).hasMessage("no rollout ro_000000000000000000000000 is recorded");
    }

    /** The stand-in without the journal, for what others do to the fleet. */
    private HttpPhalaApi direct() {
        return new HttpPhalaApi(HttpClients.newClient(Duration.ofSeconds(2)),
                URI.create("http://127.0.0.1:" + rig.standIn.port()), "2026-05-22", rig.clock);
    }

    /** The rollouts, whose saves fail while {@link #failing}. */
    private static final class SavesFail implements RolloutStore {
        private final RolloutStore inner;
        volatile boolean failing;

        SavesFail(RolloutStore inner) {
            this.inner = inner;
        }

        @Override
        public boolean create(Rollout rollout, String requestBody) throws StoreUnavailable {
            return inner.create(rollout, requestBody);
        }

        @Override
        public Optional<Rollout> find(String rolloutId) throws StoreUnavailable {
            return inner.find(rolloutId);
        }

        @Override
        public Optional<String> requestBody(String rolloutId) throws StoreUnavailable {
            return inner.requestBody(rolloutId);
        }

        @Override
        public Rollout save(Rollout rollout) throws StoreUnavailable, Changed {
            if (failing) {
                throw new StoreUnavailable("the rollout store is down for saves (test)");
            }
            return inner.save(rollout);
        }

        @Override
        public void putSealedEnv(String rolloutId, String appId, String encryptedEnv) throws StoreUnavailable {
            inner.putSealedEnv(rolloutId, appId, encryptedEnv);
        }

        @Override
        public void putLastRelease(String channel, String rolloutId) throws StoreUnavailable {
            inner.putLastRelease(channel, rolloutId);
        }

        @Override
        public Optional<String> lastRelease(String channel) throws StoreUnavailable {
            return inner.lastRelease(channel);
        }

        @Override
        public Optional<String> sealedEnv(String rolloutId, String appId) throws StoreUnavailable {
            return inner.sealedEnv(rolloutId, appId);
        }

        @Override
        public String hold(String cvmId, String rolloutId) throws StoreUnavailable {
            return inner.hold(cvmId, rolloutId);
        }

        @Override
        public void release(String cvmId, String rolloutId) throws StoreUnavailable {
            inner.release(cvmId, rolloutId);
        }
    }
}
