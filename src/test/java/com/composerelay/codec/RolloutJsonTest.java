package com.composerelay.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.core.EnvValue;
import com.composerelay.core.InvalidRequest;
import com.composerelay.core.RolloutRequest;
import com.composerelay.core.RolloutRequest.OnFailure;
import com.composerelay.core.RolloutRequest.Strategy;
import com.composerelay.core.RolloutRequest.Targets;
import com.composerelay.core.RolloutRequest.WaveEntry;
import com.composerelay.core.WavePlan;
import com.composerelay.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The rollout form: every field typed and bounded, every error naming its field exactly. */
class RolloutJsonTest {
    private static final String COMPOSE = "\"app_compose\": {\"docker_compose_file\": \"x\"}";
    private static final String APP = "\"targets\": {\"app_id\": \"app_7c2e\"}";

    static RolloutRequest read(String body) throws Exception {
        return RolloutJson.read(Json.parse(body));
    }

    static String error(String body) {
        try {
            read(body);
        } catch (InvalidRequest e) {
            return e.getMessage();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("accepted: " + body);
    }

    /** A body with an app target, the minimal compose and this strategy. */
    static String withStrategy(String strategy) {
        return "{" + APP + ", " + COMPOSE + ", \"strategy\": " + strategy + "}";
    }

    @Test
    void readsTheIssuesExample() throws Exception {
        RolloutRequest request = read("""
                {"targets": {"app_id": "app_7c2e0b"},
                 "app_compose": {"docker_compose_file": "services: …", "name": "shop"},
                 "env": {"DATABASE_URL": {"secret_id": "compose-relay/env/shop", "json_key": "database_url"}},
                 "strategy": {"waves": [1, "25%", "100%"], "check_interval_seconds": 15, "bake_seconds": 60,
                              "wave_timeout_seconds": 600,
                              "alarms": ["shop-5xx"], "on_failure": "rollback", "approve_after": [1]}}""");
        assertThat(request.targets()).isEqualTo(new Targets.App("app_7c2e0b"));
        assertThat(request.appCompose().json()).isEqualTo("{\"docker_compose_file\":\"services: …\",\"name\":\"shop\"}");
        assertThat(request.env()).containsExactly(java.util.Map.entry("DATABASE_URL",
                new EnvValue.FromSecret("compose-relay/env/shop", "database_url")));
        assertThat(request.strategy()).isEqualTo(new Strategy(List.of(new WaveEntry.Count(1), new WaveEntry.Percent(25),
                new WaveEntry.Percent(100)), false, 15, 60, 600, List.of("shop-5xx"), OnFailure.ROLLBACK, List.of(1), 86_400));
        assertThat(request.strategy().pausesAfter(1)).isTrue();
        assertThat(request.strategy().pausesAfter(2)).isFalse();
    }

    @Test
    void everyStrategyFieldHasItsDefault() throws Exception {
        Strategy defaults = new Strategy(List.of(new WaveEntry.Count(1), new WaveEntry.Percent(25), new WaveEntry.Percent(100)),
                true, 15, 60, 600, List.of(), OnFailure.ROLLBACK, List.of(), 86_400);
        assertThat(Strategy.defaults()).isEqualTo(defaults);
        assertThat(read("{" + APP + ", " + COMPOSE + "}").strategy()).isEqualTo(defaults);
        assertThat(read(withStrategy("null")).strategy()).isEqualTo(defaults);
        assertThat(read(withStrategy("{}")).strategy()).isEqualTo(defaults);
        assertThat(read(withStrategy("""
                {"waves": null, "check_interval_seconds": null, "bake_seconds": null, "wave_timeout_seconds": null,
                 "alarms": null, "on_failure": null, "approve_after": null, "approval_timeout_seconds": null}""")).strategy())
                .isEqualTo(defaults);
        assertThat(defaults.hasAlarms()).isFalse();
    }

    @Test
    void readsListedCvmsInTheirOrderAndEveryBound() throws Exception {
        RolloutRequest request = read("""
                {"targets": {"cvms": ["cvm_b", "cvm_a", "3f2a-uuid"]}, "app_compose": {"docker_compose_file": "x"},
                 "strategy": {"waves": ["34%", 3], "check_interval_seconds": 1, "bake_seconds": 0, "wave_timeout_seconds": 60,
                              "alarms": [], "on_failure": "stop", "approve_after": [2, 1], "approval_timeout_seconds": 60}}""");
        assertThat(request.targets()).isEqualTo(new Targets.Cvms(List.of("cvm_b", "cvm_a", "3f2a-uuid")));
        assertThat(request.env()).isEmpty();
        assertThat(request.strategy()).isEqualTo(new Strategy(List.of(new WaveEntry.Percent(34), new WaveEntry.Count(3)), false,
                1, 0, 60, List.of(), OnFailure.STOP, List.of(2, 1), 60));
        Strategy highest = read(withStrategy("""
                {"waves": [100], "check_interval_seconds": 300, "bake_seconds": 3600, "wave_timeout_seconds": 3600,
                 "approval_timeout_seconds": 604800}""")).strategy();
        assertThat(highest).isEqualTo(new Strategy(List.of(new WaveEntry.Count(100)), false, 300, 3600, 3600, List.of(),
                OnFailure.ROLLBACK, List.of(), 604_800));
        assertThat(read("{\"targets\": {\"app_id\": \"" + "A".repeat(64) + "\"}, " + COMPOSE + "}").targets())
                .isEqualTo(new Targets.App("A".repeat(64)));
    }

    @Test
    void takesAHundredCvmsAndTenAlarmsOfTwoHundredFiftyFiveCharacters() throws Exception {
        StringBuilder cvms = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            cvms.append(i == 0 ? "" : ",").append("\"cvm_").append(i).append('"');
        }
        StringBuilder alarms = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            alarms.append(i == 0 ? "" : ",").append('"').append(i).append("é".repeat(254)).append('"');
        }
        RolloutRequest request = read("{\"targets\": {\"cvms\": [" + cvms + "]}, " + COMPOSE + ", \"strategy\": {\"alarms\": ["
                + alarms + "]}}");
        assertThat(((Targets.Cvms) request.targets()).cvmIds()).hasSize(100);
        assertThat(request.strategy().alarms()).hasSize(10).allMatch(a -> a.length() == 255);
        assertThat(error("{\"targets\": {\"cvms\": [" + cvms + ",\"cvm_x\"]}, " + COMPOSE + "}"))
                .isEqualTo("targets.cvms: must list 1 to 100 CVM ids, not 101");
        assertThat(error(withStrategy("{\"alarms\": [\"" + "a".repeat(256) + "\"]}")))
                .isEqualTo("strategy.alarms[0]: must be a CloudWatch alarm name of 1 to 255 characters, not blank");
        assertThat(error(withStrategy("{\"alarms\": [" + alarms + ",\"x\"]}")))
                .isEqualTo("strategy.alarms: must list at most 10 alarm names, not 11");
        // An emoji is one character to CloudWatch, two UTF-16 units to Java.
        assertThat(read(withStrategy("{\"alarms\": [\"" + "😀".repeat(255) + "\"]}")).strategy().alarms()).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            body a list              | []                                                                   | body: must be a JSON object, not a list
            unknown field            | {"targets": {"app_id": "ab"}, "app_compose": {}, "wait": true}       | wait: is not a known field of a rollout (known: targets, app_compose, env, strategy)
            compose_hash too         | {"targets": {"app_id": "ab"}, "compose_hash": "ab"}                  | compose_hash: is not a known field of a rollout (known: targets, app_compose, env, strategy)
            targets null             | {"targets": null, "app_compose": {"docker_compose_file": "x"}}       | targets: is required: {"app_id": …} or {"cvms": [ids…]}
            targets a string         | {"targets": "app_1", "app_compose": {"docker_compose_file": "x"}}    | targets: must be an object, {"app_id": …} or {"cvms": [ids…]}, not a string
            targets empty            | {"targets": {}, "app_compose": {"docker_compose_file": "x"}}         | targets: must have exactly one of app_id and cvms
            targets both             | {"targets": {"app_id": "ab", "cvms": ["c"]}}                         | targets: must have exactly one of app_id and cvms, not both
            targets unknown          | {"targets": {"app": "ab"}}                                           | targets.app: is not a known field (known: app_id, cvms)
            app_id a number          | {"targets": {"app_id": 12}}                                          | targets.app_id: must be a string, not a number
            app_id not hex           | {"targets": {"app_id": "app_shop"}}                                  | targets.app_id: must be a Phala app id: 1 to 64 hex digits, optionally prefixed with app_
            app_id a path            | {"targets": {"app_id": "ab/../cd"}}                                  | targets.app_id: must be a Phala app id: 1 to 64 hex digits, optionally prefixed with app_
            app_id empty             | {"targets": {"app_id": ""}}                                          | targets.app_id: must be a Phala app id: 1 to 64 hex digits, optionally prefixed with app_
            cvms a string            | {"targets": {"cvms": "cvm_1"}}                                       | targets.cvms: must be a list of CVM ids, not a string
            cvms empty               | {"targets": {"cvms": []}}                                            | targets.cvms: must list 1 to 100 CVM ids, not 0
            cvm a number             | {"targets": {"cvms": ["cvm_1", 2]}}                                  | targets.cvms[1]: must be a string, not a number
            cvm a path               | {"targets": {"cvms": ["cvm_1", "cvm_2", "../x"]}}                    | targets.cvms[2]: must not contain '/'
            cvm empty                | {"targets": {"cvms": [""]}}                                          | targets.cvms[0]: is required
            cvm dot                  | {"targets": {"cvms": [".."]}}                                        | targets.cvms[0]: must not be '.' or '..'
            cvm repeated             | {"targets": {"cvms": ["a", "b", "c", "b"]}}                          | targets.cvms[3]: repeats targets.cvms[1]
            no app_compose           | {"targets": {"app_id": "ab"}}                                        | app_compose: is required: an object with docker_compose_file
            app_compose rules shared | {"targets": {"app_id": "ab"}, "app_compose": {"docker_compose_file": "x", "update_env_vars": true}} | app_compose.update_env_vars: is set by the relay (true when env is given); leave it out
            env rules shared         | {"targets": {"app_id": "ab"}, "app_compose": {"docker_compose_file": "x"}, "env": {"A": {"json_key": "k"}}} | env.A.secret_id: is required: the name of a Secrets Manager secret
            env empty                | {"targets": {"app_id": "ab"}, "app_compose": {"docker_compose_file": "x"}, "env": {}} | env: must name at least one variable, or be left out (an env update replaces the whole set)
            """)
    void refusesTheBodyAndTargetsNamingTheField(String name, String body, String message) {
        assertThat(error(body)).isEqualTo(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            strategy a list          | []                                          | strategy: must be an object, not a list
            strategy unknown         | {"max_unavailable": 1}                      | strategy.max_unavailable: is not a known field (known: waves, check_interval_seconds, bake_seconds, wave_timeout_seconds, alarms, on_failure, approve_after, approval_timeout_seconds)
            waves a string           | {"waves": "1,100%"}                         | strategy.waves: must be a list of counts and percentages like [1, "25%", "100%"], not a string
            waves empty              | {"waves": []}                               | strategy.waves: must list 1 to 100 waves, not 0
            wave a boolean           | {"waves": [1, true]}                        | strategy.waves[1]: must be a count of CVMs or a percentage like "25%", not a boolean
            wave null                | {"waves": [1, null]}                        | strategy.waves[1]: must be a count of CVMs or a percentage like "25%", not null
            wave a fraction          | {"waves": [1.5, "100%"]}                    | strategy.waves[0]: must be a whole number of CVMs, not a fraction
            wave zero                | {"waves": [0, "100%"]}                      | strategy.waves[0]: must be a count of 1 to 100 CVMs
            wave negative            | {"waves": [-1, "100%"]}                     | strategy.waves[0]: must be a count of 1 to 100 CVMs
            wave over a hundred      | {"waves": [101]}                            | strategy.waves[0]: must be a count of 1 to 100 CVMs
            wave huge                | {"waves": [99999999999999999999999]}       | strategy.waves[0]: must be a count of 1 to 100 CVMs
            percent without sign     | {"waves": [1, "50"]}                        | strategy.waves[1]: must be a percentage of the targets from "1%" to "100%", like "25%"
            percent zero             | {"waves": ["0%", "100%"]}                   | strategy.waves[0]: must be a percentage of the targets from "1%" to "100%", like "25%"
            percent over a hundred   | {"waves": ["101%"]}                         | strategy.waves[0]: must be a percentage of the targets from "1%" to "100%", like "25%"
            percent fraction         | {"waves": ["12.5%", "100%"]}                | strategy.waves[0]: must be a percentage of the targets from "1%" to "100%", like "25%"
            percent with space       | {"waves": ["50 %", "100%"]}                 | strategy.waves[0]: must be a percentage of the targets from "1%" to "100%", like "25%"
            count not increasing     | {"waves": [2, "50%", 2, "100%"]}            | strategy.waves[2]: 2 is no more than the 2 of wave 1: each wave must add at least one CVM
            percent not increasing   | {"waves": ["50%", 10, "50%", "100%"]}       | strategy.waves[2]: 50% is no more than the 50% of wave 1: each wave must add at least one CVM
            percent decreasing       | {"waves": ["50%", "25%"]}                   | strategy.waves[1]: 25% is no more than the 50% of wave 1: each wave must add at least one CVM
            after a hundred percent  | {"waves": [1, "100%", 200]}                 | strategy.waves[2]: must be a count of 1 to 100 CVMs
            count after 100%         | {"waves": [1, "100%", 5]}                   | strategy.waves[2]: follows wave 2's 100%, which already reaches every target
            interval a string        | {"check_interval_seconds": "15"}            | strategy.check_interval_seconds: must be a whole number of seconds, not a string
            interval zero            | {"check_interval_seconds": 0}               | strategy.check_interval_seconds: must be a whole number of seconds from 1 to 300
            interval too long        | {"check_interval_seconds": 301}             | strategy.check_interval_seconds: must be a whole number of seconds from 1 to 300
            interval a fraction      | {"check_interval_seconds": 1.5}             | strategy.check_interval_seconds: must be a whole number of seconds from 1 to 300
            interval over timeout    | {"check_interval_seconds": 120, "wave_timeout_seconds": 60} | strategy.check_interval_seconds: must be at most wave_timeout_seconds (60), or a wave times out before its first check
            bake negative            | {"bake_seconds": -1}                        | strategy.bake_seconds: must be a whole number of seconds from 0 to 3600
            bake too long            | {"bake_seconds": 3601}                      | strategy.bake_seconds: must be a whole number of seconds from 0 to 3600
            bake a boolean           | {"bake_seconds": true}                      | strategy.bake_seconds: must be a whole number of seconds, not a boolean
            wave timeout too short   | {"wave_timeout_seconds": 59}                | strategy.wave_timeout_seconds: must be a whole number of seconds from 60 to 3600
            wave timeout too long    | {"wave_timeout_seconds": 3601}              | strategy.wave_timeout_seconds: must be a whole number of seconds from 60 to 3600
            alarms a string          | {"alarms": "shop-5xx"}                      | strategy.alarms: must be a list of CloudWatch alarm names, not a string
            alarm a number           | {"alarms": ["a", 5]}                        | strategy.alarms[1]: must be a string, not a number
            alarm empty              | {"alarms": [""]}                            | strategy.alarms[0]: must be a CloudWatch alarm name of 1 to 255 characters, not blank
            alarm blank              | {"alarms": ["  "]}                          | strategy.alarms[0]: must be a CloudWatch alarm name of 1 to 255 characters, not blank
            alarm control character  | {"alarms": ["shop\\n5xx"]}                 | strategy.alarms[0]: must not contain control characters or unpaired surrogates (CloudWatch's rule for alarm names)
            alarm delete character   | {"alarms": ["shop\\u007f"]}                | strategy.alarms[0]: must not contain control characters or unpaired surrogates (CloudWatch's rule for alarm names)
            alarm lone surrogate     | {"alarms": ["shop\\ud800"]}                | strategy.alarms[0]: must not contain control characters or unpaired surrogates (CloudWatch's rule for alarm names)
            alarm repeated           | {"alarms": ["a", "b", "a"]}                 | strategy.alarms[2]: repeats strategy.alarms[0]
            on_failure unknown       | {"on_failure": "continue"}                  | strategy.on_failure: must be "rollback" or "stop"
            on_failure upper case    | {"on_failure": "ROLLBACK"}                  | strategy.on_failure: must be "rollback" or "stop"
            on_failure a boolean     | {"on_failure": false}                       | strategy.on_failure: must be "rollback" or "stop"
            approve_after a number   | {"approve_after": 1}                        | strategy.approve_after: must be a list of wave numbers, not a number
            approve_after a string   | {"approve_after": ["1"]}                    | strategy.approve_after[0]: must be a wave number, not a string
            approve_after a fraction | {"approve_after": [1.0]}                    | strategy.approve_after[0]: must be a wave number, not a fraction
            approve_after zero       | {"approve_after": [0]}                      | strategy.approve_after[0]: must be a wave number from 1 to 3, not 0
            approve_after no wave    | {"waves": [1, "100%"], "approve_after": [1, 3]} | strategy.approve_after[1]: must be a wave number from 1 to 2, not 3
            approve_after default    | {"approve_after": [4]}                      | strategy.approve_after[0]: must be a wave number from 1 to 3, not 4
            approve_after huge       | {"approve_after": [99999999999999999999]}  | strategy.approve_after[0]: must be a wave number from 1 to 3
            approve_after repeated   | {"approve_after": [2, 1, 2]}                | strategy.approve_after[2]: repeats strategy.approve_after[0]
            approval timeout short   | {"approval_timeout_seconds": 59}            | strategy.approval_timeout_seconds: must be a whole number of seconds from 60 to 604800
            approval timeout long    | {"approval_timeout_seconds": 604801}        | strategy.approval_timeout_seconds: must be a whole number of seconds from 60 to 604800
            """)
    void refusesTheStrategyNamingTheField(String name, String strategy, String message) {
        assertThat(error(withStrategy(strategy))).isEqualTo(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            percentage too small     | ["a","b","c"]     | [1, "25%", "100%"]  | strategy.waves[1]: 25% of 3 targets is 1, no more than the 1 of wave 1: each wave must add at least one CVM
            count above the targets  | ["a","b"]         | [1, 3]              | strategy.waves[1]: 3 is more than the 2 targets
            count no more            | ["a","b","c","d"] | ["50%", 2, "100%"]  | strategy.waves[1]: 2 is no more than the 2 of wave 1: each wave must add at least one CVM
            last count short         | ["a","b","c"]     | [1, 2]              | strategy.waves[1]: 2 is not all 3 targets: the last wave must reach every target
            last percentage short    | ["a","b","c"]     | [1, "50%"]          | strategy.waves[1]: 50% of 3 targets is 2, not all 3: the last wave must reach every target
            one target               | ["a"]             | [1, "25%", "100%"]  | strategy.waves[1]: 25% of 1 target is 1, no more than the 1 of wave 1: each wave must add at least one CVM
            count above one target   | ["a"]             | [2]                 | strategy.waves[0]: 2 is more than the 1 target
            approval of no wave      | ["a","b"]         | [1, 2], "approve_after": [3] | strategy.approve_after[0]: must be a wave number from 1 to 2, not 3
            default waves, 3 targets | ["a","b","c"]     | null, "approve_after": [3] | strategy.approve_after[0]: must be a wave number from 1 to 2, not 3 (the default waves are 2 for 3 targets)
            """)
    void refusesAPlanThatDoesNotFitTheListedCvms(String name, String cvms, String waves, String message) {
        assertThat(error("{\"targets\": {\"cvms\": " + cvms + "}, " + COMPOSE + ", \"strategy\": {\"waves\": " + waves + "}}"))
                .isEqualTo(message);
    }

    @Test
    void theDefaultWavesLeaveOutWavesThatWouldAddNoCvm() throws Exception {
        Strategy defaults = read(withStrategy("{}")).strategy();
        assertThat(WavePlan.of(1, defaults).cumulative()).containsExactly(1);
        assertThat(WavePlan.of(2, defaults).cumulative()).containsExactly(1, 2);
        assertThat(WavePlan.of(4, defaults).cumulative()).containsExactly(1, 4);
        assertThat(WavePlan.of(5, defaults).cumulative()).containsExactly(1, 2, 5);
        assertThat(WavePlan.of(8, defaults).cumulative()).containsExactly(1, 2, 8);
        assertThat(WavePlan.of(100, defaults).cumulative()).containsExactly(1, 25, 100);
        assertThat(read("{\"targets\": {\"cvms\": [\"a\", \"b\"]}, " + COMPOSE + ", \"strategy\": {\"approve_after\": [2]}}")
                .strategy().approveAfter()).containsExactly(2);
        // Written out, the same waves are the caller's, and refused for one target.
        Strategy given = read(withStrategy("{\"waves\": [1, \"25%\", \"100%\"]}")).strategy();
        assertThat(given.defaultWaves()).isFalse();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> WavePlan.of(1, given))).hasMessage(
                "strategy.waves[1]: 25% of 1 target is 1, no more than the 1 of wave 1: each wave must add at least one CVM");
        assertThat(RolloutJson.executionInput("ro_1", defaults, WavePlan.of(1, defaults)))
                .endsWith("\"waves\":[{\"number\":1,\"approve_after\":false}]}");
    }

    @Test
    void anAppsPlanWaitsForItsCvms() throws Exception {
        // ["50%", 3] fits an app of three CVMs only: known when the app's CVMs are listed.
        RolloutRequest request = read(withStrategy("{\"waves\": [\"50%\", 3]}"));
        assertThat(WavePlan.of(3, request.strategy()).cumulative()).containsExactly(2, 3);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> WavePlan.of(5, request.strategy())))
                .hasMessage("strategy.waves[1]: 3 is no more than the 3 of wave 1: each wave must add at least one CVM");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> WavePlan.of(4, request.strategy())))
                .hasMessage("strategy.waves[1]: 3 is not all 4 targets: the last wave must reach every target");
    }

    @Test
    void aRolloutBodyIsItsOwnForm() throws Exception {
        assertThat(RequestForm.of(Json.parse("{\"targets\": {\"app_id\": \"ab\"}, \"app_compose\": {}}")))
                .isEqualTo(RequestForm.ROLLOUT);
        assertThat(RequestForm.of(Json.parse("{\"targets\": null}"))).isEqualTo(RequestForm.ROLLOUT);
        assertThat(RequestForm.of(Json.parse("{\"targets\": {}, \"compose_hash\": \"ab\"}"))).isEqualTo(RequestForm.ROLLOUT);
        assertThat(error("{\"targets\": {\"app_id\": \"ab\"}, \"cvm_id\": \"cvm_1\"}"))
                .isEqualTo("cvm_id: is not a known field of a rollout (known: targets, app_compose, env, strategy)");
    }

    @Test
    void writesARequestThatReadsBackEqual() throws Exception {
        RolloutRequest request = read("""
                {"targets": {"cvms": ["cvm_b", "cvm_a"]}, "app_compose": {"docker_compose_file": "x", "x_future": [1]},
                 "env": {"B": "literal", "A": {"secret_id": "compose-relay/env/s"}, "C": {"secret_id": "s2", "json_key": "k"}},
                 "strategy": {"waves": [1, "100%"], "alarms": ["a"], "approve_after": [1]}}""");
        String json = RolloutJson.write(request);
        assertThat(json).isEqualTo("{\"targets\":{\"cvms\":[\"cvm_b\",\"cvm_a\"]},"
                + "\"app_compose\":{\"docker_compose_file\":\"x\",\"x_future\":[1]},"
                + "\"env\":{\"B\":\"literal\",\"A\":{\"secret_id\":\"compose-relay/env/s\"},\"C\":{\"secret_id\":\"s2\",\"json_key\":\"k\"}},"
                + "\"strategy\":{\"waves\":[1,\"100%\"],\"check_interval_seconds\":15,\"bake_seconds\":60,"
                + "\"wave_timeout_seconds\":600,\"alarms\":[\"a\"],\"on_failure\":\"rollback\",\"approve_after\":[1],"
                + "\"approval_timeout_seconds\":86400}}");
        assertThat(read(json)).isEqualTo(request);
        RolloutRequest app = read("{" + APP + ", " + COMPOSE + "}");
        assertThat(RolloutJson.write(app)).startsWith("{\"targets\":{\"app_id\":\"app_7c2e\"},"
                + "\"app_compose\":{\"docker_compose_file\":\"x\"},\"strategy\":{\"check_interval_seconds\":15,");
        assertThat(read(RolloutJson.write(app))).isEqualTo(app);
    }

    @Test
    void writesTheContractsExecutionInputExactly() throws Exception {
        RolloutRequest request = read(withStrategy("{\"alarms\": [\"shop-5xx\"], \"approve_after\": [1]}"));
        WavePlan plan = WavePlan.of(8, request.strategy());
        assertThat(RolloutJson.executionInput("ro_0123abcd", request.strategy(), plan)).isEqualTo(
                "{\"rollout_id\":\"ro_0123abcd\","
                        + "\"strategy\":{\"check_interval_seconds\":15,\"bake_seconds\":60,\"has_alarms\":true,"
                        + "\"alarms\":[\"shop-5xx\"],\"on_failure\":\"rollback\",\"approval_timeout_seconds\":86400},"
                        + "\"waves\":[{\"number\":1,\"approve_after\":true},{\"number\":2,\"approve_after\":false},"
                        + "{\"number\":3,\"approve_after\":false}]}");
    }

    @Test
    void theExecutionInputWithoutAlarmsStopsAndPausesAfterTheLastWave() throws Exception {
        RolloutRequest request = read(withStrategy("""
                {"waves": [2, "100%"], "check_interval_seconds": 5, "bake_seconds": 0, "on_failure": "stop",
                 "approve_after": [2], "approval_timeout_seconds": 3600}"""));
        assertThat(RolloutJson.executionInput("ro_ff", request.strategy(), WavePlan.of(4, request.strategy()))).isEqualTo(
                "{\"rollout_id\":\"ro_ff\","
                        + "\"strategy\":{\"check_interval_seconds\":5,\"bake_seconds\":0,\"has_alarms\":false,"
                        + "\"alarms\":[],\"on_failure\":\"stop\",\"approval_timeout_seconds\":3600},"
                        + "\"waves\":[{\"number\":1,\"approve_after\":false},{\"number\":2,\"approve_after\":true}]}");
    }
}
