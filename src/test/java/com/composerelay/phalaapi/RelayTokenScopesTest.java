package com.composerelay.phalaapi;

import static com.composerelay.core.TokenScope.DEPLOY;
import static com.composerelay.core.TokenScope.MANAGE;
import static com.composerelay.core.TokenScope.READ;
import static com.composerelay.core.TokenScope.ROLLOUT;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.composerelay.aws.SecretsManagerRelayTokens;
import com.composerelay.core.Fingerprint;
import com.composerelay.core.RelayTable;
import com.composerelay.core.RelayToken;
import com.composerelay.core.StoreKeys;
import com.composerelay.core.StoreUnavailable;
import com.composerelay.core.TokenScope;
import com.composerelay.phala.HttpPhalaApi;
import com.composerelay.support.Events;
import com.composerelay.support.Fixtures;
import com.composerelay.support.Harness;
import com.composerelay.support.LogCapture;
import com.composerelay.support.MutableClock;
import com.composerelay.support.Tags;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Relay tokens that expire, carry scopes (the unified PATCH checked per field) and revoke themselves
 * ({@code DELETE /api/v1/tokens/self}), through the handler, WireMock standing in for Phala.
 */
class RelayTokenScopesTest {
    static final String CVM = "cvm_ykL5lbAn";
    static final String HASH = "ab".repeat(32);
    static final String GET = "/api/v1/cvms/" + CVM;
    static final String PROVISION = "/api/v1/cvms/" + CVM + "/compose_file/provision";
    static final String COMMIT = "/api/v1/cvms/" + CVM + "/compose_file";
    static final String UNIFIED = "/api/v1/cvms/" + CVM;
    static final String SELF = "/api/v1/tokens/self";

    /** The compose and env fields of Phala's UpdateCvmRequest, AppComposeV2 and the compose commit: deploy. */
    static final List<String> DEPLOY_FIELDS = List.of("docker_compose_file", "pre_launch_script", "allowed_envs",
            "encrypted_env", "env_keys", "update_env_vars", "compose_hash", "name", "runner", "manifest_version",
            "bash_script", "init_script", "features", "salt", "kms_enabled", "local_key_provider_enabled",
            "gateway_enabled", "tproxy_enabled", "no_instance_id", "secure_time", "storage_fs", "default_gateway_domain");
    /** UpdateCvmRequest's other fields: manage. */
    static final List<String> MANAGE_FIELDS = List.of("vcpu", "memory", "disk_size", "image", "gpus", "user_config",
            "public_logs", "public_sysinfo", "public_tcbinfo", "shutdown_timeout", "allow_force_stop");

    @RegisterExtension
    static WireMockExtension phala = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @RegisterExtension
    final LogCapture log = new LogCapture();

    MutableClock clock;
    Harness harness;
    final List<String> issued = new ArrayList<>();

    @BeforeEach
    void relay() {
        harness = harness(null);
    }

    Harness harness(RelayTable table) {
        clock = new MutableClock();
        HttpPhalaApi api = new HttpPhalaApi(com.composerelay.net.HttpClients.newClient(Duration.ofSeconds(2)),
                URI.create(phala.baseUrl()), "2026-05-22", clock);
        Harness.Builder builder = Harness.builder().clock(clock).phala(api).passThrough(api)
                .config(Fixtures.config("RELAY_TOKENS_SECRET_ID", "compose-relay/relay-tokens", "PHALA_RETRY_BASE_DELAY_MS", "1"));
        if (table != null) {
            builder.idempotency(table);
        }
        return builder.build();
    }

    String token(String name, Instant expiresAt, Set<TokenScope> scopes) {
        String token = harness.tokenFor(name, expiresAt, scopes, CVM);
        issued.add(token);
        return token;
    }

    @AfterEach
    void neverATokenNorTheKeyInTheLogOrOutcomes() {
        String seen = log.text() + harness.outcomes.published();
        assertThat(seen).doesNotContain(Fixtures.API_KEY);
        issued.forEach(t -> assertThat(seen).doesNotContain(t));
    }

    static String request(String method, String path, String key, String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        if (key != null) {
            headers.put("x-api-key", key);
        }
        return Events.json(Events.httpApiRequest(method, "ANY /api/v1/{proxy+}", path,
                Map.of("proxy", path.substring("/api/v1/".length())), headers, body, false));
    }

    int requests;

    /** Each call its own HTTP request (its own request id, so its own idempotency key): {@code req-1}, {@code req-2}, … */
    JsonNode call(String method, String path, String key, String body) {
        return harness.invoke(request(method, path, key, body).replace("Jb1fHgq7IAMEVfA=", "req-" + ++requests));
    }

    static int status(JsonNode response) {
        return response.get("statusCode").intValue();
    }

    static String body(JsonNode response) {
        return response.get("body").textValue();
    }

    static String detail(String text) {
        return "{\"detail\":\"" + text + "\"}";
    }

    void phalaAnswersEverything() {
        phala.stubFor(get(GET).willReturn(aResponse().withStatus(200).withBody("{\"id\":\"" + CVM + "\"}")));
        phala.stubFor(post(PROVISION).willReturn(aResponse().withStatus(200).withBody("{\"compose_hash\":\"" + HASH + "\"}")));
        phala.stubFor(patch(COMMIT).willReturn(aResponse().withStatus(202).withBody("{}")));
        phala.stubFor(patch(UNIFIED).willReturn(aResponse().withStatus(202).withBody("{\"correlation_id\":\"corr-1\"}")));
    }

    // ---- expiry ----------------------------------------------------------------------------------------------------

    @Test
    void anExpiredTokenIs401NamingItWithNothingForwarded() {
        phalaAnswersEverything();
        String token = token("ci-exp", MutableClock.START.plus(Duration.ofHours(1)), TokenScope.DEFAULT);
        assertThat(status(call("GET", GET, token, null))).isEqualTo(200);

        clock.advance(Duration.ofHours(1)); // from expires_at on
        JsonNode read = call("GET", GET, token, null);
        JsonNode commit = call("PATCH", COMMIT, token, "{\"compose_hash\":\"" + HASH + "\"}");
        JsonNode revoke = call("DELETE", SELF, token, null);

        for (JsonNode refused : List.of(read, commit, revoke)) {
            assertThat(status(refused)).isEqualTo(401);
            assertThat(body(refused)).isEqualTo(detail(
                    "Invalid API key: relay token ci-exp expired at 2026-11-25T13:00:00Z; ask for a new one"));
        }
        phala.verify(1, anyRequestedFor(anyUrl())); // the read before it expired, nothing after
        assertThat(harness.outcomes.published()).isEmpty();
        assertThat(log.text()).contains("Phala API request refused: the relay token expired");
    }

    @Test
    void anExpiredTokenIsRefusedWithoutReadingTheRevocationsAndAnUnknownOneToo() {
        // Neither costs a read of the table: with it down, both are still 401, not 503.
        String token = token("ci-exp", MutableClock.START, TokenScope.DEFAULT);
        harness.idempotency.goDown();
        assertThat(body(call("GET", GET, token, null))).isEqualTo(detail(
                "Invalid API key: relay token ci-exp expired at 2026-11-25T12:00:00Z; ask for a new one"));
        assertThat(status(call("GET", GET, "crt_" + "x".repeat(43), null))).isEqualTo(401);
        phala.verify(0, anyRequestedFor(anyUrl()));
    }

    // ---- scopes per route ------------------------------------------------------------------------------------------

    @Test
    void aReadOnlyTokenReadsAndDeploysNothing() {
        phalaAnswersEverything();
        String token = token("reader", null, EnumSet.of(READ));
        assertThat(status(call("GET", GET, token, null))).isEqualTo(200);

        JsonNode provision = call("POST", PROVISION, token, "{\"docker_compose_file\":\"services: {}\",\"name\":\"shop\"}");
        JsonNode commit = call("PATCH", COMMIT, token, "{\"compose_hash\":\"" + HASH + "\"}");
        JsonNode unified = call("PATCH", UNIFIED, token, "{\"docker_compose_file\":\"services: {}\"}");
        assertThat(status(provision)).isEqualTo(403);
        assertThat(body(provision)).isEqualTo(detail("this relay token may not provision a compose (deploy): its scopes are read"));
        assertThat(status(commit)).isEqualTo(403);
        assertThat(body(commit)).isEqualTo(detail(
                "this relay token may not update this CVM's compose (deploy): its scopes are read"));
        assertThat(status(unified)).isEqualTo(403);
        assertThat(body(unified)).isEqualTo(detail(
                "this relay token may not change docker_compose_file (deploy): its scopes are read"));
        phala.verify(1, anyRequestedFor(anyUrl()));
        phala.verify(1, getRequestedFor(urlEqualTo(GET)));
        assertThat(harness.outcomes.published()).isEmpty();
    }

    @Test
    void aDeployOnlyTokenDeploysButDoesNotRead() {
        phalaAnswersEverything();
        String token = token("deployer", null, EnumSet.of(DEPLOY));
        JsonNode read = call("GET", GET, token, null);
        assertThat(status(read)).isEqualTo(403);
        assertThat(body(read)).isEqualTo(detail("this relay token may not read this CVM (read): its scopes are deploy"));
        phala.verify(0, anyRequestedFor(anyUrl()));

        assertThat(status(call("POST", PROVISION, token, "{\"docker_compose_file\":\"services: {}\",\"name\":\"shop\"}")))
                .isEqualTo(200);
        assertThat(status(call("PATCH", COMMIT, token, "{\"compose_hash\":\"" + HASH + "\"}"))).isEqualTo(202);
        assertThat(status(call("PATCH", UNIFIED, token, "{\"docker_compose_file\":\"services: {}\"}"))).isEqualTo(202);
        phala.verify(3, anyRequestedFor(anyUrl()));
        assertThat(harness.outcomes.published()).hasSize(2);
    }

    @Test
    void aRolloutOnlyTokenMayDoNothingHere() {
        phalaAnswersEverything();
        String token = token("rollouts", null, EnumSet.of(ROLLOUT));
        assertThat(body(call("GET", GET, token, null)))
                .isEqualTo(detail("this relay token may not read this CVM (read): its scopes are rollout"));
        assertThat(body(call("PATCH", COMMIT, token, "{\"compose_hash\":\"" + HASH + "\"}")))
                .isEqualTo(detail("this relay token may not update this CVM's compose (deploy): its scopes are rollout"));
        assertThat(body(call("PATCH", UNIFIED, token, "{\"vcpu\":2}")))
                .isEqualTo(detail("this relay token may not change vcpu (manage): its scopes are rollout"));
        phala.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void theScopeIsCheckedOnlyForACvmTheTokenNames() {
        String token = token("reader", null, EnumSet.of(READ));
        JsonNode other = call("PATCH", "/api/v1/cvms/cvm_other", token, "{\"vcpu\":2}");
        assertThat(status(other)).isEqualTo(403);
        assertThat(body(other)).isEqualTo(detail("this relay token may not update or read this CVM"));
        phala.verify(0, anyRequestedFor(anyUrl()));
    }

    // ---- the unified PATCH, per field ------------------------------------------------------------------------------

    @Test
    void aDefaultTokenDeploysACompose() {
        phalaAnswersEverything();
        String token = token("ci", null, TokenScope.DEFAULT);
        String compose = "{\"docker_compose_file\":\"services: {}\",\"allowed_envs\":[\"FOO\"],\"encrypted_env\":\"abcd\"}";
        JsonNode response = call("PATCH", UNIFIED, token, compose);
        assertThat(status(response)).isEqualTo(202);
        assertThat(body(response)).isEqualTo("{\"correlation_id\":\"corr-1\"}");
        phala.verify(1, patchRequestedFor(urlEqualTo(UNIFIED)).withRequestBody(equalTo(compose)));
    }

    @Test
    void aResizeThroughADefaultTokenIsRefusedNamingTheFieldAndNothingIsForwarded() {
        phalaAnswersEverything();
        String token = token("ci", null, TokenScope.DEFAULT);
        JsonNode response = call("PATCH", UNIFIED, token, "{\"docker_compose_file\":\"services: {}\",\"vcpu\":4}");
        assertThat(status(response)).isEqualTo(403);
        assertThat(body(response)).isEqualTo(detail("this relay token may not change vcpu (manage): its scopes are read, deploy"));
        JsonNode many = call("PATCH", UNIFIED, token, "{\"vcpu\":4,\"memory\":8192,\"disk_size\":40,\"image\":\"dstack-0.5\"}");
        assertThat(body(many)).isEqualTo(detail("this relay token may not change vcpu (manage), memory (manage),"
                + " disk_size (manage), image (manage): its scopes are read, deploy"));
        phala.verify(0, anyRequestedFor(anyUrl()));
        assertThat(harness.outcomes.published()).isEmpty();
        assertThat(log.text()).contains("Phala API request refused: outside the relay token's scopes");
    }

    @Test
    void aResizeThroughAManageTokenIsForwarded() {
        phalaAnswersEverything();
        String token = token("ops", null, EnumSet.of(READ, DEPLOY, MANAGE));
        String body = "{\"docker_compose_file\":\"services: {}\",\"vcpu\":4}";
        assertThat(status(call("PATCH", UNIFIED, token, body))).isEqualTo(202);
        phala.verify(1, patchRequestedFor(urlEqualTo(UNIFIED)).withRequestBody(equalTo(body))
                .withHeader("X-API-Key", equalTo(Fixtures.API_KEY)));
        assertThat(harness.outcomes.published()).singleElement()
                .satisfies(o -> assertThat(o.facts().actor()).isEqualTo("token:ops"));
    }

    @Test
    void aManageOnlyTokenResizesButDeploysNoCompose() {
        phalaAnswersEverything();
        String token = token("sizer", null, EnumSet.of(MANAGE));
        assertThat(status(call("PATCH", UNIFIED, token, "{\"vcpu\":4,\"memory\":8192}"))).isEqualTo(202);
        assertThat(body(call("PATCH", UNIFIED, token, "{\"vcpu\":4,\"docker_compose_file\":\"x\",\"encrypted_env\":\"ab\"}")))
                .isEqualTo(detail("this relay token may not change docker_compose_file (deploy), encrypted_env (deploy):"
                        + " its scopes are manage"));
        assertThat(body(call("PATCH", UNIFIED, token, "{}")))
                .isEqualTo(detail("this relay token may not update this CVM (deploy): its scopes are manage"));
        phala.verify(1, anyRequestedFor(anyUrl()));
    }

    @Test
    void aFieldTheRelayDoesNotKnowNeedsManage() {
        phalaAnswersEverything();
        String deployer = token("ci", null, TokenScope.DEFAULT);
        String manager = token("ops", null, EnumSet.of(DEPLOY, MANAGE));
        JsonNode refused = call("PATCH", UNIFIED, deployer, "{\"docker_compose_file\":\"x\",\"teepod_id\":7}");
        assertThat(status(refused)).isEqualTo(403);
        assertThat(body(refused)).isEqualTo(detail("this relay token may not change teepod_id (manage): its scopes are read, deploy"));
        // Even null counts: a field is checked by its presence.
        assertThat(body(call("PATCH", UNIFIED, deployer, "{\"vcpu\":null}")))
                .isEqualTo(detail("this relay token may not change vcpu (manage): its scopes are read, deploy"));
        phala.verify(0, anyRequestedFor(anyUrl()));

        assertThat(status(call("PATCH", UNIFIED, manager, "{\"docker_compose_file\":\"x\",\"teepod_id\":7}"))).isEqualTo(202);
        phala.verify(1, patchRequestedFor(urlEqualTo(UNIFIED)));
    }

    @Test
    void everyComposeAndEnvFieldIsDeployAndEveryOtherKnownFieldManage() {
        phalaAnswersEverything();
        String deployer = token("ci", null, EnumSet.of(DEPLOY));
        String manager = token("ops", null, EnumSet.of(MANAGE));
        for (String field : DEPLOY_FIELDS) {
            assertThat(status(call("PATCH", UNIFIED, deployer, "{\"" + field + "\":null}"))).as(field).isEqualTo(202);
            assertThat(body(call("PATCH", UNIFIED, manager, "{\"" + field + "\":null}"))).as(field)
                    .isEqualTo(detail("this relay token may not change " + field + " (deploy): its scopes are manage"));
        }
        for (String field : MANAGE_FIELDS) {
            assertThat(status(call("PATCH", UNIFIED, manager, "{\"" + field + "\":null}"))).as(field).isEqualTo(202);
            assertThat(body(call("PATCH", UNIFIED, deployer, "{\"" + field + "\":null}"))).as(field)
                    .isEqualTo(detail("this relay token may not change " + field + " (manage): its scopes are deploy"));
        }
        phala.verify(DEPLOY_FIELDS.size() + MANAGE_FIELDS.size(), patchRequestedFor(urlEqualTo(UNIFIED)));
    }

    @Test
    void theDocsTableNamesEveryFieldWithItsScope() throws Exception {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("docs/PHALA-API.md"));
        for (String field : DEPLOY_FIELDS) {
            assertThat(doc).as(field).containsPattern("\\| [^|\\n]*`" + field + "`[^|\\n]* \\| `deploy` \\|");
        }
        for (String field : MANAGE_FIELDS) {
            assertThat(doc).as(field).containsPattern("\\| [^|\\n]*`" + field + "`[^|\\n]* \\| `manage` \\|");
        }
    }

    // ---- DELETE /api/v1/tokens/self --------------------------------------------------------------------------------

    @Test
    void aTokenRevokesItselfAtOnceAndAnotherIsUnaffected() {
        phalaAnswersEverything();
        String token = token("ci-prod", null, TokenScope.DEFAULT);
        String other = token("ci-other", null, TokenScope.DEFAULT);
        assertThat(status(call("GET", GET, token, null))).isEqualTo(200);

        JsonNode revoked = call("DELETE", SELF, token, null);
        assertThat(status(revoked)).isEqualTo(204);
        assertThat(body(revoked)).isEmpty();
        assertThat(revoked.get("headers").has("Content-Type")).isFalse();
        assertThat(revoked.get("headers").get("X-Request-ID").textValue()).isEqualTo("req-2");

        // At once: no cache to wait out (the list's cache still holds the entry).
        JsonNode after = call("GET", GET, token, null);
        assertThat(status(after)).isEqualTo(401);
        assertThat(body(after)).isEqualTo(detail("Invalid API key: relay token ci-prod was revoked"));
        assertThat(body(call("DELETE", SELF, token, null))).isEqualTo(detail("Invalid API key: relay token ci-prod was revoked"));
        assertThat(status(call("GET", GET, other, null))).isEqualTo(200);

        // Never forwarded: Phala saw the two reads, no DELETE.
        phala.verify(2, anyRequestedFor(anyUrl()));
        phala.verify(2, getRequestedFor(urlEqualTo(GET)));
        assertThat(harness.outcomes.published()).isEmpty();
        assertThat(log.text()).contains("relay token revoked by its holder").contains("\"actor\":\"token:ci-prod\"");
    }

    @Test
    void aRevocationOnOneInstanceHoldsAtOnceOnAnother() {
        phalaAnswersEverything();
        var table = new com.composerelay.support.InMemoryIdempotency(new MutableClock(), Duration.ofHours(1));
        Harness first = harness(table);
        Harness second = harness(table);
        harness = first;
        String token = token("ci-prod", null, TokenScope.DEFAULT);
        second.relayTokens.addAll(first.relayTokens);
        harness = second;
        assertThat(status(call("GET", GET, token, null))).isEqualTo(200); // the second instance has read its list

        harness = first;
        assertThat(status(call("DELETE", SELF, token, null))).isEqualTo(204);
        harness = second;
        assertThat(body(call("GET", GET, token, null))).isEqualTo(detail("Invalid API key: relay token ci-prod was revoked"));
        phala.verify(1, anyRequestedFor(anyUrl()));
    }

    @Test
    void theRevocationIsAKeyOfTheTableKeptUntilTheTokensExpiryOrTenYears() {
        String lasting = token("ci-lasting", null, TokenScope.DEFAULT);
        Instant expiry = MutableClock.START.plus(Duration.ofDays(30));
        String expiring = token("ci-30d", expiry, EnumSet.of(READ));
        assertThat(status(call("DELETE", SELF, lasting, null))).isEqualTo(204);
        assertThat(status(call("DELETE", SELF, expiring, null))).isEqualTo(204);

        assertThat(harness.idempotency.expiresAt("token-revoked:" + sha256(lasting)))
                .isEqualTo(MutableClock.START.plus(Duration.ofDays(3650)));
        assertThat(harness.idempotency.expiresAt(StoreKeys.TOKEN_REVOKED.of(sha256(expiring)))).isEqualTo(expiry);
        assertThat(StoreKeys.TOKEN_REVOKED.lifetime()).isEqualTo("until the token's expires_at, or 3650 days without one");
    }

    @Test
    void aTokenForNoCvmInParticularMayStillRevokeItself() {
        String token = token("reader", null, EnumSet.of(READ));
        assertThat(status(call("DELETE", SELF + "/", token, null))).isEqualTo(204);
        assertThat(status(call("GET", GET, token, null))).isEqualTo(401);
        phala.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void revokingWithoutAValidTokenIs401AndOtherMethodsOnTheRouteAre403() {
        String wildcard = harness.tokenFor("ops", "*");
        issued.add(wildcard);
        assertThat(body(call("DELETE", SELF, null, null)))
                .isEqualTo(detail("Invalid API key: the relay takes a relay token (crt_…) in X-API-Key"));
        assertThat(status(call("DELETE", SELF, "crt_" + "y".repeat(43), null))).isEqualTo(401);
        assertThat(status(call("GET", SELF, wildcard, null))).isEqualTo(403);
        assertThat(status(call("GET", GET, wildcard, null))).isNotEqualTo(401); // still live
        phala.verify(1, anyRequestedFor(anyUrl()));
    }

    @Test
    void withTheRevocationsUnreadableEveryKnownTokenIs503AndNothingIsForwarded() {
        phalaAnswersEverything();
        String token = token("ci-prod", null, TokenScope.DEFAULT);
        harness.idempotency.goDown();
        JsonNode read = call("GET", GET, token, null);
        assertThat(status(read)).isEqualTo(503);
        assertThat(body(read)).isEqualTo(detail("the relay could not check whether this relay token was revoked"
                + " (its table is unavailable); nothing was forwarded, try again later"));
        assertThat(status(call("PATCH", UNIFIED, token, "{\"docker_compose_file\":\"x\"}"))).isEqualTo(503);
        assertThat(status(call("DELETE", SELF, token, null))).isEqualTo(503);
        phala.verify(0, anyRequestedFor(anyUrl()));
        assertThat(log.text()).contains("relay token revocations not readable: could not claim the idempotency record");
    }

    /** A table that reads but refuses every write (DynamoDB throttling the put, say). */
    static final class WriteRefusingTable implements RelayTable {
        final com.composerelay.support.InMemoryIdempotency inner;

        WriteRefusingTable(com.composerelay.support.InMemoryIdempotency inner) {
            this.inner = inner;
        }

        @Override
        public Claim claim(String key, String fingerprint, Instant holdUntil) throws StoreUnavailable {
            return inner.claim(key, fingerprint, holdUntil);
        }

        @Override
        public void complete(String key, String body, int callerStatus) throws StoreUnavailable {
            inner.complete(key, body, callerStatus);
        }

        @Override
        public void release(String key) throws StoreUnavailable {
            inner.release(key);
        }

        @Override
        public void put(String key, String value) throws StoreUnavailable {
            throw new StoreUnavailable("could not write the idempotency record in DynamoDB table relay (ThrottlingException)");
        }

        @Override
        public void put(String key, String value, Instant until) throws StoreUnavailable {
            put(key, value);
        }

        @Override
        public java.util.Optional<String> get(String key) throws StoreUnavailable {
            return inner.get(key);
        }
    }

    @Test
    void aRevocationThatCannotBeWrittenIs503AndTheTokenStillWorks() {
        phalaAnswersEverything();
        MutableClock time = new MutableClock();
        var inner = new com.composerelay.support.InMemoryIdempotency(time, Duration.ofHours(1));
        harness = harness(new WriteRefusingTable(inner));
        String token = token("ci-prod", null, TokenScope.DEFAULT);
        JsonNode response = call("DELETE", SELF, token, null);
        assertThat(status(response)).isEqualTo(503);
        assertThat(body(response)).isEqualTo(detail(
                "the relay could not record the revocation (its table is unavailable); the token still works, try again later"));
        assertThat(status(call("GET", GET, token, null))).isEqualTo(200);
        assertThat(inner.size()).isZero();
        assertThat(log.text()).contains("relay token revocation not recorded: could not write the idempotency record");
    }

    @Test
    void withoutTheRelaysTableATokenCannotRevokeItselfAndSaysWhatToDo() {
        harness = harness(RelayTable.none());
        String token = token("ci-prod", null, TokenScope.DEFAULT);
        JsonNode response = call("DELETE", SELF, token, null);
        assertThat(status(response)).isEqualTo(501);
        assertThat(body(response)).isEqualTo(detail("the relay cannot revoke tokens without its table (IDEMPOTENCY_TABLE_NAME):"
                + " ask the relay's operator to remove relay token ci-prod from the tokens secret"));
        phala.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void removingTheEntryFromTheSecretStillRevokes() {
        phalaAnswersEverything();
        String token = token("ci-prod", null, TokenScope.DEFAULT);
        assertThat(status(call("GET", GET, token, null))).isEqualTo(200);
        harness.relayTokens.removeIf(t -> t.name().equals("ci-prod"));
        clock.advance(Duration.ofSeconds(300));
        assertThat(body(call("GET", GET, token, null)))
                .isEqualTo(detail("Invalid API key: the relay takes a relay token (crt_…) in X-API-Key"));
    }

    // ---- the tokens secret -----------------------------------------------------------------------------------------

    static String entry(String extra) {
        return "{\"name\":\"ok\",\"sha256\":\"" + "a".repeat(64) + "\",\"cvms\":[\"*\"]},"
                + "{\"name\":\"ci\",\"sha256\":\"" + "b".repeat(64) + "\",\"cvms\":[\"cvm_1\"]" + extra + "}";
    }

    @Test
    void theSecretsEntriesCarryExpiryAndScopes() throws Exception {
        List<RelayToken> tokens = SecretsManagerRelayTokens.parse("[" + entry(
                ",\"expires_at\":\"2027-01-01T10:00:00.250+02:00\",\"scopes\":[\"manage\",\"read\",\"manage\"]") + "]", "tokens");
        assertThat(tokens.get(0).expiresAt()).isNull();
        assertThat(tokens.get(0).scopes()).containsExactly(READ, DEPLOY);
        assertThat(tokens.get(1).expiresAt()).isEqualTo(Instant.parse("2027-01-01T08:00:00.250Z"));
        assertThat(tokens.get(1).scopes()).containsExactly(READ, MANAGE);
        assertThat(SecretsManagerRelayTokens.parse("[" + entry(",\"expires_at\":\"2027-01-01t08:00:00z\"") + "]", "t")
                .get(1).expiresAt()).isEqualTo(Instant.parse("2027-01-01T08:00:00Z"));
    }

    @Test
    void aMalformedExpiryOrAnUnknownScopeMakesTheListUnreadableNamedByIndexAndField() {
        String expiry = "the relay tokens secret tokens, entry 1: expires_at must be an RFC 3339 time with its offset,"
                + " e.g. 2026-12-31T23:59:59Z";
        for (String bad : List.of("\"2027-01-01\"", "\"2027-01-01T00:00:00\"", "\"2027-01-01T00:00Z\"",
                "\"2027-02-30T00:00:00Z\"", "\"next week\"", "1798761600", "null")) {
            assertThatThrownBy(() -> SecretsManagerRelayTokens.parse("[" + entry(",\"expires_at\":" + bad) + "]", "tokens"))
                    .as(bad).hasMessage(expiry);
        }
        assertThatThrownBy(() -> SecretsManagerRelayTokens.parse("[" + entry(",\"scopes\":[\"read\",\"admin\"]") + "]", "tokens"))
                .hasMessage("the relay tokens secret tokens, entry 1: scopes[1] is not one of read, deploy, manage, rollout");
        assertThatThrownBy(() -> SecretsManagerRelayTokens.parse("[" + entry(",\"scopes\":[\"Read\"]") + "]", "tokens"))
                .hasMessage("the relay tokens secret tokens, entry 1: scopes[0] is not one of read, deploy, manage, rollout");
        assertThatThrownBy(() -> SecretsManagerRelayTokens.parse("[" + entry(",\"scopes\":[7]") + "]", "tokens"))
                .hasMessage("the relay tokens secret tokens, entry 1: scopes[0] is not one of read, deploy, manage, rollout");
        for (String bad : List.of("[]", "\"read\"", "null")) {
            assertThatThrownBy(() -> SecretsManagerRelayTokens.parse("[" + entry(",\"scopes\":" + bad) + "]", "tokens"))
                    .as(bad).hasMessage("the relay tokens secret tokens, entry 1: scopes must be a non-empty list of read,"
                            + " deploy, manage, rollout");
        }
    }

    // ---- scripts/relay-token.sh ------------------------------------------------------------------------------------

    record Printed(int exit, String out, String err) {}

    static Printed relayTokenSh(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("scripts/relay-token.sh"));
        command.addAll(List.of(args));
        Process script = new ProcessBuilder(command).start();
        String out = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(script.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Printed(script.waitFor(), out, err);
    }

    @Test
    @Tag(Tags.PYTHON)
    void relayTokenShWritesExpiryAndScopesIntoTheEntry() throws Exception {
        Instant before = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Printed printed = relayTokenSh("--expires", "30d", "--scopes", "manage,read", "ci-script", CVM);
        assertThat(printed.exit()).as(printed.err()).isZero();
        List<String> lines = printed.out().lines().toList();
        assertThat(lines).hasSize(2);
        String token = lines.get(0).substring("token: ".length());
        assertThat(lines.get(0)).matches("token: crt_[A-Za-z0-9_-]{43}");
        String entry = lines.get(1).substring("entry: ".length());
        assertThat(entry).matches("\\{\"name\":\"ci-script\",\"sha256\":\"" + sha256(token) + "\",\"cvms\":\\[\"" + CVM
                + "\"],\"expires_at\":\"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\",\"scopes\":\\[\"read\",\"manage\"]}");
        RelayToken parsed = SecretsManagerRelayTokens.parse("[" + entry + "]", "test").getFirst();
        assertThat(parsed.expiresAt()).isBetween(before.plus(Duration.ofDays(30)), Instant.now().plus(Duration.ofDays(30)));
        assertThat(parsed.scopes()).containsExactly(READ, MANAGE);
    }

    @Test
    @Tag(Tags.PYTHON)
    void relayTokenShKeepsItsShapeWithTheDefaultScopesAndTakesAnRfc3339Time() throws Exception {
        Printed plain = relayTokenSh("ci-plain", CVM, "app_0123");
        assertThat(plain.exit()).as(plain.err()).isZero();
        String token = plain.out().lines().toList().get(0).substring("token: ".length());
        assertThat(plain.out()).isEqualTo("token: " + token + "\nentry: {\"name\":\"ci-plain\",\"sha256\":\"" + sha256(token)
                + "\",\"cvms\":[\"" + CVM + "\",\"app_0123\"],\"scopes\":[\"read\",\"deploy\"]}\n");

        Printed at = relayTokenSh("ci-at", "--expires", "2030-01-01T10:00:00+02:00", "*");
        assertThat(at.exit()).as(at.err()).isZero();
        assertThat(at.out()).contains(",\"cvms\":[\"*\"],\"expires_at\":\"2030-01-01T08:00:00Z\",\"scopes\":[\"read\",\"deploy\"]}\n");
    }

    @Test
    @Tag(Tags.PYTHON)
    void relayTokenShRefusesABadExpiryOrScope() throws Exception {
        Printed scope = relayTokenSh("--scopes", "read,admin", "ci", CVM);
        assertThat(scope.exit()).isEqualTo(1);
        assertThat(scope.out()).isEmpty();
        assertThat(scope.err()).isEqualTo("relay-token.sh: --scopes must list some of read, deploy, manage, rollout (not: admin)\n");
        Printed expiry = relayTokenSh("--expires", "2027-01-01", "ci", CVM);
        assertThat(expiry.exit()).isEqualTo(1);
        assertThat(expiry.out()).isEmpty();
        assertThat(expiry.err()).isEqualTo(
                "relay-token.sh: --expires must be an RFC 3339 time (2026-12-31T23:59:59Z) or Nh, Nd, Nw (e.g. 30d)\n");
        Printed past = relayTokenSh("--expires", "2020-01-01T00:00:00Z", "ci", CVM);
        assertThat(past.exit()).isEqualTo(1);
        assertThat(past.err()).isEqualTo("relay-token.sh: --expires must be in the future\n");
    }

    static String sha256(String token) {
        return Fingerprint.sha256Hex(token.getBytes(StandardCharsets.UTF_8));
    }
}
