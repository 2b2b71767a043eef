package com.composerelay.whole;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.core.CallerValue;
import com.composerelay.core.Outcome;
import com.composerelay.support.EnvDecryption;
import com.composerelay.support.Events;
import com.composerelay.support.FakeProvisioning;
import com.composerelay.support.Fixtures;
import com.composerelay.support.Harness;
import com.composerelay.support.LogCapture;
import com.composerelay.support.ScriptedPhala;
import com.composerelay.support.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code POST /cvms/{cvm_id}/updates}: the whole update through the handler, over the harness's fakes. */
class WholeUpdateHttpTest {
    static final String CVM = "cvm_ykL5lbAn";
    /** The receiver private key of Phala's test vectors (docs/PHALA-FACTS.md), whose public key FakeProvisioning's CVM read gives. */
    static final byte[] CVM_PRIVATE_KEY = HexFormat.of().parseHex(
            "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20");
    static final String DB_URL = "postgres://shop:s3cr3t-db-pass@db.internal:5432/shop";
    static final String TOKEN = "tok_live_9c8b7a6f5e4d3c2b1a";
    static final String COMPOSE = "services:\n  web:\n    image: nginx:1.27\n    environment:\n      - DATABASE_URL\n";

    @RegisterExtension
    final LogCapture log = new LogCapture();

    final Harness harness = new Harness();

    static String body(String env, String more) {
        return """
                {"app_compose": {"docker_compose_file": %s, "name": "shop", "allowed_envs": ["LOG_LEVEL"],
                                 "kms_enabled": true, "future_field": {"kept": [1, 2]}}%s%s}
                """.formatted(TestJson.quote(COMPOSE), env == null ? "" : ", \"env\": " + env, more);
    }

    static final String ENV = """
            {"DATABASE_URL": {"secret_id": "compose-relay/env/shop", "json_key": "database_url"},
             "API_TOKEN": {"secret_id": "compose-relay/env/shop-token"},
             "LOG_LEVEL": "info"}""";

    static String post(String cvmId, String body, Map<String, String> headers) {
        Map<String, String> all = new java.util.LinkedHashMap<>(Events.sampleHttpApiHeaders());
        all.putAll(headers);
        return Events.json(Events.httpApiRequest("POST", "POST /cvms/{cvm_id}/updates", "/cvms/" + cvmId + "/updates",
                Map.of("cvm_id", cvmId), all, body, false));
    }

    void secrets() {
        harness.envSecrets.put("compose-relay/env/shop", "{\"database_url\":\"" + DB_URL + "\",\"other\":\"x\"}");
        harness.envSecrets.put("compose-relay/env/shop-token", TOKEN);
    }

    @Test
    void provisionsSealsCommitsAndAnswers202WithTheSteps() throws Exception {
        secrets();
        harness.phala.then(202);
        JsonNode response = harness.invoke(post(CVM, body(ENV, ""), Map.of()));

        assertThat(response.get("statusCode").intValue()).isEqualTo(202);
        // The provision: the app compose's fields at the top level, allowed_envs completed, update_env_vars.
        assertThat(harness.provisioning.provisions).singleElement().satisfies(p -> {
            assertThat(p.cvmId()).isEqualTo(CVM);
            assertThat(p.allowedEnvs()).containsExactly("LOG_LEVEL", "DATABASE_URL", "API_TOKEN");
            assertThat(p.updateEnvVars()).isTrue();
            assertThat(p.apiKey()).isEqualTo(Fixtures.API_KEY);
            assertThat(TestJson.parse(p.composeJson())).isEqualTo(TestJson.parse("""
                    {"docker_compose_file": %s, "name": "shop", "allowed_envs": ["LOG_LEVEL"], "kms_enabled": true,
                     "future_field": {"kept": [1, 2]}}""".formatted(TestJson.quote(COMPOSE))));
        });
        assertThat(harness.provisioning.reads).containsExactly(CVM);
        assertThat(harness.envSecretReads).containsExactly("compose-relay/env/shop", "compose-relay/env/shop-token");
        // The commit: the provisioned hash, the env sealed for the CVM, every key, update_env_vars.
        ScriptedPhala.Call patch = harness.phala.calls().getFirst();
        assertThat(harness.phala.calls()).hasSize(1);
        assertThat(patch.update().composeHash()).isEqualTo(FakeProvisioning.HASH);
        assertThat(patch.update().envKeys()).isEqualTo(CallerValue.given(List.of("DATABASE_URL", "API_TOKEN", "LOG_LEVEL")));
        assertThat(patch.update().updateEnvVars()).isEqualTo(CallerValue.given(true));
        String plaintext = EnvDecryption.open(CVM_PRIVATE_KEY, patch.update().encryptedEnv().orNull());
        assertThat(TestJson.parse(plaintext)).isEqualTo(TestJson.parse("""
                {"env":[{"key":"DATABASE_URL","value":"%s"},{"key":"API_TOKEN","value":"%s"},
                        {"key":"LOG_LEVEL","value":"info"}]}""".formatted(DB_URL, TOKEN)));

        JsonNode outcome = Harness.body(response);
        assertThat(outcome.get("status").textValue()).isEqualTo("accepted");
        assertThat(outcome.get("compose_hash").textValue()).isEqualTo(FakeProvisioning.HASH);
        assertThat(outcome.get("app_id").textValue()).isEqualTo(FakeProvisioning.APP_ID);
        assertThat(outcome.get("attempts").intValue()).isEqualTo(3);
        assertThat(outcome.get("http_status").intValue()).isEqualTo(202);
        assertThat(TestJson.texts(outcome.get("env_keys"))).containsExactly("DATABASE_URL", "API_TOKEN", "LOG_LEVEL");
        assertThat(TestJson.texts(outcome.get("allowed_envs_added"))).containsExactly("DATABASE_URL", "API_TOKEN");
        assertThat(outcome.get("steps")).hasSize(3);
        assertThat(outcome.get("steps").get(0).get("name").textValue()).isEqualTo("env");
        assertThat(outcome.get("steps").get(0).get("http_status").intValue()).isEqualTo(200);
        assertThat(outcome.get("steps").get(1).get("name").textValue()).isEqualTo("provision");
        assertThat(outcome.get("steps").get(2).get("name").textValue()).isEqualTo("commit");
        assertThat(outcome.get("steps").get(2).get("http_status").intValue()).isEqualTo(202);
        for (JsonNode step : outcome.get("steps")) {
            assertThat(step.get("result").textValue()).isEqualTo("ok");
            assertThat(step.get("attempts").intValue()).isEqualTo(1);
            assertThat(step.get("duration_ms").isNumber()).isTrue();
        }
        assertThat(outcome.has("watch")).isFalse();
        assertThat(harness.outcomes.published()).singleElement().isInstanceOf(Outcome.Accepted.class);
        assertThat(harness.engine.calls).isEmpty();
        // No value ever leaves: not in the answer, the outcome, nor the log.
        String everything = response.toString() + harness.outcomes.published() + log.text();
        assertThat(everything).doesNotContain(DB_URL, "s3cr3t-db-pass", TOKEN, Fixtures.API_KEY);
    }

    @Test
    void withoutEnvItProvisionsAndCommitsTheHashAlone() {
        harness.phala.then(202);
        JsonNode response = harness.invoke(post(CVM, body(null, ""), Map.of()));

        assertThat(response.get("statusCode").intValue()).isEqualTo(202);
        assertThat(harness.provisioning.provisions).singleElement().satisfies(p -> {
            assertThat(p.allowedEnvs()).containsExactly("LOG_LEVEL");
            assertThat(p.updateEnvVars()).isFalse();
        });
        assertThat(harness.provisioning.reads).isEmpty();
        assertThat(harness.phala.calls()).singleElement().satisfies(c -> {
            assertThat(c.update().composeHash()).isEqualTo(FakeProvisioning.HASH);
            assertThat(c.update().encryptedEnv()).isEqualTo(CallerValue.absent());
            assertThat(c.update().envKeys()).isEqualTo(CallerValue.absent());
            assertThat(c.update().updateEnvVars()).isEqualTo(CallerValue.absent());
        });
        JsonNode outcome = Harness.body(response);
        assertThat(outcome.get("steps")).hasSize(2);
        assertThat(TestJson.texts(outcome.get("env_keys"))).isEmpty();
    }

    @Test
    void aSecretOutsideThePrefixIsRefusedByNameWithNothingSent() {
        secrets();
        String env = "{\"DATABASE_URL\": {\"secret_id\": \"prod/database\"}}";
        JsonNode response = harness.invoke(post(CVM, body(env, ""), Map.of()));

        assertThat(response.get("statusCode").intValue()).isEqualTo(400);
        assertThat(Harness.body(response).get("error").textValue()).isEqualTo("env.DATABASE_URL.secret_id: must name a"
                + " secret under 'compose-relay/env/' (the only secrets env values may come from)");
        assertNothingSent();
    }

    @Test
    void theApiKeysOwnSecretIsRefusedEvenUnderThePrefix() {
        Harness h = Harness.builder().config(Fixtures.config("PHALA_API_KEY_SECRET_ID",
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:compose-relay/env/phala-key-AbC123")).build();
        String env = "{\"STOLEN\": {\"secret_id\": \"compose-relay/env/phala-key\"}}";
        JsonNode response = h.invoke(post(CVM, body(env, ""), Map.of()));

        assertThat(response.get("statusCode").intValue()).isEqualTo(400);
        assertThat(Harness.body(response).get("error").textValue()).isEqualTo("env.STOLEN.secret_id: names one of the"
                + " relay's own secrets (the API key, a signing secret or a relay token), which are never read for env");
        assertThat(h.envSecretReads).isEmpty();
        assertThat(h.provisioning.provisions).isEmpty();
        assertThat(h.phala.calls()).isEmpty();
    }

    @Test
    void aSigningSecretIsRefusedEvenUnderThePrefix() {
        Harness h = Harness.builder().config(Harness.chatOpsConfig(Harness.DEFAULT_ALLOWLIST,
                "HOOK_SECRET_ID", "compose-relay/env/hook")).build();
        JsonNode response = h.invoke(post(CVM, body("{\"H\": {\"secret_id\": \"compose-relay/env/hook\"}}", ""), Map.of()));
        assertThat(response.get("statusCode").intValue()).isEqualTo(400);
        assertThat(Harness.body(response).get("error").textValue()).startsWith("env.H.secret_id: names one of the relay's own");
        assertThat(h.envSecretReads).isEmpty();
    }

    @Test
    void theRelayTokensSecretIsRefusedEvenUnderThePrefix() {
        Harness h = Harness.builder().config(Fixtures.config("RELAY_TOKENS_SECRET_ID", "compose-relay/env/tokens")).build();
        JsonNode response = h.invoke(post(CVM, body("{\"T\": {\"secret_id\": \"compose-relay/env/tokens\"}}", ""), Map.of()));
        assertThat(Harness.body(response).get("error").textValue()).startsWith("env.T.secret_id: names one of the relay's own");
        assertThat(h.envSecretReads).isEmpty();
    }

    @Test
    void anArnIsRefusedEvenUnderThePrefix() {
        String env = "{\"A\": {\"secret_id\": \"arn:aws:secretsmanager:us-east-1:1:secret:compose-relay/env/a\"}}";
        JsonNode response = harness.invoke(post(CVM, body(env, ""), Map.of()));
        assertThat(Harness.body(response).get("error").textValue())
                .isEqualTo("env.A.secret_id: must be a secret name under 'compose-relay/env/', not an ARN");
        assertNothingSent();
    }

    @Test
    void aMissingSecretIsAClearRejectionWithNothingSentToPhala() {
        JsonNode response = harness.invoke(post(CVM, body("{\"A\": {\"secret_id\": \"compose-relay/env/nope\"}}", ""),
                Map.of()));
        assertThat(response.get("statusCode").intValue()).isEqualTo(422);
        JsonNode outcome = Harness.body(response);
        assertThat(outcome.get("status").textValue()).isEqualTo("rejected");
        assertThat(outcome.get("error").textValue()).isEqualTo("env.A: secret compose-relay/env/nope was not found");
        assertThat(outcome.get("steps").get(0).get("name").textValue()).isEqualTo("env");
        assertThat(outcome.get("steps").get(0).get("result").textValue()).isEqualTo("rejected");
        assertThat(harness.provisioning.provisions).isEmpty();
        assertThat(harness.provisioning.reads).isEmpty();
        assertThat(harness.phala.calls()).isEmpty();
    }

    @Test
    void aMissingJsonKeyIsAClearRejection() {
        secrets();
        String env = "{\"A\": {\"secret_id\": \"compose-relay/env/shop\", \"json_key\": \"password\"}}";
        JsonNode response = harness.invoke(post(CVM, body(env, ""), Map.of()));
        assertThat(response.get("statusCode").intValue()).isEqualTo(422);
        assertThat(Harness.body(response).get("error").textValue())
                .isEqualTo("env.A: secret compose-relay/env/shop has no field 'password'");
        assertThat(harness.provisioning.provisions).isEmpty();
        assertThat(response.toString()).doesNotContain(DB_URL);
    }

    @Test
    void aThrottledSecretStoreFailsForNowAndSendsNothing() {
        harness.envSecretsDown = true;
        JsonNode response = harness.invoke(post(CVM, body(ENV, ""), Map.of()));
        assertThat(response.get("statusCode").intValue()).isEqualTo(503);
        assertThat(Harness.body(response).get("error").textValue()).isEqualTo(
                "env.DATABASE_URL: Secrets Manager could not read secret compose-relay/env/shop now (ThrottlingException)");
        assertThat(harness.provisioning.provisions).isEmpty();
    }

    @Test
    void anUnregisteredHashOnChainIsRejectedWithWhatToRegister() {
        harness.provisioning.provisionReplies.add(new FakeProvisioning.Reply.Answer(FakeProvisioning.answer(200, Map.of(
                "compose_hash", FakeProvisioning.HASH, "app_id", "app_onchain", "device_id", "dev_1",
                "compose_hash_registered", "false", "kms_info", "{\"chain_id\":8453}"))));
        JsonNode response = harness.invoke(post(CVM, body(null, ""), Map.of()));

        assertThat(response.get("statusCode").intValue()).isEqualTo(422);
        assertThat(Harness.body(response).get("error").textValue()).isEqualTo("the CVM uses an on-chain KMS and the new"
                + " compose hash is not registered on chain: register compose hash " + FakeProvisioning.HASH
                + ", app id app_onchain, device id dev_1, kms_info {\"chain_id\":8453} in the app's KMS contract, then send"
                + " the request again");
        assertThat(harness.phala.calls()).isEmpty();
    }

    @Test
    void aCommitAnswered465SaysWhatToRegister() {
        harness.phala.then(new com.composerelay.core.PhalaAnswer(465, "hash not registered", "req-465",
                java.util.Optional.empty(), null, Map.of("detail.compose_hash", "0x" + FakeProvisioning.HASH,
                "detail.app_id", FakeProvisioning.APP_ID)));
        JsonNode response = harness.invoke(post(CVM, body(null, ""), Map.of()));

        assertThat(response.get("statusCode").intValue()).isEqualTo(422);
        JsonNode outcome = Harness.body(response);
        assertThat(outcome.get("error").textValue()).isEqualTo("Phala answered 465: the compose hash must be registered"
                + " on chain before the update: register compose hash " + FakeProvisioning.HASH + " for app "
                + FakeProvisioning.APP_ID + " in the app's KMS contract, then send the request again (Phala's details:"
                + " app_id " + FakeProvisioning.APP_ID + ", compose_hash 0x" + FakeProvisioning.HASH + ")");
        assertThat(outcome.get("http_status").intValue()).isEqualTo(465);
        assertThat(outcome.get("steps").get(1).get("result").textValue()).isEqualTo("rejected");
    }

    @Test
    void aDuplicateNeverProvisionsNorCommitsTwice() {
        harness.phala.then(202);
        String event = post(CVM, body(null, ""), Map.of("Idempotency-Key", "deploy-42"));
        JsonNode first = harness.invoke(event);
        JsonNode second = harness.invoke(event);

        assertThat(first.get("statusCode").intValue()).isEqualTo(202);
        assertThat(second.get("statusCode").intValue()).isEqualTo(202);
        assertThat(second.get("headers").get("Idempotent-Replayed").textValue()).isEqualTo("true");
        assertThat(Harness.body(second)).isEqualTo(Harness.body(first));
        assertThat(harness.provisioning.provisions).hasSize(1);
        assertThat(harness.phala.calls()).hasSize(1);
        assertThat(harness.outcomes.published()).hasSize(1);
    }

    @Test
    void withoutAnIdempotencyKeyTheSameBodyIsStillOneUpdate() {
        harness.phala.then(202);
        harness.invoke(post(CVM, body(null, ""), Map.of()));
        JsonNode second = harness.invoke(post(CVM, body(null, ""), Map.of()));
        assertThat(second.get("headers").get("Idempotent-Replayed").textValue()).isEqualTo("true");
        assertThat(harness.provisioning.provisions).hasSize(1);
    }

    @Test
    void waitStartsTheWatchsOneCvmRolloutAndSaysSo() throws Exception {
        harness.phala.then(202);
        JsonNode response = harness.invoke(post(CVM, body(null, ", \"wait\": true"), Map.of()));

        JsonNode outcome = Harness.body(response);
        assertThat(outcome.get("watch").textValue()).isEqualTo("scheduled");
        assertThat(harness.engine.calls).singleElement().satisfies(start -> {
            assertThat(start.kind()).isEqualTo("start");
            com.composerelay.core.Rollout watch = harness.rollouts.find(start.nameOrToken()).orElseThrow();
            assertThat(watch.watch().correlationId()).isEqualTo(outcome.get("correlation_id").textValue());
            assertThat(watch.watch().timeoutSeconds()).isEqualTo(600);
            assertThat(watch.composeHash()).isEqualTo(FakeProvisioning.HASH);
            assertThat(watch.targets()).extracting(com.composerelay.core.Rollout.Target::cvmId).containsExactly(CVM);
            assertThat(com.composerelay.support.TestJson.parse(start.text()).path("strategy")
                    .path("check_interval_seconds").intValue()).isEqualTo(15);
        });
    }

    @Test
    void watchUpdatesWatchesEveryWholeUpdateWithItsOwnTimes() {
        Harness h = Harness.builder().config(Fixtures.config("WATCH_UPDATES", "true", "WATCH_INTERVAL_SECONDS", "5",
                "WATCH_TIMEOUT_SECONDS", "120")).build();
        h.phala.then(202);
        h.invoke(post(CVM, body(null, ""), Map.of()));
        assertThat(h.engine.calls).singleElement().satisfies(start -> {
            assertThat(h.rollouts.find(start.nameOrToken()).orElseThrow().watch().timeoutSeconds()).isEqualTo(120);
            assertThat(com.composerelay.support.TestJson.parse(start.text()).path("strategy")
                    .path("check_interval_seconds").intValue()).isEqualTo(5);
        });
    }

    @Test
    void aWatchThatCannotBeStartedIsNamedInTheAcceptedOutcome() {
        harness.engine.goDown();
        harness.phala.then(202);
        JsonNode response = harness.invoke(post(CVM, body(null, ", \"wait\": true"), Map.of()));
        assertThat(response.get("statusCode").intValue()).isEqualTo(202);
        assertThat(Harness.body(response).get("watch").textValue())
                .isEqualTo("not scheduled: the watch's execution could not be started (StartExecution:"
                        + " ServiceUnavailable (test))");
    }

    @Test
    void provisionRetriesWhatMayPassWithThePatchsRules() {
        harness.provisioning.provisionReplies.add(FakeProvisioning.status(503));
        harness.provisioning.provisionReplies.add(new FakeProvisioning.Reply.Timeout());
        harness.phala.then(202);
        JsonNode response = harness.invoke(post(CVM, body(null, ""), Map.of()));
        assertThat(response.get("statusCode").intValue()).isEqualTo(202);
        assertThat(harness.provisioning.provisions).hasSize(3);
        JsonNode provision = Harness.body(response).get("steps").get(0);
        assertThat(provision.get("name").textValue()).isEqualTo("provision");
        assertThat(provision.get("attempts").intValue()).isEqualTo(3);
    }

    @Test
    void aProvisionRefusedIsRejectedWithPhalasStatusAndNoCommit() {
        harness.provisioning.provisionReplies.add(FakeProvisioning.status(422));
        JsonNode response = harness.invoke(post(CVM, body(null, ""), Map.of()));
        assertThat(response.get("statusCode").intValue()).isEqualTo(422);
        assertThat(Harness.body(response).get("error").textValue()).isEqualTo("Phala answered 422: scripted 422");
        assertThat(harness.phala.calls()).isEmpty();
    }

    @Test
    void aCvmWithoutAnEnvKeyIsRejectedBeforeProvisioning() {
        secrets();
        harness.provisioning.readReplies.add(new FakeProvisioning.Reply.Answer(FakeProvisioning.answer(200,
                Map.of("status", "running"))));
        JsonNode response = harness.invoke(post(CVM, body(ENV, ""), Map.of()));
        assertThat(response.get("statusCode").intValue()).isEqualTo(502);
        assertThat(Harness.body(response).get("error").textValue()).startsWith(
                "the CVM's read (GET /api/v1/cvms/" + CVM + ") gives no encrypted_env_pubkey");
        assertThat(harness.provisioning.provisions).isEmpty();
    }

    @Test
    void aRejectionTheCallerFixesElsewhereIsNotReplayed() {
        // The secret is missing: rejected. The caller creates it and sends the same request: it runs.
        String event = post(CVM, body("{\"A\": {\"secret_id\": \"compose-relay/env/late\"}}", ""), Map.of());
        assertThat(harness.invoke(event).get("statusCode").intValue()).isEqualTo(422);
        harness.envSecrets.put("compose-relay/env/late", "now-here");
        harness.phala.then(202);
        JsonNode second = harness.invoke(event);
        assertThat(second.get("statusCode").intValue()).isEqualTo(202);
        assertThat(second.get("headers").has("Idempotent-Replayed")).isFalse();
        assertThat(harness.provisioning.provisions).hasSize(1);
    }

    @Test
    void waitIsRefusedWhenTheRelayHasNoStateMachineToWatchWith() {
        Harness harness = Harness.builder().noRollouts().build();
        JsonNode response = harness.invoke(post(CVM, body(null, ", \"wait\": true"), Map.of()));
        assertThat(response.get("statusCode").intValue()).isEqualTo(400);
        assertThat(Harness.body(response).get("error").textValue()).isEqualTo("wait: the relay has no rollout state"
                + " machine (ROLLOUT_STATE_MACHINE_ARN) to watch the update with; leave wait out");
        assertThat(harness.provisioning.provisions).isEmpty();
    }

    @Test
    void perCvmSecretsKeepACallerOfOneCvmFromAnothersSecrets() {
        Harness h = Harness.builder().config(Fixtures.config("ENV_SECRETS_PER_CVM", "true")).build();
        JsonNode refused = h.invoke(post(CVM, body("{\"DB\": {\"secret_id\": \"compose-relay/env/cvm_other/db\"}}", ""),
                Map.of()));
        assertThat(Harness.body(refused).get("error").textValue()).isEqualTo("env.DB.secret_id: must name a secret under"
                + " 'compose-relay/env/cvm_ykL5lbAn/' (ENV_SECRETS_PER_CVM: each CVM's env values come from its own secrets)");
        assertThat(h.envSecretReads).isEmpty();
        h.envSecrets.put("compose-relay/env/cvm_ykL5lbAn/db", "postgres://own");
        h.phala.then(202);
        JsonNode own = h.invoke(post(CVM, body("{\"DB\": {\"secret_id\": \"compose-relay/env/cvm_ykL5lbAn/db\"}}", ""),
                Map.of()));
        assertThat(own.get("statusCode").intValue()).isEqualTo(202);
    }

    @Test
    void anOnChainKmsCvmIsNotSealedForTheApisKey() {
        secrets();
        harness.provisioning.readReplies.add(new FakeProvisioning.Reply.Answer(FakeProvisioning.answer(200, Map.of(
                "status", "running", "encrypted_env_pubkey", FakeProvisioning.PUBKEY, "kms_chain_id", "8453"))));
        JsonNode response = harness.invoke(post(CVM, body(ENV, ""), Map.of()));
        assertThat(response.get("statusCode").intValue()).isEqualTo(502);
        assertThat(Harness.body(response).get("error").textValue()).isEqualTo("the CVM uses an on-chain KMS (kms_info.chain_id"
                + " 8453): its env key comes from that KMS, which the relay does not read; send the update without env");
        assertThat(harness.provisioning.provisions).isEmpty();
        assertThat(harness.phala.calls()).isEmpty();
    }

    @Test
    void getIsNotAllowedOnTheUpdatesRoute() {
        JsonNode response = harness.invoke(Events.json(Events.httpApiRequest("GET", "GET /cvms/{cvm_id}/updates",
                "/cvms/" + CVM + "/updates", Map.of("cvm_id", CVM), Events.sampleHttpApiHeaders(), "", false)));
        assertThat(response.get("statusCode").intValue()).isEqualTo(405);
        assertThat(response.get("headers").get("Allow").textValue()).isEqualTo("POST");
    }

    private void assertNothingSent() {
        assertThat(harness.envSecretReads).isEmpty();
        assertThat(harness.provisioning.provisions).isEmpty();
        assertThat(harness.provisioning.reads).isEmpty();
        assertThat(harness.phala.calls()).isEmpty();
    }
}
