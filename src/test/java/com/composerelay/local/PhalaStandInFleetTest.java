package com.composerelay.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.core.ComposeUpdate;
import com.composerelay.core.CallerValue;
import com.composerelay.core.PhalaAnswer;
import com.composerelay.core.PhalaFleet;
import com.composerelay.core.PhalaProvisioning;
import com.composerelay.net.HttpClients;
import com.composerelay.phala.HttpPhalaApi;
import com.composerelay.support.Fixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stand-in's fleet, driven in-process by the relay's own Phala adapter, its time moved by hand. */
class PhalaStandInFleetTest {
    private static final String KEY = Fixtures.API_KEY;
    private static final String APP = "app_5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b";
    private static final String OLD = "0a".repeat(32);
    private static final String NEW = "0b".repeat(32);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final AtomicLong now = new AtomicLong(1_790_000_000_000L);
    private PhalaStandIn standIn;
    private HttpPhalaApi phala;
    private List<String> cvms;

    @BeforeEach
    void start() throws Exception {
        standIn = new PhalaStandIn(0, 0.0, 0.0, 0);
        standIn.clock(now::get);
        standIn.updateMillis(1000);
        standIn.start();
        phala = new HttpPhalaApi(HttpClients.newClient(TIMEOUT), URI.create("http://127.0.0.1:" + standIn.port()),
                "2026-05-22", Clock.systemUTC());
        cvms = standIn.addApp(APP, 3, OLD);
    }

    @AfterEach
    void stop() {
        standIn.stop();
    }

    private PhalaAnswer commit(String vmUuid, String hash) throws Exception {
        return phala.patchComposeFile(new ComposeUpdate(vmUuid, hash, CallerValue.absent(), CallerValue.absent(),
                CallerValue.absent()), KEY, TIMEOUT);
    }

    private PhalaAnswer batch() throws Exception {
        return phala.statusBatch(cvms, KEY, TIMEOUT);
    }

    @Test
    void anAppListsItsCvmsByVmUuidRunningTheirFirstRevision() throws Exception {
        PhalaAnswer listed = phala.appCvms(APP, KEY, TIMEOUT);
        assertThat(PhalaFleet.list(listed.value(PhalaFleet.CVMS))).isEqualTo(cvms);
        assertThat(listed.value(PhalaFleet.key(cvms.get(0), PhalaFleet.STATUS))).isEqualTo("running");

        PhalaAnswer page = phala.revisions(APP, 1, 100, KEY, TIMEOUT);
        assertThat(page.value(PhalaFleet.TOTAL_PAGES)).isEqualTo("1");
        assertThat(PhalaFleet.list(page.value(PhalaFleet.VM_UUIDS))).containsExactlyInAnyOrderElementsOf(cvms);
        assertThat(page.value(PhalaFleet.key(cvms.get(1), PhalaFleet.COMPOSE_HASH))).isEqualTo(OLD);
        assertThat(page.value(PhalaFleet.key(cvms.get(1), PhalaFleet.REVISION_ID)))
                .isEqualTo(standIn.revisions(cvms.get(1)).get(0).revisionId());

        PhalaAnswer read = phala.readCvm(standIn.cvmId(cvms.get(2)), KEY, TIMEOUT);
        assertThat(read.values()).containsEntry(PhalaProvisioning.VM_UUID, cvms.get(2))
                .containsEntry(PhalaProvisioning.APP_ID, APP.substring(4)).containsEntry(PhalaProvisioning.STATUS, "running")
                .containsEntry(PhalaProvisioning.IN_PROGRESS, "false").containsEntry(PhalaProvisioning.COMPOSE_HASH, OLD);
    }

    @Test
    void aCommitIsInProgressThenRunsTheNewHashWithANewRevision() throws Exception {
        String cvm = cvms.get(0);
        assertThat(commit(cvm, NEW).status()).isEqualTo(202);

        PhalaAnswer during = batch();
        assertThat(during.value(PhalaFleet.key(cvm, PhalaFleet.STATUS))).isEqualTo("updating");
        assertThat(during.value(PhalaFleet.key(cvm, PhalaFleet.IN_PROGRESS))).isEqualTo("true");
        assertThat(phala.readCvm(cvm, KEY, TIMEOUT).value(PhalaProvisioning.COMPOSE_HASH)).isEqualTo(OLD);
        assertThat(commit(cvm, NEW).status()).as("busy").isEqualTo(409);

        now.addAndGet(1000);
        PhalaAnswer after = batch();
        assertThat(after.value(PhalaFleet.key(cvm, PhalaFleet.STATUS))).isEqualTo("running");
        assertThat(after.value(PhalaFleet.key(cvm, PhalaFleet.IN_PROGRESS))).isEqualTo("false");
        assertThat(after.value(PhalaFleet.key(cvm, PhalaFleet.BOOT_ERROR))).isNull();
        assertThat(phala.readCvm(cvm, KEY, TIMEOUT).value(PhalaProvisioning.COMPOSE_HASH)).isEqualTo(NEW);
        assertThat(after.value(PhalaFleet.key(cvms.get(1), PhalaFleet.STATUS))).isEqualTo("running");
        assertThat(standIn.composeHash(cvms.get(1))).as("the others untouched").isEqualTo(OLD);
        assertThat(standIn.commits(cvm)).containsExactly(NEW);
        assertThat(standIn.revisions(cvm)).extracting(PhalaStandIn.Revision::composeHash).containsExactly(NEW, OLD);
        assertThat(phala.revisions(APP, 1, 100, KEY, TIMEOUT).value(PhalaFleet.key(cvm, PhalaFleet.COMPOSE_HASH)))
                .isEqualTo(NEW);
    }

    @Test
    void aFailingCvmEndsWithABootErrorAndARedeployOfItsOldRevisionBringsItBack() throws Exception {
        String cvm = cvms.get(2);
        String before = standIn.revisions(cvm).get(0).revisionId();
        standIn.onCommit(cvm, PhalaStandIn.Script.fails("error", "container shop exited with code 1"));
        commit(cvm, NEW);
        now.addAndGet(1000);

        PhalaAnswer failed = batch();
        assertThat(failed.value(PhalaFleet.key(cvm, PhalaFleet.STATUS))).isEqualTo("error");
        assertThat(failed.value(PhalaFleet.key(cvm, PhalaFleet.IN_PROGRESS))).isEqualTo("false");
        assertThat(failed.value(PhalaFleet.key(cvm, PhalaFleet.BOOT_ERROR))).isEqualTo("container shop exited with code 1");

        assertThat(phala.redeploy(cvm, before, KEY, TIMEOUT).status()).isEqualTo(202);
        assertThat(batch().value(PhalaFleet.key(cvm, PhalaFleet.STATUS))).isEqualTo("updating");
        now.addAndGet(1000);
        assertThat(batch().value(PhalaFleet.key(cvm, PhalaFleet.STATUS))).isEqualTo("running");
        assertThat(standIn.composeHash(cvm)).isEqualTo(OLD);
        assertThat(standIn.bootError(cvm)).isNull();
        assertThat(standIn.redeploys(cvm)).containsExactly(before);
        assertThat(standIn.revisions(cvm)).extracting(PhalaStandIn.Revision::operationType)
                .containsExactly("redeploy", "update", "deploy");
    }

    @Test
    void aCvmThatNeverFinishesStaysInProgressAndBusy() throws Exception {
        String cvm = cvms.get(1);
        standIn.onCommit(cvm, PhalaStandIn.Script.neverFinishes());
        commit(cvm, NEW);
        now.addAndGet(3_600_000);

        PhalaAnswer stuck = batch();
        assertThat(stuck.value(PhalaFleet.key(cvm, PhalaFleet.STATUS))).isEqualTo("updating");
        assertThat(stuck.value(PhalaFleet.key(cvm, PhalaFleet.IN_PROGRESS))).isEqualTo("true");
        assertThat(standIn.composeHash(cvm)).isEqualTo(OLD);
        assertThat(phala.redeploy(cvm, standIn.revisions(cvm).get(1).revisionId(), KEY, TIMEOUT).status()).isEqualTo(409);
    }

    @Test
    void aStoppedBootAndScriptedConflicts() throws Exception {
        String cvm = cvms.get(0);
        standIn.conflicts(cvm, 2);
        standIn.onCommit(cvm, PhalaStandIn.Script.fails("stopped", "boot timed out"));

        assertThat(commit(cvm, NEW).status()).isEqualTo(409);
        assertThat(commit(cvm, NEW).status()).isEqualTo(409);
        assertThat(commit(cvm, NEW).status()).isEqualTo(202);
        now.addAndGet(1000);

        assertThat(standIn.status(cvm)).isEqualTo("stopped");
        assertThat(standIn.bootError(cvm)).isEqualTo("boot timed out");
        assertThat(standIn.conflictsAnswered()).isEqualTo(2);
        assertThat(standIn.commits(cvm)).containsExactly(NEW);
    }

    @Test
    void unknownRevisionsAndAppsAre404AndTheRevisionsArePaged() throws Exception {
        assertThat(phala.redeploy(cvms.get(0), "rev_nope", KEY, TIMEOUT).status()).isEqualTo(404);
        assertThat(phala.appCvms("ffff", KEY, TIMEOUT).status()).isEqualTo(404);

        commit(cvms.get(0), NEW);
        PhalaAnswer first = phala.revisions(APP, 1, 2, KEY, TIMEOUT);
        PhalaAnswer second = phala.revisions(APP, 2, 2, KEY, TIMEOUT);
        assertThat(first.value(PhalaFleet.TOTAL_PAGES)).isEqualTo("2");
        assertThat(first.value(PhalaFleet.TOTAL)).isEqualTo("4");
        assertThat(first.value(PhalaFleet.COUNT)).isEqualTo("2");
        assertThat(first.value(PhalaFleet.key(cvms.get(0), PhalaFleet.COMPOSE_HASH))).as("newest first").isEqualTo(NEW);
        assertThat(second.value(PhalaFleet.COUNT)).isEqualTo("2");
        assertThat(second.value(PhalaFleet.PAGE)).isEqualTo("2");
    }

    @Test
    void theFleetLeavesTheOtherCvmsAsTheyWere() throws Exception {
        assertThat(commit("cvm_other", NEW).status()).isEqualTo(202);
        assertThat(commit("down_x", NEW).status()).isEqualTo(503);
        HttpResponse<String> stats = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + standIn.port() + "/_stats")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(stats.body()).contains("\"patches\":2,\"accepted\":1");
        assertThat(phala.readCvm("cvm_other", KEY, TIMEOUT).value(PhalaProvisioning.STATUS)).isEqualTo("updating");
        assertThat(standIn.keysSeen()).containsExactly(KEY);
    }

    @Test
    void aFleetCvmsPlainStateFollowsItsUpdateByAnyOfItsIds() throws Exception {
        String cvm = cvms.get(0);
        assertThat(state(cvm)).isEqualTo("{\"status\":\"running\",\"uptime\":\"1m\",\"boot_progress\":\"done\",\"boot_error\":null}");
        commit(cvm, NEW);
        String updating = "{\"status\":\"updating\",\"uptime\":null,\"boot_progress\":\"booting\",\"boot_error\":null}";
        assertThat(state(cvm.replace("-", ""))).isEqualTo(updating);
        assertThat(state(standIn.cvmId(cvm))).isEqualTo(updating);
        now.addAndGet(1000);
        assertThat(state(cvm)).isEqualTo("{\"status\":\"running\",\"uptime\":\"1m\",\"boot_progress\":\"done\",\"boot_error\":null}");
        assertThat(standIn.stateReads()).isEqualTo(4);
        assertThat(standIn.received().getLast().toString())
                .isEqualTo("GET /api/v1/cvms/" + cvm + "/state (X-Phala-Version 2026-06-23)");
    }

    private String state(String cvmId) throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + standIn.port() + "/api/v1/cvms/" + cvmId + "/state"))
                .header("X-API-Key", KEY).header("X-Phala-Version", "2026-06-23").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        return answer.body();
    }
}
