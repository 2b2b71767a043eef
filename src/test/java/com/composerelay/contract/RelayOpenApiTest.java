package com.composerelay.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.MessageResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.schema.SchemaValidator;
import com.composerelay.core.PhalaAnswer;
import com.composerelay.core.PhalaPassThrough;
import com.composerelay.support.Events;
import com.composerelay.support.Fixtures;
import com.composerelay.support.Harness;
import com.composerelay.support.PhalaEvents;
import com.composerelay.support.TestJson;
import com.composerelay.webhook.SlackSignature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * docs/openapi.yaml against the relay itself: real requests go through the handler, and both the
 * request (method, path, headers, body, as API Gateway received it) and the answer (status,
 * Content-Type, headers, body) are checked by the OpenAPI validator the Phala contract uses.
 * Invalid requests must fall outside the document, and their answers inside it.
 */
class RelayOpenApiTest {
    static final String SPEC = Path.of("docs/openapi.yaml").toAbsolutePath().toUri().toString();
    static final OpenApiInteractionValidator VALIDATOR = OpenApiInteractionValidator.createForSpecificationUrl(SPEC).build();
    static final String CVM = "cvm_ykL5lbAn";
    static final String SIGV4 = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261125/us-east-1/execute-api/aws4_request, "
            + "SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";

    /** One request through the handler: the validator's report on the request, on the answer, and the answer. */
    record Exchange(List<String> request, List<String> response, int status, Map<String, String> headers, JsonNode body) {}

    // ---- the document ---------------------------------------------------------------------------

    @Test
    void isAValidOpenApi31DocumentWithEveryRoute() {
        SwaggerParseResult result = parse();
        assertThat(result.getMessages()).isEmpty();
        OpenAPI api = result.getOpenAPI();
        assertThat(api.getOpenapi()).isEqualTo("3.1.0");
        assertThat(api.getPaths().keySet()).containsExactlyInAnyOrder("/cvms/{cvm_id}/compose_file", "/cvms/{cvm_id}/updates",
                "/slack/command", "/hooks/compose-update", "/phala/events", "/api/v1/cvms/{cvm_id}",
                "/api/v1/cvms/{cvm_id}/compose_file", "/api/v1/cvms/{cvm_id}/compose_file/provision", "/api/v1/{proxy+}",
                "/rollouts", "/rollouts/{rollout_id}", "/rollouts/{rollout_id}/cancel", "/rollouts/{rollout_id}/resume",
                "/slack/interactions");
        var outcome = api.getComponents().getSchemas().get("Outcome");
        assertThat(outcome.getRequired()).containsExactlyInAnyOrder("status", "cvm_id", "compose_hash", "trigger", "attempts",
                "http_status", "error", "request_id", "correlation_id", "phala_request_id", "started_at", "finished_at");
        assertThat(outcome.getAdditionalProperties()).isInstanceOfSatisfying(io.swagger.v3.oas.models.media.Schema.class,
                closed -> assertThat(closed.getBooleanSchemaValue()).isFalse());
        assertThat(api.getComponents().getSecuritySchemes().get("relayToken").getName()).isEqualTo("X-API-Key");
    }

    // ---- PATCH /cvms/{cvm_id}/compose_file ---------------------------------------------------------

    @Test
    void theHttpApiSampleAndItsAcceptedOutcome() {
        Harness harness = new Harness();
        harness.phala.then(202);
        Exchange x = exchange(harness, signedByIam(Fixtures.eventText("http-api.json")));

        assertValid(x);
        assertThat(x.status()).isEqualTo(202);
        assertThat(x.headers()).containsEntry("Content-Type", "application/json");
        assertThat(x.body().get("status").textValue()).isEqualTo("accepted");
        assertThat(x.body().get("trigger").textValue()).isEqualTo("api");
        assertThat(x.body().get("http_status").intValue()).isEqualTo(202);
    }

    @Test
    void theRestApiSampleWithItsBase64Body() {
        Harness harness = new Harness();
        Exchange x = exchange(harness, signedByIam(Fixtures.eventText("rest-api.json")));

        assertValid(x);
        assertThat(x.status()).isEqualTo(202);
        assertThat(x.body().get("compose_hash").textValue()).isEqualTo("0x" + Fixtures.HASH);
    }

    @Test
    void aDuplicateIsAnsweredAsRecordedWithIdempotentReplayed() {
        Harness harness = new Harness();
        harness.phala.then(202);
        String event = patch(CVM, "{\"compose_hash\":\"" + Fixtures.HASH + "\",\"encrypted_env\":null,\"env_keys\":null,"
                + "\"update_env_vars\":false}", Map.of("idempotency-key", "deploy-42"));
        Exchange first = exchange(harness, event);
        Exchange second = exchange(harness, event);

        assertValid(first);
        assertValid(second);
        assertThat(second.status()).isEqualTo(202);
        assertThat(second.headers()).containsEntry("Idempotent-Replayed", "true");
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(harness.phala.calls()).hasSize(1);
    }

    @Test
    void anUnknownFieldIsOutsideTheDocumentAndIts400OutcomeInside() {
        Harness harness = new Harness();
        Exchange x = exchange(harness, patch(CVM, "{\"composeHash\":\"" + Fixtures.HASH + "\"}", Map.of()));

        assertThat(x.request()).anySatisfy(m -> assertThat(m).startsWith("validation.request.body.schema.additionalProperties"));
        assertThat(x.request()).anySatisfy(m -> assertThat(m).startsWith("validation.request.body.schema.required"));
        assertThat(x.response()).isEmpty();
        assertThat(x.status()).isEqualTo(400);
        assertThat(x.body().get("status").textValue()).isEqualTo("rejected");
        assertThat(x.body().get("cvm_id").textValue()).isEqualTo(CVM);
        assertThat(x.body().get("compose_hash").isNull()).isTrue();
        assertThat(x.body().get("error").textValue()).startsWith("composeHash: is not a known field, did you mean compose_hash?");
    }

    @Test
    void aHashThatIsNotHexAndABadIdempotencyKeyAreOutsideTheDocument() {
        Harness harness = new Harness();
        Exchange hash = exchange(harness, patch(CVM, "{\"compose_hash\":\"not-hex\"}", Map.of()));
        assertThat(hash.request()).singleElement().satisfies(m -> assertThat(m).startsWith("validation.request.body.schema.pattern"));
        assertThat(hash.response()).isEmpty();
        assertThat(hash.status()).isEqualTo(400);

        Exchange key = exchange(harness, patch(CVM, "{\"compose_hash\":\"" + Fixtures.HASH + "\"}",
                Map.of("idempotency-key", "two words")));
        assertThat(key.request()).singleElement().satisfies(m -> assertThat(m).startsWith("validation.request.parameter"));
        assertThat(key.response()).isEmpty();
        assertThat(key.status()).isEqualTo(400);
        assertThat(key.body().get("error").textValue()).startsWith("Idempotency-Key: must be 1 to 255 printable ASCII");
        assertThat(harness.phala.calls()).isEmpty();
    }

    @Test
    void phalasRefusalsPassThroughAsOutcomes() {
        Harness harness = new Harness();
        harness.phala.then(new PhalaAnswer(404, "ERR-03-001 CVM not found", "r-404", Optional.empty(), null));
        Exchange notFound = exchange(harness, patch("cvm_gone", "{\"compose_hash\":\"" + Fixtures.HASH + "\"}", Map.of()));
        assertValid(notFound);
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.body().get("status").textValue()).isEqualTo("rejected");
        assertThat(notFound.body().get("phala_request_id").textValue()).isEqualTo("r-404");

        harness.phala.then(new PhalaAnswer(465, "compose hash not registered", null, Optional.empty(), null));
        Exchange onChain = exchange(harness, patch("cvm_chain", "{\"compose_hash\":\"" + Fixtures.HASH + "\"}", Map.of()));
        assertValid(onChain);
        assertThat(onChain.status()).isEqualTo(465);
        assertThat(onChain.body().get("http_status").intValue()).isEqualTo(465);
    }

    @Test
    void theRelaysOwnFailuresAre502_503_504Outcomes() {
        Harness harness = new Harness();
        harness.phala.then(503).then(503).then(503).then(503);
        Exchange unavailable = exchange(harness, patch("cvm_a", "{\"compose_hash\":\"" + Fixtures.HASH + "\"}", Map.of()));
        assertValid(unavailable);
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(unavailable.body().get("status").textValue()).isEqualTo("failed");

        harness.phala.then(429).then(429).then(429).then(429);
        Exchange badGateway = exchange(harness, patch("cvm_b", "{\"compose_hash\":\"" + Fixtures.HASH + "\"}", Map.of()));
        assertValid(badGateway);
        assertThat(badGateway.status()).isEqualTo(502);

        Exchange late = exchange(harness, patch("cvm_c", "{\"compose_hash\":\"" + Fixtures.HASH + "\"}", Map.of()),
                new com.composerelay.support.FakeContext("l-1", 1_000));
        assertValid(late);
        assertThat(late.status()).isEqualTo(504);
        assertThat(late.body().get("attempts").intValue()).isZero();
        assertThat(late.body().get("http_status").isNull()).isTrue();
    }

    @Test
    void anotherMethodIs405AndAnotherPathIs404WithAnError() {
        Harness harness = new Harness();
        JsonNode answer = harness.invoke(Events.json(Events.restApiEvent("cvm_1", "{}").withHttpMethod("POST")));
        assertThat(answer.get("statusCode").intValue()).isEqualTo(405);
        assertThat(messages(VALIDATOR.validateResponse("/cvms/cvm_1/compose_file", Request.Method.PATCH, response(answer))))
                .isEmpty();
        assertThat(answer.get("headers").get("Allow").textValue()).isEqualTo("PATCH");

        JsonNode other = harness.invoke(Events.json(Events.httpApiRequest("PATCH", "$default", "/cvms/cvm_1/logs", null,
                Events.sampleHttpApiHeaders(), "{}", false)));
        assertThat(other.get("statusCode").intValue()).isEqualTo(404);
        assertThat(Harness.body(other).get("error").textValue()).startsWith("no such route");
        assertThat(messages(VALIDATOR.validateResponse("/cvms/cvm_1/compose_file", Request.Method.PATCH, response(other))))
                .isEmpty();
    }

    // ---- the rollout routes ---------------------------------------------------------------------------

    static String iam(String method, String route, String path, String body) {
        Map<String, String> all = new LinkedHashMap<>(Events.sampleHttpApiHeaders());
        all.put("authorization", SIGV4);
        var event = Events.httpApiRequest(method, route, path, null, all, body, false);
        event.getRequestContext().setAuthorizer(com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent
                .RequestContext.Authorizer.builder().withIam(com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent
                        .RequestContext.IAM.builder().withUserArn("arn:aws:iam::123456789012:role/deploy-pipeline").build())
                .build());
        return Events.json(event);
    }

    @Test
    void aRolloutItsReadCancelAndResumeMatch() {
        Harness harness = new Harness();
        Exchange started = exchange(harness, iam("POST", "POST /rollouts", "/rollouts", """
                {"targets": {"cvms": ["cvm_web01", "cvm_web02", "cvm_web03"]},
                 "app_compose": {"docker_compose_file": "services: {}", "name": "shop"},
                 "strategy": {"waves": [1, "100%"], "check_interval_seconds": 5, "approve_after": [1]}}"""));
        assertValid(started);
        assertThat(started.status()).isEqualTo(202);
        assertThat(started.body().get("status").textValue()).isEqualTo("running");
        assertThat(started.body().get("actor").textValue()).isEqualTo("arn:aws:iam::123456789012:role/deploy-pipeline");
        String id = started.body().get("rollout_id").textValue();

        Exchange read = exchange(harness, iam("GET", "GET /rollouts/{rollout_id}", "/rollouts/" + id, null));
        assertValid(read);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body().get("waves").get(1).get("cvms")).hasSize(2);

        Exchange resume = exchange(harness, iam("POST", "POST /rollouts/{rollout_id}/resume", "/rollouts/" + id + "/resume",
                null));
        assertValid(resume);
        assertThat(resume.status()).isEqualTo(409);
        assertThat(resume.body().get("error").textValue()).isEqualTo("rollout " + id + " is running, not paused");

        Exchange cancel = exchange(harness, iam("POST", "POST /rollouts/{rollout_id}/cancel", "/rollouts/" + id + "/cancel",
                "{\"rollback\": false}"));
        assertValid(cancel);
        assertThat(cancel.status()).isEqualTo(200);

        Exchange unknown = exchange(harness, iam("GET", "GET /rollouts/{rollout_id}", "/rollouts/ro_000000000000000000000000",
                null));
        assertValid(unknown);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().get("error").textValue()).isEqualTo("no rollout ro_000000000000000000000000");
    }

    @Test
    void anInvalidRolloutIsOutsideTheDocumentAndItsAnswerInside() {
        Exchange x = exchange(new Harness(), iam("POST", "POST /rollouts", "/rollouts", """
                {"targets": {"cvms": []}, "app_compose": {"docker_compose_file": "services: {}"}}"""));
        assertThat(x.request()).isNotEmpty();
        assertThat(x.response()).isEmpty();
        assertThat(x.status()).isEqualTo(400);
    }

    // ---- POST /cvms/{cvm_id}/updates ------------------------------------------------------------------

    static final String WHOLE = """
            {"app_compose": {"docker_compose_file": "services:\\n  web:\\n    image: nginx:1.27\\n", "name": "shop",
                             "allowed_envs": ["LOG_LEVEL"], "kms_enabled": true, "future_field": {"kept": [1, 2]}},
             "env": {"DATABASE_URL": {"secret_id": "compose-relay/env/shop", "json_key": "database_url"},
                     "LOG_LEVEL": "info"},
             "wait": true}""";

    @Test
    void aWholeUpdateWithEnvAndWaitAndItsStepsMatch() {
        Harness harness = new Harness();
        harness.envSecrets.put("compose-relay/env/shop", "{\"database_url\":\"postgres://db/shop\"}");
        harness.phala.then(202);
        Exchange x = exchange(harness, whole(CVM, WHOLE, Map.of()));

        assertValid(x);
        assertThat(x.status()).isEqualTo(202);
        assertThat(x.body().get("status").textValue()).isEqualTo("accepted");
        assertThat(x.body().get("watch").textValue()).isEqualTo("scheduled");
        assertThat(TestJson.texts(x.body().get("env_keys"))).containsExactly("DATABASE_URL", "LOG_LEVEL");
        assertThat(TestJson.texts(x.body().get("allowed_envs_added"))).containsExactly("DATABASE_URL");
        assertThat(x.body().get("steps")).hasSize(3);
        assertThat(x.body().get("steps").get(2).get("name").textValue()).isEqualTo("commit");
        assertThat(x.body().get("actor").textValue()).isEqualTo("arn:aws:iam::123456789012:role/deploy-pipeline");
    }

    @Test
    void aMissingSecretIsA422OutcomeWithItsSteps() {
        Harness harness = new Harness();
        Exchange x = exchange(harness, whole(CVM, WHOLE, Map.of()));

        assertValid(x);
        assertThat(x.status()).isEqualTo(422);
        assertThat(x.body().get("status").textValue()).isEqualTo("rejected");
        assertThat(x.body().get("steps").get(0).get("name").textValue()).isEqualTo("env");
        assertThat(x.body().get("steps").get(0).get("result").textValue()).isEqualTo("rejected");
        assertThat(harness.phala.calls()).isEmpty();
    }

    @Test
    void aWholeUpdateWithoutTheComposeFileOrWithAHashIsOutsideTheDocument() {
        Harness harness = new Harness();
        Exchange noFile = exchange(harness, whole(CVM, "{\"app_compose\": {\"name\": \"shop\"}}", Map.of()));
        assertThat(noFile.request()).singleElement().satisfies(m -> assertThat(m).startsWith("validation.request.body.schema.required"));
        assertThat(noFile.response()).isEmpty();
        assertThat(noFile.status()).isEqualTo(400);
        assertThat(noFile.body().get("error").textValue()).startsWith("app_compose.docker_compose_file: is required");

        Exchange both = exchange(harness, whole(CVM, "{\"app_compose\": {\"docker_compose_file\": \"services: {}\"},"
                + " \"compose_hash\": \"" + Fixtures.HASH + "\"}", Map.of()));
        assertThat(both.request()).singleElement().satisfies(m -> assertThat(m).startsWith("validation.request.body.schema.additionalProperties"));
        assertThat(both.response()).isEmpty();
        assertThat(both.status()).isEqualTo(400);
    }

    // ---- POST /slack/command ------------------------------------------------------------------------

    static String slack(Harness harness, String text, String secret) {
        String body = "token=x&team_id=T0001&team_domain=acme&channel_id=C0001&channel_name=deploys&user_id=U0001"
                + "&user_name=ada&command=%2Fcompose&text=" + URLEncoder.encode(text, StandardCharsets.UTF_8)
                + "&api_app_id=A1&response_url=" + URLEncoder.encode("https://hooks.slack.com/commands/T0001/1/abc",
                StandardCharsets.UTF_8) + "&trigger_id=1.2.3";
        String ts = String.valueOf(harness.now());
        return Harness.post("/slack/command", Map.of("content-type", "application/x-www-form-urlencoded",
                "x-slack-request-timestamp", ts,
                "x-slack-signature", SlackSignature.sign(secret, ts, body.getBytes(StandardCharsets.UTF_8))), body, false);
    }

    @Test
    void aSlashCommandAndItsEphemeralAnswerMatch() {
        Harness harness = Harness.chatOps();
        Exchange x = exchange(harness, slack(harness, "update cvm_web01 " + Fixtures.HASH, Harness.SLACK_SECRET));

        assertValid(x);
        assertThat(x.status()).isEqualTo(200);
        assertThat(x.body().get("response_type").textValue()).isEqualTo("ephemeral");
        assertThat(x.body().get("text").textValue()).startsWith(":hourglass_flowing_sand: Updating `cvm_web01`");
        assertThat(harness.queued).hasSize(1);
    }

    @Test
    void aWronglySignedCommandIs401AndAnUnsignedOneIsOutsideTheDocument() {
        Harness harness = Harness.chatOps();
        Exchange wrong = exchange(harness, slack(harness, "help", "not-the-secret"));
        assertValid(wrong);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body()).isEqualTo(Events.tree("{\"error\":\"unauthorized\"}"));

        Exchange unsigned = exchange(harness, Harness.post("/slack/command", Map.of("content-type",
                "application/x-www-form-urlencoded"), "text=help", false));
        assertThat(keys(unsigned.request())).containsExactlyInAnyOrder("validation.request.security.missing",
                "validation.request.parameter.header.missing");
        assertThat(unsigned.response()).isEmpty();
        assertThat(unsigned.status()).isEqualTo(401);
        assertThat(harness.queued).isEmpty();
    }

    // ---- POST /hooks/compose-update -----------------------------------------------------------------

    @Test
    void aSignedHookAndItsOutcomeMatch() {
        Harness harness = Harness.chatOps();
        harness.phala.then(202);
        Exchange x = exchange(harness, Harness.signedHook(harness.hookBody(CVM), Map.of("content-type", "application/json")));

        assertValid(x);
        assertThat(x.status()).isEqualTo(202);
        assertThat(x.body().get("trigger").textValue()).isEqualTo("hook");
        assertThat(x.body().get("actor").textValue()).isEqualTo("hook:hook-secret");
    }

    @Test
    void aStaleHookIs401AndOneWithoutTimestampIsOutsideTheDocument() {
        Harness harness = Harness.chatOps();
        Exchange stale = exchange(harness, Harness.signedHook(Harness.hookBody(CVM, harness.now() - 301),
                Map.of("content-type", "application/json")));
        assertValid(stale);
        assertThat(stale.status()).isEqualTo(401);
        assertThat(stale.body().get("error").textValue()).startsWith("timestamp: outside the 300 s window");

        Exchange noTimestamp = exchange(harness, Harness.signedHook("{\"cvm_id\":\"" + CVM + "\",\"compose_hash\":\""
                + Fixtures.HASH + "\"}", Map.of("content-type", "application/json")));
        assertThat(noTimestamp.request()).singleElement().satisfies(m -> assertThat(m).startsWith("validation.request.body.schema.required"));
        assertThat(noTimestamp.response()).isEmpty();
        assertThat(noTimestamp.status()).isEqualTo(400);
        assertThat(noTimestamp.body().get("status").textValue()).isEqualTo("rejected");
        assertThat(noTimestamp.body().get("trigger").textValue()).isEqualTo("hook");
        assertThat(harness.phala.calls()).isEmpty();
    }

    // ---- POST /phala/events ---------------------------------------------------------------------------

    @Test
    void phalasEventsAndTheirReceiptsMatch() {
        Harness harness = Harness.chatOps();
        Exchange updated = exchange(harness, phalaEvent(harness, "evt_1", "cvm.updated", CVM));
        assertValid(updated);
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.body()).isEqualTo(Events.tree("{\"received\":true,\"event\":\"cvm.updated\",\"result\":\"completed\"}"));

        Exchange again = exchange(harness, phalaEvent(harness, "evt_1", "cvm.updated", CVM));
        assertValid(again);
        assertThat(again.body().get("result").textValue()).isEqualTo("duplicate");

        Exchange other = exchange(harness, phalaEvent(harness, "evt_2", "cvm.created", CVM));
        assertValid(other);
        assertThat(other.body().get("result").textValue()).isEqualTo("ignored");
    }

    @Test
    void anEventWithABadCvmIdIsOutsideTheDocumentAndAnswered400() {
        Harness harness = Harness.chatOps();
        Exchange x = exchange(harness, phalaEvent(harness, "evt_3", "cvm.updated", "../etc"));
        assertThat(x.request()).singleElement().satisfies(m -> assertThat(m).startsWith("validation.request.body.schema.pattern"));
        assertThat(x.response()).isEmpty();
        assertThat(x.status()).isEqualTo(400);
        assertThat(x.body().get("error").textValue()).isEqualTo("data.cvm_id: must not contain '/'");
    }

    /** A signed delivery as Phala sends it: the support's event, with the JSON Content-Type Phala's webhook sets. */
    static String phalaEvent(Harness harness, String id, String type, String cvmId) {
        ObjectNode event = (ObjectNode) Events.tree(PhalaEvents.signed(harness, id, type, cvmId));
        ((ObjectNode) event.get("headers")).put("content-type", "application/json");
        return TestJson.write(event);
    }

    // ---- the Phala-compatible API ---------------------------------------------------------------------

    /** Phala's API as the routes forward to it: scripted answers, every call recorded. */
    static final class FakePassThrough implements PhalaPassThrough {
        final Deque<PhalaAnswer> answers = new ArrayDeque<>();
        final List<String> calls = new ArrayList<>();

        FakePassThrough then(int status, String body) {
            answers.add(new PhalaAnswer(status, null, "req-" + status, Optional.empty(), null,
                    Map.of(RAW_BODY, body, CONTENT_TYPE, "application/json")));
            return this;
        }

        @Override
        public PhalaAnswer forward(String method, String cvmId, String suffix, String body, String apiVersion, String apiKey,
                                   java.time.Duration timeout) {
            calls.add(method + " /api/v1/cvms/" + cvmId + suffix);
            return answers.remove();
        }
    }

    static Harness phalaApi(FakePassThrough phala) {
        return Harness.builder().passThrough(phala)
                .config(Fixtures.config("RELAY_TOKENS_SECRET_ID", "compose-relay/relay-tokens")).build();
    }

    static String phalaApiRequest(String method, String path, String token, String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        headers.put("user-agent", "python-httpx/0.28.1");
        headers.put("x-phala-version", "2026-05-22");
        if (token != null) {
            headers.put("x-api-key", token);
        }
        return Events.json(Events.httpApiRequest(method, "ANY /api/v1/{proxy+}", path,
                Map.of("proxy", path.substring("/api/v1/".length())), headers, body, false));
    }

    @Test
    void theCvmReadTheProvisionTheCommitAndTheDeployMatch() {
        FakePassThrough phala = new FakePassThrough()
                .then(200, "{\"id\":42,\"name\":\"shop\",\"status\":\"running\",\"encrypted_env_pubkey\":\"07a3\"}")
                .then(200, "{\"app_id\":\"app_1\",\"compose_hash\":\"" + Fixtures.HASH + "\",\"device_id\":\"d\"}")
                .then(202, "{}")
                .then(202, "{\"correlation_id\":\"corr-9\"}");
        Harness harness = phalaApi(phala);
        String token = harness.tokenFor("ci-prod", CVM);

        Exchange read = exchange(harness, phalaApiRequest("GET", "/api/v1/cvms/" + CVM, token, null));
        assertValid(read);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body().get("id").intValue()).isEqualTo(42);
        assertThat(read.headers()).containsEntry("X-Request-ID", "req-200");

        Exchange provision = exchange(harness, phalaApiRequest("POST", "/api/v1/cvms/" + CVM + "/compose_file/provision",
                token, "{\"docker_compose_file\":\"services: {}\",\"name\":\"shop\"}"));
        assertValid(provision);
        assertThat(provision.body().get("compose_hash").textValue()).isEqualTo(Fixtures.HASH);

        String commit = phalaApiRequest("PATCH", "/api/v1/cvms/" + CVM + "/compose_file", token,
                "{\"compose_hash\":\"" + Fixtures.HASH + "\",\"encrypted_env\":null,\"env_keys\":null,\"update_env_vars\":null}");
        Exchange committed = exchange(harness, commit);
        assertValid(committed);
        assertThat(committed.status()).isEqualTo(202);
        assertThat(committed.body()).isEqualTo(Events.tree("{}"));

        Exchange replayed = exchange(harness, commit);
        assertValid(replayed);
        assertThat(replayed.status()).isEqualTo(202);
        assertThat(replayed.headers()).containsEntry("Idempotent-Replayed", "true");

        // Another HTTP request (API Gateway gives each its own id, which keys the Phala-compatible routes).
        Exchange deploy = exchange(harness, phalaApiRequest("PATCH", "/api/v1/cvms/" + CVM, token,
                "{\"docker_compose_file\":\"services: {}\",\"allowed_envs\":[\"FOO\"],\"encrypted_env\":\"abcd\"}")
                .replace("Jb1fHgq7IAMEVfA=", "Kd3hJis9KCOGXhC="));
        assertValid(deploy);
        assertThat(deploy.body().get("correlation_id").textValue()).isEqualTo("corr-9");

        assertThat(phala.calls).containsExactly("GET /api/v1/cvms/" + CVM, "POST /api/v1/cvms/" + CVM
                + "/compose_file/provision", "PATCH /api/v1/cvms/" + CVM + "/compose_file", "PATCH /api/v1/cvms/" + CVM);
        assertThat(harness.outcomes.published()).extracting(o -> o.facts().actor()).containsExactly("token:ci-prod",
                "token:ci-prod");
    }

    @Test
    void refusalsAreInPhalasShape() {
        FakePassThrough phala = new FakePassThrough();
        Harness harness = phalaApi(phala);
        String token = harness.tokenFor("ci-prod", CVM);

        Exchange missing = exchange(harness, phalaApiRequest("GET", "/api/v1/cvms/" + CVM, null, null));
        assertThat(keys(missing.request())).containsExactly("validation.request.security.missing");
        assertThat(missing.response()).isEmpty();
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.body().get("detail").textValue()).startsWith("Invalid API key");

        Exchange otherCvm = exchange(harness, phalaApiRequest("PATCH", "/api/v1/cvms/cvm_other/compose_file", token,
                "{\"compose_hash\":\"" + Fixtures.HASH + "\"}"));
        assertValid(otherCvm);
        assertThat(otherCvm.status()).isEqualTo(403);
        assertThat(otherCvm.body().get("detail").textValue()).isEqualTo("this relay token may not update or read this CVM");

        Exchange delete = exchange(harness, phalaApiRequest("DELETE", "/api/v1/cvms/" + CVM, token, null));
        assertValid(delete);
        assertThat(delete.status()).isEqualTo(403);
        assertThat(delete.body().get("detail").textValue()).startsWith("the relay does not forward DELETE /api/v1/cvms/" + CVM);

        Exchange elsewhere = exchange(harness, phalaApiRequest("GET", "/api/v1/workspaces", token, null));
        assertValid(elsewhere);
        assertThat(elsewhere.status()).isEqualTo(403);

        Exchange invalid = exchange(harness, phalaApiRequest("PATCH", "/api/v1/cvms/" + CVM + "/compose_file", token,
                "{\"composeHash\":\"" + Fixtures.HASH + "\"}"));
        assertThat(invalid.request()).anySatisfy(m -> assertThat(m).startsWith("validation.request.body.schema.additionalProperties"));
        assertThat(invalid.response()).isEmpty();
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.body().get("detail").textValue()).startsWith("composeHash: is not a known field");

        assertThat(phala.calls).isEmpty();
        assertThat(harness.outcomes.published()).isEmpty();
    }

    @Test
    void theApiOffIs404AndPhalasOwnRefusalPassesThrough() {
        Harness off = new Harness();
        Exchange x = exchange(off, phalaApiRequest("GET", "/api/v1/cvms/" + CVM, "crt_" + "x".repeat(43), null));
        assertValid(x);
        assertThat(x.status()).isEqualTo(404);
        assertThat(x.body().get("detail").textValue()).contains("RELAY_TOKENS_SECRET_ID");

        FakePassThrough phala = new FakePassThrough()
                .then(422, "{\"detail\":[{\"loc\":[\"body\",\"name\"],\"msg\":\"field required\",\"type\":\"value_error\"}]}");
        Harness harness = phalaApi(phala);
        String token = harness.tokenFor("ci-prod", CVM);
        Exchange refused = exchange(harness, phalaApiRequest("POST", "/api/v1/cvms/" + CVM + "/compose_file/provision",
                token, "{\"docker_compose_file\":\"services: {}\"}"));
        assertValid(refused);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.body().get("detail").get(0).get("msg").textValue()).isEqualTo("field required");
    }

    // ---- the validator bites ----------------------------------------------------------------------------

    static final String OUTCOME = """
            {"status":"accepted","cvm_id":"cvm_1","compose_hash":"%s","trigger":"api","attempts":1,"http_status":202,
             "error":null,"request_id":"r1","correlation_id":"r1","phala_request_id":null,
             "started_at":"2026-11-25T12:00:00Z","finished_at":"2026-11-25T12:00:00.120Z"}""".formatted(Fixtures.HASH);

    static List<String> outcomeReport(String body) {
        return messages(VALIDATOR.validateResponse("/cvms/cvm_1/compose_file", Request.Method.PATCH,
                SimpleResponse.Builder.status(202).withContentType("application/json").withBody(body).build()));
    }

    @Test
    void theValidatorCatchesAWrongOutcome() {
        assertThat(outcomeReport(OUTCOME)).isEmpty();
        ObjectNode noStatus = (ObjectNode) Events.tree(OUTCOME);
        noStatus.remove("status");
        assertThat(outcomeReport(TestJson.write(noStatus))).singleElement()
                .satisfies(m -> assertThat(m).startsWith("validation.response.body.schema.required"));
        ObjectNode extra = (ObjectNode) Events.tree(OUTCOME);
        extra.put("event", "cvm.updated");
        assertThat(outcomeReport(TestJson.write(extra))).singleElement()
                .satisfies(m -> assertThat(m).startsWith("validation.response.body.schema.additionalProperties"));
        ObjectNode trigger = (ObjectNode) Events.tree(OUTCOME);
        trigger.put("trigger", "cron");
        assertThat(outcomeReport(TestJson.write(trigger))).singleElement()
                .satisfies(m -> assertThat(m).startsWith("validation.response.body.schema.enum"));
        ObjectNode nullId = (ObjectNode) Events.tree(OUTCOME);
        nullId.putNull("request_id");
        assertThat(outcomeReport(TestJson.write(nullId))).singleElement()
                .satisfies(m -> assertThat(m).startsWith("validation.response.body.schema.type"));
        ObjectNode halfWhole = (ObjectNode) Events.tree(OUTCOME);
        halfWhole.putArray("steps");
        assertThat(keys(outcomeReport(TestJson.write(halfWhole)))).isNotEmpty()
                .containsOnly("validation.response.body.schema.dependentRequired");
    }

    @Test
    void theValidatorCatchesAWrongStatusOrContentType() {
        List<String> errorFor202 = messages(VALIDATOR.validateResponse("/cvms/cvm_1/compose_file", Request.Method.PATCH,
                SimpleResponse.Builder.status(202).withContentType("application/json").withBody("{\"error\":\"x\"}").build()));
        assertThat(errorFor202).isNotEmpty();
        List<String> text = messages(VALIDATOR.validateResponse("/cvms/cvm_1/compose_file", Request.Method.PATCH,
                SimpleResponse.Builder.status(202).withContentType("text/plain").withBody(OUTCOME).build()));
        assertThat(text).singleElement().satisfies(m -> assertThat(m).startsWith("validation.response.contentType.notAllowed"));
        List<String> unknownStatus = messages(VALIDATOR.validateResponse("/slack/command", Request.Method.POST,
                SimpleResponse.Builder.status(202).withContentType("application/json").withBody("{}").build()));
        assertThat(unknownStatus).singleElement().satisfies(m -> assertThat(m).startsWith("validation.response.status.unknown"));
    }

    // ---- the queue's messages (not HTTP) ---------------------------------------------------------------

    @Test
    void theSampleQueueMessagesAreQueueMessages() throws Exception {
        OpenAPI api = parse().getOpenAPI();
        SchemaValidator schemas = new SchemaValidator(api, new MessageResolver());
        var queueMessage = api.getComponents().getSchemas().get("QueueMessage");
        List<String> bodies = new ArrayList<>();
        for (String sample : List.of("sqs-batch.json", "sqs-fifo-batch.json", "sqs-whole-update.json")) {
            for (JsonNode record : Fixtures.event(sample).get("Records")) {
                bodies.add(record.get("body").textValue());
            }
        }
        // sqs-batch.json carries one invalid message on purpose (the relay rejects it): it must be the only one outside.
        assertThat(bodies).hasSize(5);
        List<String> outside = bodies.stream().filter(b -> !messages(schemas.validate(b, queueMessage, "queue")).isEmpty())
                .toList();
        assertThat(outside).containsExactly("{\"cvm_id\":\"cvm_ykL5lbAn\",\"composeHash\":\"9f2c1e4b\"}");
        assertThat(keys(messages(schemas.validate(outside.getFirst(), queueMessage, "queue"))))
                .contains("validation.queue.schema.additionalProperties");
        assertThat(messages(schemas.validate("{\"compose_hash\":\"" + Fixtures.HASH + "\"}", queueMessage, "queue")))
                .as("a message without cvm_id").isNotEmpty();
        assertThat(messages(schemas.validate("{\"cvm_id\":\"cvm_1\",\"compose_hash\":\"" + Fixtures.HASH
                + "\",\"app_compose\":{\"docker_compose_file\":\"x\"}}", queueMessage, "queue"))).as("both forms").isNotEmpty();
    }

    // ---- the plumbing ------------------------------------------------------------------------------------

    static SwaggerParseResult parse() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        return new OpenAPIV3Parser().readLocation(SPEC, null, options);
    }

    /** The HTTP API sample (or REST sample) as API Gateway hands it over after its IAM authorizer passed it. */
    static String signedByIam(String eventJson) {
        ObjectNode event = (ObjectNode) Events.tree(eventJson);
        ((ObjectNode) event.get("headers")).put("authorization", SIGV4);
        return TestJson.write(event);
    }

    static String patch(String cvmId, String body, Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>(Events.sampleHttpApiHeaders());
        all.put("authorization", SIGV4);
        all.putAll(headers);
        return Events.json(Events.httpApiRequest("PATCH", Events.PATCH_ROUTE, "/cvms/" + cvmId + "/compose_file",
                Map.of("cvm_id", cvmId), all, body, false));
    }

    static String whole(String cvmId, String body, Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>(Events.sampleHttpApiHeaders());
        all.put("authorization", SIGV4);
        all.putAll(headers);
        var event = Events.httpApiRequest("POST", "POST /cvms/{cvm_id}/updates", "/cvms/" + cvmId + "/updates",
                Map.of("cvm_id", cvmId), all, body, false);
        event.getRequestContext().setAuthorizer(com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent
                .RequestContext.Authorizer.builder().withIam(com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent
                        .RequestContext.IAM.builder().withUserArn("arn:aws:iam::123456789012:role/deploy-pipeline").build())
                .build());
        return Events.json(event);
    }

    static Exchange exchange(Harness harness, String eventJson) {
        return exchange(harness, eventJson, new com.composerelay.support.FakeContext());
    }

    static Exchange exchange(Harness harness, String eventJson, com.composerelay.support.FakeContext context) {
        Request request = request(Events.tree(eventJson));
        JsonNode answer = harness.invoke(eventJson, context);
        List<String> requestReport = messages(VALIDATOR.validateRequest(request));
        List<String> responseReport = messages(VALIDATOR.validateResponse(request.getPath(), request.getMethod(),
                response(answer)));
        Map<String, String> headers = new LinkedHashMap<>();
        answer.get("headers").properties().forEach(e -> headers.put(e.getKey(), e.getValue().textValue()));
        return new Exchange(requestReport, responseReport, answer.get("statusCode").intValue(), headers,
                Harness.body(answer));
    }

    /** The request as the caller sent it to API Gateway: method, path, headers and the body (base64 undone). */
    static Request request(JsonNode event) {
        boolean v2 = "2.0".equals(event.path("version").asText());
        String method = v2 ? event.get("requestContext").get("http").get("method").textValue() : event.get("httpMethod").textValue();
        String path = v2 ? event.get("rawPath").textValue() : event.get("path").textValue();
        SimpleRequest.Builder builder = new SimpleRequest.Builder(method, path);
        event.path("headers").properties().forEach(h -> builder.withHeader(h.getKey(), h.getValue().textValue()));
        JsonNode body = event.get("body");
        if (body != null && body.isTextual()) {
            builder.withBody(event.path("isBase64Encoded").asBoolean()
                    ? new String(Base64.getDecoder().decode(body.textValue()), StandardCharsets.UTF_8) : body.textValue());
        }
        return builder.build();
    }

    /** The handler's API Gateway proxy response as the validator reads it. */
    static SimpleResponse response(JsonNode answer) {
        assertThat(answer.get("isBase64Encoded").booleanValue()).isFalse();
        SimpleResponse.Builder builder = SimpleResponse.Builder.status(answer.get("statusCode").intValue());
        answer.get("headers").properties().forEach(h -> builder.withHeader(h.getKey(), h.getValue().textValue()));
        return builder.withBody(answer.get("body").textValue()).build();
    }

    static List<String> messages(ValidationReport report) {
        return report.getMessages().stream().map(m -> m.getKey() + ": " + m.getMessage()).toList();
    }

    /** The messages' keys alone. */
    static List<String> keys(List<String> messages) {
        return messages.stream().map(m -> m.substring(0, m.indexOf(": "))).toList();
    }

    static void assertValid(Exchange x) {
        assertThat(x.request()).as("the request against docs/openapi.yaml").isEmpty();
        assertThat(x.response()).as("the answer against docs/openapi.yaml (%s %s)", x.status(), x.body()).isEmpty();
    }
}
