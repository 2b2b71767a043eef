package com.composerelay;

import com.composerelay.support.TestJson;
import com.composerelay.wiring.Assembly;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.aws.AwsClients;
import com.composerelay.config.Config;
import com.composerelay.support.Fixtures;
import com.composerelay.support.LogCapture;
import com.composerelay.support.LocalAws;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The deployed relay's start-up work: on threads of its own it reads the key ahead of the first
 * request and primes every other AWS call against canned answers, so AWS sees one call (the key)
 * before any request, and a failure there is left, in one log line, to the request that meets it.
 */
class StartUpTest {
    @RegisterExtension
    static WireMockExtension aws = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    @RegisterExtension
    final LogCapture log = new LogCapture();

    @BeforeEach
    void stubAwsAndPhala() {
        aws.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"Name\":\"compose-relay/phala-api-key\",\"SecretString\":\"" + Fixtures.API_KEY + "\"}")));
        aws.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", containing("DynamoDB_20120810."))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.0")
                        .withBody("{}")));
        aws.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=Publish"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/xml")
                        .withBody("<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult>"
                                + "<MessageId>m-1</MessageId></PublishResult></PublishResponse>")));
        aws.stubFor(patch(urlEqualTo("/api/v1/cvms/cvm_ykL5lbAn/compose_file"))
                .willReturn(aResponse().withStatus(202).withHeader("Content-Type", "application/json").withBody("{}")));
    }

    /** AWS and Phala on the WireMock server, an idempotency table, and {@code more} settings. */
    private Config config(String... more) {
        List<String> settings = new java.util.ArrayList<>(List.of("AWS_ENDPOINT_URL", aws.baseUrl(), "AWS_REGION",
                "us-east-1", "PHALA_API_BASE_URL", aws.baseUrl(), "IDEMPOTENCY_TABLE_NAME", "compose-relay-idempotency"));
        settings.addAll(List.of(more));
        return Fixtures.config(settings.toArray(String[]::new));
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean() && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertThat(condition.getAsBoolean()).as("reached within 10 s").isTrue();
    }

    /** Every start-up thread has ended: whatever they were to send AWS has been sent. */
    private static boolean startUpWorkEnded() {
        return Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("start-up-"));
    }

    private static List<String> awsTargets() {
        return aws.getAllServeEvents().stream().map(ServeEvent::getRequest)
                .map(r -> r.getMethod().getName() + " " + r.getUrl() + " "
                        + (r.containsHeader("X-Amz-Target") ? r.getHeader("X-Amz-Target") : r.getBodyAsString()))
                .toList();
    }

    /** Relays the HTTP API sample: 202, the key read {@code keyReads} times in all, one PATCH with that key. */
    private static void relaysTheSampleWithTheKey(Assembly.Deployed deployed, int keyReads) throws Exception {
        JsonNode response = TestJson.db(deployed.dispatcher().dispatch(TestJson.jr(Fixtures.event("http-api.json")),
                new com.composerelay.core.Invocation("lambda-1", Instant.now().plusSeconds(20))));

        assertThat(response.get("statusCode").intValue()).isEqualTo(202);
        aws.verify(keyReads, postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target",
                equalTo("secretsmanager.GetSecretValue")));
        aws.verify(1, patchRequestedFor(urlEqualTo("/api/v1/cvms/cvm_ykL5lbAn/compose_file"))
                .withHeader("X-API-Key", equalTo(Fixtures.API_KEY)));
    }

    @Test
    void readsTheKeyAheadAndSendsAwsNothingElseBeforeARequest() throws Exception {
        Assembly.Deployed deployed = Assembly.assemble(config(), LocalAws.CREDENTIALS, Clock.systemUTC(), true);

        await(() -> !aws.getAllServeEvents().isEmpty());
        await(StartUpTest::startUpWorkEnded);
        assertThat(awsTargets()).as("before any request: the key, and nothing else")
                .containsExactly("POST / secretsmanager.GetSecretValue");

        relaysTheSampleWithTheKey(deployed, 1);
        aws.verify(1, postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=Publish")));
        assertThat(log.text()).doesNotContain("start-up work failed")
                .doesNotContain(Fixtures.API_KEY);
    }

    @Test
    void readsTheSignedRoutesSecretsAheadToo() throws Exception {
        Config config = config("SLACK_SIGNING_SECRET_ID", "compose-relay/slack", "HOOK_SECRET_ID", "compose-relay/hook",
                "REQUEST_QUEUE_URL", aws.baseUrl() + "/000000000000/requests");

        Assembly.assemble(config, LocalAws.CREDENTIALS, Clock.systemUTC(), true);

        await(() -> aws.getAllServeEvents().size() >= 3);
        await(StartUpTest::startUpWorkEnded);
        assertThat(aws.getAllServeEvents().stream().map(e -> e.getRequest().getBodyAsString()).sorted().toList())
                .as("the key and the two signing secrets, nothing else")
                .containsExactly("{\"SecretId\":\"compose-relay/hook\"}",
                        "{\"SecretId\":\"compose-relay/phala-api-key\"}",
                        "{\"SecretId\":\"compose-relay/slack\"}");
    }

    @Test
    void aKeyThatCannotBeReadAtStartUpIsReadAgainByTheFirstRequest() throws Exception {
        aws.stubFor(post(urlEqualTo("/")).atPriority(1)
                .withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"__type\":\"ResourceNotFoundException\",\"message\":\"not yet\"}")));
        Assembly.Deployed deployed = Assembly.assemble(config(), LocalAws.CREDENTIALS, Clock.systemUTC(), true);
        await(() -> !aws.getAllServeEvents().isEmpty());
        await(StartUpTest::startUpWorkEnded);
        // The secret appears before the first request.
        aws.stubFor(post(urlEqualTo("/")).atPriority(0)
                .withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"SecretString\":\"" + Fixtures.API_KEY + "\"}")));

        relaysTheSampleWithTheKey(deployed, 2);
        assertThat(log.text()).doesNotContain("start-up work failed");
    }

    @Test
    void startUpWorkThatFailsIsLoggedInOneLine() throws Exception {
        new AwsClients(config(), LocalAws.CREDENTIALS).startUp("probe", () -> {
            throw new IllegalStateException("priming: no canned answer");
        });

        await(() -> log.text().contains("start-up work failed"));
        String line = log.text().strip();
        assertThat(line.lines()).hasSize(1);
        assertThat(TestJson.parse(line).get("message").textValue()).isEqualTo(
                "start-up work failed, left to the first request: probe: IllegalStateException: priming: no canned answer");
        assertThat(TestJson.parse(line).get("level").textValue()).isEqualTo("WARN");
    }
}
