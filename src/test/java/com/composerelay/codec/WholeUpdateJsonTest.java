package com.composerelay.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.composerelay.core.AppCompose;
import com.composerelay.core.EnvValue;
import com.composerelay.core.InvalidRequest;
import com.composerelay.core.WholeUpdate;
import com.composerelay.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The whole-update form: every field typed and bounded, every error naming its field. */
class WholeUpdateJsonTest {

    static WholeUpdate read(String body) throws Exception {
        return WholeUpdateJson.read(Json.parse(body), "cvm_1");
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

    @Test
    void readsTheIssuesExampleKeepingOrderAndUnknownAppComposeFields() throws Exception {
        WholeUpdate update = read("""
                {"app_compose": {"docker_compose_file": "services: {}", "name": "shop", "pre_launch_script": "echo hi",
                                 "allowed_envs": ["LOG_LEVEL"], "x_future": [1]},
                 "env": {"DATABASE_URL": {"secret_id": "compose-relay/env/shop", "json_key": "database_url"},
                         "API_TOKEN": {"secret_id": "compose-relay/env/shop-token"}, "LOG_LEVEL": "info"},
                 "wait": true}""");
        assertThat(update.cvmId()).isEqualTo("cvm_1");
        assertThat(update.watch()).isTrue();
        assertThat(update.appCompose().allowedEnvs()).containsExactly("LOG_LEVEL");
        assertThat(update.appCompose().json()).isEqualTo("{\"docker_compose_file\":\"services: {}\",\"name\":\"shop\","
                + "\"pre_launch_script\":\"echo hi\",\"allowed_envs\":[\"LOG_LEVEL\"],\"x_future\":[1]}");
        assertThat(update.env().keySet()).containsExactly("DATABASE_URL", "API_TOKEN", "LOG_LEVEL");
        assertThat(update.env().get("DATABASE_URL")).isEqualTo(new EnvValue.FromSecret("compose-relay/env/shop", "database_url"));
        assertThat(update.env().get("API_TOKEN")).isEqualTo(new EnvValue.FromSecret("compose-relay/env/shop-token", null));
        assertThat(update.env().get("LOG_LEVEL")).isEqualTo(new EnvValue.Literal("info"));
        assertThat(update.env().get("LOG_LEVEL").toString()).doesNotContain("info");
    }

    @Test
    void envAndWaitMayBeLeftOutOrNull() throws Exception {
        WholeUpdate update = read("{\"app_compose\": {\"docker_compose_file\": \"x\"}, \"env\": null, \"wait\": null}");
        assertThat(update.env()).isEmpty();
        assertThat(update.watch()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no app_compose          | {"env": {"A": "1"}} | app_compose: is required: an object with docker_compose_file
            app_compose a string    | {"app_compose": "x"} | app_compose: must be an object, not a string
            no compose file         | {"app_compose": {"name": "x"}} | app_compose.docker_compose_file: is required: the docker-compose YAML as a string
            compose file a list     | {"app_compose": {"docker_compose_file": []}} | app_compose.docker_compose_file: must be a string, not a list
            compose file blank      | {"app_compose": {"docker_compose_file": "  "}} | app_compose.docker_compose_file: must not be empty
            script a number         | {"app_compose": {"docker_compose_file": "x", "pre_launch_script": 1}} | app_compose.pre_launch_script: must be a string, not a number
            empty name              | {"app_compose": {"docker_compose_file": "x", "name": ""}} | app_compose.name: must be 1 to 256 characters
            update_env_vars         | {"app_compose": {"docker_compose_file": "x", "update_env_vars": true}} | app_compose.update_env_vars: is set by the relay (true when env is given); leave it out
            boolean field a string  | {"app_compose": {"docker_compose_file": "x", "kms_enabled": "yes"}} | app_compose.kms_enabled: must be true or false, not a string
            storage_fs              | {"app_compose": {"docker_compose_file": "x", "storage_fs": "btrfs"}} | app_compose.storage_fs: must be "ext4" or "zfs"
            manifest_version        | {"app_compose": {"docker_compose_file": "x", "manifest_version": 1.5}} | app_compose.manifest_version: must be a whole number
            features                | {"app_compose": {"docker_compose_file": "x", "features": ["a", 2]}} | app_compose.features[1]: must be a string, not a number
            allowed_envs            | {"app_compose": {"docker_compose_file": "x", "allowed_envs": ["OK", "no-dash"]}} | app_compose.allowed_envs[1]: must be an environment variable name matching [A-Za-z_][A-Za-z0-9_]*
            unknown field           | {"app_compose": {"docker_compose_file": "x"}, "envs": {}} | envs: is not a known field of a whole update (known: app_compose, env, wait, cvm_id)
            env a list              | {"app_compose": {"docker_compose_file": "x"}, "env": []} | env: must be an object of variable names to values or secret references, not a list
            env empty               | {"app_compose": {"docker_compose_file": "x"}, "env": {}} | env: must name at least one variable, or be left out (an env update replaces the whole set)
            env bad name            | {"app_compose": {"docker_compose_file": "x"}, "env": {"1A": "x"}} | env.1A: is not an environment variable name: [A-Za-z_][A-Za-z0-9_]*, at most 128 characters
            env value a number      | {"app_compose": {"docker_compose_file": "x"}, "env": {"A": 1}} | env.A: must be a string or {"secret_id": …, "json_key": …}, not a number
            ref unknown field       | {"app_compose": {"docker_compose_file": "x"}, "env": {"A": {"secret_id": "s", "key": "k"}}} | env.A.key: is not a known field (known: secret_id, json_key)
            ref without secret_id   | {"app_compose": {"docker_compose_file": "x"}, "env": {"A": {"json_key": "k"}}} | env.A.secret_id: is required: the name of a Secrets Manager secret
            ref empty json_key      | {"app_compose": {"docker_compose_file": "x"}, "env": {"A": {"secret_id": "s", "json_key": ""}}} | env.A.json_key: must be a string of 1 to 256 characters
            wait a string           | {"app_compose": {"docker_compose_file": "x"}, "wait": "yes"} | wait: must be true or false, not a string
            other cvm_id            | {"app_compose": {"docker_compose_file": "x"}, "cvm_id": "cvm_2"} | cvm_id: in the body must equal the cvm_id of the path, or be left out
            """)
    void refusesNamingTheField(String name, String body, String message) {
        assertThat(error(body)).isEqualTo(message);
    }

    @Test
    void composeAndScriptTogetherAreBoundedAt200KB() {
        String half = "#".repeat(100_001);
        assertThat(error("{\"app_compose\": {\"docker_compose_file\": \"" + half + "\", \"pre_launch_script\": \"" + half
                + "\"}}")).isEqualTo("app_compose.docker_compose_file: with pre_launch_script must be at most "
                + AppCompose.MAX_COMPOSE_BYTES + " bytes (Phala's limit), not 200002");
    }

    @Test
    void atMost128VariablesAndLiteralsOf64KiB() {
        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i < 129; i++) {
            many.append(i == 0 ? "" : ",").append("\"V").append(i).append("\":\"x\"");
        }
        assertThat(error("{\"app_compose\": {\"docker_compose_file\": \"x\"}, \"env\": " + many + "}}"))
                .isEqualTo("env: must name at most 128 variables");
        assertThat(error("{\"app_compose\": {\"docker_compose_file\": \"x\"}, \"env\": {\"A\": \"" + "v".repeat(65_537) + "\"}}"))
                .isEqualTo("env.A: must be at most 65536 characters");
    }

    @Test
    void bothFormsInOneBodyAreRefusedNamingTheTwo() throws Exception {
        assertThatThrownBy(() -> RequestForm.of(Json.parse("{\"app_compose\": {}, \"compose_hash\": \"ab\"}")))
                .hasMessage("app_compose, compose_hash: cannot both be given: app_compose asks the relay to provision and"
                        + " commit, compose_hash commits a hash provisioned before");
        assertThat(RequestForm.of(Json.parse("{\"compose_hash\": \"ab\"}"))).isEqualTo(RequestForm.PATCH);
        assertThat(RequestForm.of(Json.parse("{\"app_compose\": {}}"))).isEqualTo(RequestForm.WHOLE);
        assertThat(RequestForm.of(Json.parse("{\"targets\": {}}"))).isEqualTo(RequestForm.ROLLOUT);
        assertThat(List.of(RequestForm.values())).hasSize(3);
    }
}
