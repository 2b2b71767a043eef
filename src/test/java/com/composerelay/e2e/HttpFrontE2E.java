package com.composerelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.local.HttpApiRoutes;
import com.composerelay.local.HttpFront;
import com.composerelay.local.LocalDeployment;
import com.composerelay.local.LocalDeployment.Published;
import com.composerelay.local.SamTemplate;
import com.composerelay.support.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import com.composerelay.support.Tags;

/**
 * The deployable behind the local HTTP front, as a client of the real API would reach it: real HTTP
 * requests to 127.0.0.1, turned into API Gateway's events for the routes of the built template, the
 * function under the Runtime Interface Emulator answering, LocalStack and the Phala stand-in behind it.
 */
@Tag(Tags.LOCALSTACK)
@Tag(Tags.EMULATOR)
class HttpFrontE2E {
    private static final String HASH = "4b7a6d5c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b9f2c1e";
    private static LocalDeployment stack;
    private static HttpFront front;
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void deploy() {
        stack = LocalDeployment.start(new LocalDeployment.Options("front-" + UUID.randomUUID().toString().substring(0, 8),
                Map.of(), null, LocalDeployment.Phala.PROMPT, Path.of("target", "e2e-logs")));
        Path buildDir = Path.of(System.getProperty("sam.build.dir", ".aws-sam/build"));
        front = new HttpFront(HttpApiRoutes.of(SamTemplate.read(buildDir), LocalDeployment.FUNCTION),
                stack.function::invoke, System.out::println).start(0);
    }

    @AfterAll
    static void tearDown() {
        Teardown.close(front, stack);
        http.close();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI url(String path) {
        return front.baseUrl().resolve(path);
    }

    @Test
    void relaysAPatchSentOverHttpAndAnswers202WithTheAcceptedOutcome() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(url("/cvms/cvm_ykL5lbAn/compose_file"))
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"compose_hash\":\"" + HASH + "\"}"))
                .header("Content-Type", "application/json"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(response.headers().allValues("content-type")).containsExactly("application/json");
        JsonNode outcome = TestJson.parse(response.body());
        assertThat(outcome.get("status").textValue()).isEqualTo("accepted");
        assertThat(outcome.get("cvm_id").textValue()).isEqualTo("cvm_ykL5lbAn");
        assertThat(outcome.get("compose_hash").textValue()).isEqualTo(HASH);
        assertThat(outcome.get("http_status").intValue()).isEqualTo(202);
        // The relay took its request id from the event the front made, and API Gateway's header carries the same.
        assertThat(outcome.get("request_id").textValue())
                .isEqualTo(response.headers().firstValue("apigw-requestid").orElseThrow());
        List<Published> published = stack.outcomes(1, 10);
        assertThat(published).singleElement().satisfies(p -> {
            assertThat(p.outcome()).isEqualTo(outcome);
            assertThat(p.attributes()).containsEntry("status", "accepted").containsEntry("trigger", "api");
        });
        assertThat(stack.phala.patches()).isEqualTo(1);
    }

    @Test
    void refusesASlackCommandWithABadSignatureWith401() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(url("/slack/command"))
                .POST(HttpRequest.BodyPublishers.ofString(
                        "team_id=T0001&channel_id=C0001&user_id=U0001&command=%2Fcompose&text=update+cvm_ykL5lbAn+" + HASH))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Slack-Request-Timestamp", String.valueOf(System.currentTimeMillis() / 1000))
                .header("X-Slack-Signature", "v0=" + "0".repeat(64)));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("content-type")).contains("application/json");
        assertThat(TestJson.parse(response.body()).get("error").textValue()).isEqualTo("unauthorized");
    }

    @Test
    void answers404NotFoundForAPathWithoutARoute() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(url("/cvms/cvm_ykL5lbAn/restart"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")));

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("{\"message\":\"Not Found\"}");
    }
}
