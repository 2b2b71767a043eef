package com.composerelay.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.composerelay.core.InvalidRequest;
import com.composerelay.core.Rollout;
import com.composerelay.core.RolloutReports;
import com.composerelay.core.RolloutTask;
import com.composerelay.core.Trigger;
import com.composerelay.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The rollout's kept record, its view, its reports and the state machine's task messages, as exact JSON. */
class RolloutStateJsonTest {
    private static final Instant STARTED = Instant.parse("2026-11-25T12:00:00Z");
    private static final Instant ENDED = Instant.parse("2026-11-25T12:20:00.250Z");
    private static final String HASH = "ab".repeat(32);
    private static final String OLD = "0a".repeat(32);

    private static Rollout.Target target(String cvm, String status, String error) {
        return new Rollout.Target(cvm, status, error, "uuid-" + cvm, "app1", OLD, "rev_" + cvm);
    }

    /** A rolled-back rollout with every field set. */
    private static Rollout full() {
        return new Rollout("ro_0123456789abcdef01234567", "rolled_back", "fp", HASH, Trigger.SLACK, "U0BOSS",
                "https://hooks.slack.com/x", STARTED, ENDED,
                List.of(new Rollout.Wave(1, "completed", STARTED.plusSeconds(5), List.of(target("c1", "rolled_back", null))),
                        new Rollout.Wave(2, "updating", STARTED.plusSeconds(300), List.of(
                                target("c2", "rolled_back", "boot error: exit 1"), target("c3", "pending", null)))),
                Map.of("app1", new Rollout.App("app1", "c1", HASH)), "rollback", "tok-1", 1,
                new Rollout.Failure("c2", "boot error: exit 1"), STARTED.plusSeconds(600), "{\"rollout_id\":\"x\"}", 7);
    }

    @Test
    void aRecordReadsBackAsWritten() {
        Rollout r = full();
        assertThat(RolloutStateJson.read(RolloutStateJson.write(r), 7)).isEqualTo(r);

        Rollout bare = new Rollout("ro_0123456789abcdef01234567", "starting", "fp", null, Trigger.API, null, null, STARTED,
                null, List.of(new Rollout.Wave(1, "pending", null, List.of(new Rollout.Target("c1", "pending", null, null,
                null, null, null)))), Map.of(), null, null, null, null, null, "{}", 1);
        assertThat(RolloutStateJson.read(RolloutStateJson.write(bare), 3)).isEqualTo(bare.atVersion(3));
    }

    @Test
    void aReleaseIsKeptAndShownWithItsLineChanges() throws Exception {
        Rollout.Release push = new Rollout.Release("shop-prod", "push", "shop", "v1.3.0", "sha256:" + "a".repeat(64),
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop@sha256:" + "a".repeat(64), null, null,
                List.of(new Rollout.LineChange(7, "    image: shop:v1", "    image: x/shop@sha256:" + "a".repeat(64))));
        Rollout r = full().withRelease(push);
        assertThat(RolloutStateJson.read(RolloutStateJson.write(r), r.version())).isEqualTo(r);
        String shown = "{\"channel\":\"shop-prod\",\"kind\":\"push\",\"repository\":\"shop\",\"tag\":\"v1.3.0\","
                + "\"digest\":\"sha256:" + "a".repeat(64) + "\",\"image\":\"123456789012.dkr.ecr.eu-west-1.amazonaws.com/"
                + "shop@sha256:" + "a".repeat(64) + "\",\"changes\":[{\"line\":7,\"before\":\"    image: shop:v1\","
                + "\"after\":\"    image: x/shop@sha256:" + "a".repeat(64) + "\"}]}";
        assertThat(RolloutStateJson.view(r)).endsWith(",\"release\":" + shown + "}");
        Rollout.Release rollback = new Rollout.Release("shop-prod", "rollback", null, null, null, null,
                "ro_0123456789abcdef01234567", "rev_7", List.of());
        Rollout back = full().withRelease(rollback);
        assertThat(RolloutStateJson.read(RolloutStateJson.write(back), back.version())).isEqualTo(back);
        assertThat(RolloutStateJson.view(back)).endsWith(",\"release\":{\"channel\":\"shop-prod\",\"kind\":\"rollback\","
                + "\"rollback_of\":\"ro_0123456789abcdef01234567\",\"revision\":\"rev_7\",\"changes\":[]}}");
        assertThat(RolloutStateJson.view(full())).doesNotContain("release");
    }

    @Test
    void whoApprovedAPauseIsKeptAndShown() {
        Rollout r = full();
        Rollout approved = r.withWave(r.wave(1).orElseThrow().approvedBy("slack:T0001/U0001"));
        assertThat(RolloutStateJson.read(RolloutStateJson.write(approved), 7)).isEqualTo(approved);
        assertThat(RolloutStateJson.view(approved)).contains("{\"number\":1,\"status\":\"completed\",\"cvms\":["
                + seen("c1", "rolled_back", null) + "],\"approved_by\":\"slack:T0001/U0001\"}");
    }

    @Test
    void theRecordIsWrittenWithEveryField() throws Exception {
        String expected = "{\"rollout_id\":\"ro_0123456789abcdef01234567\","
                + "\"status\":\"rolled_back\",\"fingerprint\":\"fp\",\"compose_hash\":\"" + HASH + "\",\"trigger\":\"slack\","
                + "\"actor\":\"U0BOSS\",\"reply_url\":\"https://hooks.slack.com/x\",\"started_at\":" + STARTED.toEpochMilli()
                + ",\"ended_at\":" + ENDED.toEpochMilli() + ",\"waves\":["
                + "{\"number\":1,\"status\":\"completed\",\"committed_at\":" + STARTED.plusSeconds(5).toEpochMilli()
                + ",\"cvms\":[" + kept("c1", "rolled_back", null) + "]},"
                + "{\"number\":2,\"status\":\"updating\",\"committed_at\":" + STARTED.plusSeconds(300).toEpochMilli()
                + ",\"cvms\":[" + kept("c2", "rolled_back", "\"boot error: exit 1\"") + "," + kept("c3", "pending", null)
                + "]}],"
                + "\"apps\":{\"app1\":{\"lead_cvm_id\":\"c1\",\"compose_hash\":\"" + HASH + "\"}},"
                + "\"cancel\":\"rollback\",\"pause_token\":\"tok-1\",\"paused_after\":1,"
                + "\"failure\":{\"cvm_id\":\"c2\",\"reason\":\"boot error: exit 1\"},"
                + "\"rollback_at\":" + STARTED.plusSeconds(600).toEpochMilli() + ",\"execution_input\":\"{\\\"rollout_id\\\":\\\"x\\\"}\"}";
        assertThat(RolloutStateJson.write(full())).isEqualTo(expected);
    }

    private static String kept(String cvm, String status, String error) {
        return "{\"cvm_id\":\"" + cvm + "\",\"status\":\"" + status + "\",\"error\":" + error + ",\"vm_uuid\":\"uuid-"
                + cvm + "\",\"app_id\":\"app1\",\"hash_before\":\"" + OLD + "\",\"revision_before\":\"rev_" + cvm + "\"}";
    }

    private static String seen(String cvm, String status, String error) {
        return "{\"cvm_id\":\"" + cvm + "\",\"status\":\"" + status + "\",\"error\":" + (error == null ? "null"
                : "\"" + error + "\"") + "}";
    }

    // ---- the view

    @Test
    void theViewIsExactlyThis() {
        assertThat(RolloutStateJson.view(full())).isEqualTo("{\"rollout_id\":\"ro_0123456789abcdef01234567\","
                + "\"status\":\"rolled_back\",\"compose_hash\":\"" + HASH + "\",\"waves\":["
                + "{\"number\":1,\"status\":\"completed\",\"cvms\":[" + seen("c1", "rolled_back", null) + "]},"
                + "{\"number\":2,\"status\":\"updating\",\"cvms\":[" + seen("c2", "rolled_back", "boot error: exit 1") + ","
                + seen("c3", "pending", null) + "]}],"
                + "\"actor\":\"U0BOSS\",\"trigger\":\"slack\",\"started_at\":\"2026-11-25T12:00:00Z\","
                + "\"ended_at\":\"2026-11-25T12:20:00.250Z\",\"paused_after_wave\":1,"
                + "\"failure\":{\"cvm_id\":\"c2\",\"reason\":\"boot error: exit 1\"}}");
    }

    @Test
    void theViewOfARunningRolloutHasNullEndAndNoFailureOrPause() {
        Rollout running = full().ended("running", null).withFailure(null);
        assertThat(RolloutStateJson.view(running)).endsWith("\"started_at\":\"2026-11-25T12:00:00Z\",\"ended_at\":null}")
                .doesNotContain("failure").doesNotContain("paused_after_wave").doesNotContain("tok-1")
                .doesNotContain("fingerprint").doesNotContain("revision_before").doesNotContain("reply_url");
    }

    // ---- reports

    @Test
    void aWaveReportIsTheEventTheWaveAndTheView() {
        String view = RolloutStateJson.view(full());
        assertThat(RolloutStateJson.report(new RolloutReports.Report(RolloutReports.Kind.WAVE, full(), 2)))
                .isEqualTo("{\"event\":\"rollout.wave\",\"wave\":2," + view.substring(1));
        assertThat(RolloutStateJson.report(new RolloutReports.Report(RolloutReports.Kind.FINISHED, full(), null)))
                .isEqualTo("{\"event\":\"rollout.finished\"," + view.substring(1));
    }

    @Test
    void aReportOfAHundredCvmsWithLongErrorsStaysUnderTheBoundKeepingTheFailingOnesError() throws Exception {
        List<Rollout.Target> cvms = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            cvms.add(new Rollout.Target("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e%03d".formatted(i), "rollback_failed",
                    "e".repeat(600) + i, "uuid", "app1", OLD, "rev"));
        }
        String failing = cvms.get(42).cvmId();
        Rollout big = new Rollout("ro_0123456789abcdef01234567", "rollback_failed", "fp", HASH, Trigger.API,
                "arn:aws:iam::111122223333:user/" + "o".repeat(200), null, STARTED, ENDED,
                List.of(new Rollout.Wave(1, "updating", STARTED, cvms)), Map.of(), null, null, null,
                new Rollout.Failure(failing, "r".repeat(5000)), STARTED, "{}", 1);
        assertThat(RolloutStateJson.view(big).length()).as("the view keeps every error").isGreaterThan(50_000);

        String report = RolloutStateJson.report(new RolloutReports.Report(RolloutReports.Kind.FINISHED, big, null));

        assertThat(report.length()).isLessThanOrEqualTo(RolloutStateJson.MAX_REPORT);
        var tree = Json.parse(report);
        assertThat(Json.text(tree.path("errors_left_out")))
                .isEqualTo("each CVM's error but the failing one's, to keep the message within SNS's size");
        List<String> errors = new ArrayList<>();
        for (var c : Json.elements(tree.path("waves").path(0).path("cvms"))) {
            errors.add(Json.asText(c.path("error"), null));
        }
        assertThat(errors).hasSize(100);
        assertThat(errors.get(42)).isEqualTo(cvms.get(42).error()).hasSize(500);
        errors.remove(42);
        assertThat(errors).containsOnlyNulls();
        assertThat(Json.text(tree.path("failure").path("cvm_id"))).isEqualTo(failing);
    }

    @Test
    void aSmallReportKeepsEveryError() {
        String report = RolloutStateJson.report(new RolloutReports.Report(RolloutReports.Kind.FINISHED, full(), null));
        assertThat(report).doesNotContain("errors_left_out").contains("\"error\":\"boot error: exit 1\"");
    }

    // ---- task messages

    @ParameterizedTest
    @CsvSource(nullValues = "-", value = {
            "'{\"relay_task\":\"prepare\",\"rollout_id\":\"ro_1\",\"task_token\":\"t\"}', prepare, -, -, -, -, -",
            "'{\"relay_task\":\"snapshot\",\"rollout_id\":\"ro_1\",\"wave\":1,\"task_token\":\"t\"}', snapshot, 1, -, -, -, -",
            "'{\"relay_task\":\"commit\",\"rollout_id\":\"ro_1\",\"wave\":2,\"task_token\":\"t\"}', commit, 2, -, -, -, -",
            "'{\"relay_task\":\"check\",\"rollout_id\":\"ro_1\",\"wave\":3,\"phase\":\"bake\",\"task_token\":\"t\"}', check, 3, bake, -, -, -",
            "'{\"relay_task\":\"wave_done\",\"rollout_id\":\"ro_1\",\"wave\":1,\"task_token\":\"t\"}', wave_done, 1, -, -, -, -",
            "'{\"relay_task\":\"pause\",\"rollout_id\":\"ro_1\",\"wave\":1,\"task_token\":\"t\"}', pause, 1, -, -, -, -",
            "'{\"relay_task\":\"rollback\",\"rollout_id\":\"ro_1\",\"task_token\":\"t\"}', rollback, -, -, -, -, -",
            "'{\"relay_task\":\"rollback_check\",\"rollout_id\":\"ro_1\",\"task_token\":\"t\"}', rollback_check, -, -, -, -, -",
            "'{\"relay_task\":\"finish\",\"rollout_id\":\"ro_1\",\"result\":\"rolled_back\",\"failure\":{\"Error\":\"AlarmFired\",\"Cause\":\"[\\\"a\\\"]\"},\"task_token\":\"t\"}', finish, -, -, rolled_back, AlarmFired, '[\"a\"]'",
            "'{\"relay_task\":\"finish\",\"rollout_id\":\"ro_1\",\"result\":\"completed\",\"task_token\":\"t\"}', finish, -, -, completed, -, -"})
    void everyKindOfTaskIsRead(String body, String kind, Integer wave, String phase, String result, String error,
                               String cause) throws Exception {
        var json = Json.parse(body);
        assertThat(RolloutStateJson.isTask(json)).isTrue();
        assertThat(RolloutStateJson.task(json)).isEqualTo(new RolloutTask(kind, "ro_1", wave, phase, result, error, cause,
                "t"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"relay_task\":\"deploy\",\"rollout_id\":\"ro_1\",\"task_token\":\"t\"}|relay_task: is not one of [prepare, snapshot, commit, check, wave_done, pause, rollback, rollback_check, finish]",
            "{\"relay_task\":\"prepare\",\"task_token\":\"t\"}|rollout_id: must be a string of 1 to 2048 characters",
            "{\"relay_task\":\"prepare\",\"rollout_id\":\"\",\"task_token\":\"t\"}|rollout_id: must be a string of 1 to 2048 characters",
            "{\"relay_task\":\"prepare\",\"rollout_id\":\"ro_1\"}|task_token: must be a string of 1 to 2048 characters",
            "{\"relay_task\":\"prepare\",\"rollout_id\":\"ro_1\",\"task_token\":7}|task_token: must be a string of 1 to 2048 characters",
            "{\"relay_task\":\"commit\",\"rollout_id\":\"ro_1\",\"task_token\":\"t\"}|wave: is required for the task commit",
            "{\"relay_task\":\"check\",\"rollout_id\":\"ro_1\",\"wave\":\"1\",\"task_token\":\"t\"}|wave: is required for the task check",
            "{\"relay_task\":\"pause\",\"rollout_id\":\"ro_1\",\"task_token\":\"t\"}|wave: is required for the task pause"})
    void aTaskMissingAFieldIsRefusedByName(String body, String message) throws Exception {
        assertThatThrownBy(() -> RolloutStateJson.task(Json.parse(body))).isInstanceOf(InvalidRequest.class)
                .hasMessage(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"cvm_id\":\"c\",\"compose_hash\":\"ab\"}", "{\"relay_task\":1}", "[]", "\"relay_task\""})
    void otherBodiesAreNotTasks(String body) throws Exception {
        assertThat(RolloutStateJson.isTask(Json.parse(body))).isFalse();
    }
}
