package com.composerelay.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.RelayHandler;
import com.composerelay.support.TestJson;
import com.composerelay.wiring.Assembly;
import com.composerelay.config.Config;
import com.composerelay.json.Json;
import com.composerelay.support.Events;
import com.composerelay.support.Fixtures;
import com.composerelay.support.LogCapture;
import com.composerelay.support.Invoke;
import com.composerelay.support.LocalAws;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.sqs.model.Message;
import org.junit.jupiter.api.Tag;
import com.composerelay.support.Tags;

/**
 * The relay with its real AWS adapters against LocalStack: GetSecretValue, SNS Publish captured
 * through SQS subscriptions (one with a filter policy), and real SQS messages fed through the handler.
 */
@Tag(Tags.LOCALSTACK)
class LocalStackRelayTest {
    private static final String PATH = "/api/v1/cvms/cvm_ykL5lbAn/compose_file";
    private static LocalAws aws;
    private static int testNumber;
    private String topicArn;
    private String allOutcomes;
    private String rejectedOutcomes;

    @RegisterExtension
    static WireMockExtension phala = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    @RegisterExtension
    final LogCapture log = new LogCapture();

    @BeforeAll
    static void localStack() {
        aws = new LocalAws();
    }

    /** A topic and subscribed queues of this test's own, so outcomes of other tests never mix in. */
    @BeforeEach
    void resources() {
        String name = "t" + (++testNumber);
        topicArn = aws.topic(name + "-outcomes");
        allOutcomes = aws.subscribedQueue(topicArn, name + "-all", null);
        rejectedOutcomes = aws.subscribedQueue(topicArn, name + "-rejected", "{\"status\":[\"rejected\"]}");
    }

    @AfterEach
    void noKeyInTheLog() {
        assertThat(log.text()).doesNotContain(Fixtures.API_KEY).doesNotContain("rotated");
    }

    private RelayHandler handler(String secretId, String topic) {
        Config config = Fixtures.config(
                "PHALA_API_KEY_SECRET_ID", secretId,
                "OUTCOME_TOPIC_ARN", topic,
                "PHALA_API_BASE_URL", phala.baseUrl(),
                "PHALA_RETRY_BASE_DELAY_MS", "50",
                "AWS_ENDPOINT_URL", aws.endpoint.toString(),
                "AWS_REGION", LocalAws.REGION);
        return new RelayHandler(Assembly.withAws(config, LocalAws.CREDENTIALS, Clock.systemUTC()).dispatcher(), Clock.systemUTC());
    }

    private static JsonNode invoke(RelayHandler handler, String event) {
        return Invoke.json(handler, event);
    }

    @Test
    void relaysAnHttpRequestWithTheKeyFromSecretsManagerAndPublishesTheOutcome() throws Exception {
        String secret = aws.secret("json-key", "{\"api_key\":\"" + Fixtures.API_KEY + "\",\"note\":\"prod\"}");
        phala.stubFor(patch(urlEqualTo(PATH)).withHeader("X-API-Key", equalTo(Fixtures.API_KEY))
                .willReturn(aResponse().withStatus(202).withHeader("X-Request-ID", "phala-1")));

        JsonNode response = invoke(handler(secret, topicArn), Fixtures.eventText("http-api.json"));

        assertThat(response.get("statusCode").intValue()).isEqualTo(202);
        List<Message> published = aws.receive(allOutcomes, 1, 10);
        assertThat(published).hasSize(1);
        JsonNode envelope = LocalAws.envelope(published.getFirst());
        assertThat(envelope.get("Subject").textValue()).isEqualTo("Compose update accepted: cvm_ykL5lbAn");
        assertThat(TestJson.parse(envelope.get("Message").textValue())).isEqualTo(TestJson.parse(response.get("body").textValue()));
        JsonNode attributes = envelope.get("MessageAttributes");
        assertThat(attributes.get("status").get("Value").textValue()).isEqualTo("accepted");
        assertThat(attributes.get("status").get("Type").textValue()).isEqualTo("String");
        assertThat(attributes.get("cvm_id").get("Value").textValue()).isEqualTo("cvm_ykL5lbAn");
        assertThat(attributes.get("trigger").get("Value").textValue()).isEqualTo("api");
        // The filtered subscription wants only rejections.
        assertThat(aws.receive(rejectedOutcomes, 1, 2)).isEmpty();
    }

    @Test
    void relaysRealSqsMessagesAndTheFilterPolicySeesOnlyTheRejection() throws Exception {
        String secret = aws.secret("plain-key", Fixtures.API_KEY);
        phala.stubFor(patch(urlPathMatching("/api/v1/cvms/.*/compose_file")).willReturn(aResponse().withStatus(202)));
        String requests = aws.queue("requests", Map.of());
        aws.sqs.sendMessage(b -> b.queueUrl(requests).messageBody(Events.updateBody("cvm_from_queue")));
        aws.sqs.sendMessage(b -> b.queueUrl(requests).messageBody("{\"cvm_id\":\"cvm_x\",\"compose_hash\":\"zz\"}"));
        List<Message> messages = aws.receive(requests, 2, 10);
        assertThat(messages).hasSize(2);

        JsonNode response = invoke(handler(secret, topicArn), LocalAws.sqsEvent(messages, aws.queueArn(requests)));

        assertThat(response).isEqualTo(TestJson.parse("{\"batchItemFailures\":[]}"));
        phala.verify(1, patchRequestedFor(urlEqualTo("/api/v1/cvms/cvm_from_queue/compose_file")));
        List<String> statuses = aws.receive(allOutcomes, 2, 10).stream()
                .map(m -> LocalAws.envelope(m).get("MessageAttributes").get("status").get("Value").textValue())
                .toList();
        assertThat(statuses).containsExactlyInAnyOrder("accepted", "rejected");
        List<Message> rejected = aws.receive(rejectedOutcomes, 1, 10);
        assertThat(rejected).hasSize(1);
        JsonNode outcome = TestJson.parse(LocalAws.envelope(rejected.getFirst()).get("Message").textValue());
        assertThat(outcome.get("cvm_id").textValue()).isEqualTo("cvm_x");
        assertThat(outcome.get("trigger").textValue()).isEqualTo("sqs");
        assertThat(outcome.get("error").textValue())
                .isEqualTo("compose_hash: must be hex characters, optionally prefixed with 0x");
    }

    @Test
    void picksUpARotatedKeyAfterPhalaRefusesTheCachedOne() throws Exception {
        String secret = aws.secret("rotating", "phak_before_rotation_1");
        RelayHandler handler = handler(secret, topicArn);
        phala.stubFor(patch(urlEqualTo(PATH)).withHeader("X-API-Key", equalTo("phak_before_rotation_1"))
                .willReturn(aResponse().withStatus(202)));
        assertThat(invoke(handler, Fixtures.eventText("http-api.json")).get("statusCode").intValue()).isEqualTo(202);

        aws.secrets.putSecretValue(b -> b.secretId(secret).secretString("phak_rotated_2"));
        phala.resetAll();
        phala.stubFor(patch(urlEqualTo(PATH)).withHeader("X-API-Key", equalTo("phak_before_rotation_1"))
                .willReturn(aResponse().withStatus(401)));
        phala.stubFor(patch(urlEqualTo(PATH)).withHeader("X-API-Key", equalTo("phak_rotated_2"))
                .willReturn(aResponse().withStatus(202)));

        JsonNode response = invoke(handler, Fixtures.eventText("http-api.json"));
        assertThat(response.get("statusCode").intValue()).isEqualTo(202);
        phala.verify(2, patchRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void answers503NamingTheMissingSecret() throws Exception {
        String missing = aws.prefix + "/does-not-exist";
        JsonNode response = invoke(handler(missing, topicArn), Fixtures.eventText("http-api.json"));
        assertThat(response.get("statusCode").intValue()).isEqualTo(503);
        assertThat(TestJson.parse(response.get("body").textValue()).get("error").textValue())
                .isEqualTo("the Phala API key could not be read: secret " + missing + " was not found");
        phala.verify(0, patchRequestedFor(urlPathMatching(".*")));
    }

    @Test
    void answers503ForASecretJsonWithoutApiKey() throws Exception {
        String secret = aws.secret("no-field", "{\"token\":\"abc\"}");
        JsonNode response = invoke(handler(secret, topicArn), Fixtures.eventText("http-api.json"));
        assertThat(response.get("statusCode").intValue()).isEqualTo(503);
        assertThat(TestJson.parse(response.get("body").textValue()).get("error").textValue())
                .isEqualTo("the Phala API key could not be read: secret " + secret
                        + " is a JSON object without a non-empty string field api_key");
    }

    @Test
    void keepsTheResultAndLogsTheWholeOutcomeWhenPublishingFails() throws Exception {
        String secret = aws.secret("for-missing-topic", Fixtures.API_KEY);
        phala.stubFor(patch(urlEqualTo(PATH)).willReturn(aResponse().withStatus(202)));
        String missingTopic = "arn:aws:sns:us-east-1:000000000000:" + aws.prefix + "-no-such-topic";

        JsonNode response = invoke(handler(secret, missingTopic), Fixtures.eventText("http-api.json"));

        assertThat(response.get("statusCode").intValue()).isEqualTo(202);
        phala.verify(1, patchRequestedFor(urlEqualTo(PATH)));
        String logged = log.text();
        JsonNode errorLine = logged.lines().filter(l -> l.contains("\"level\":\"ERROR\"")).map(l -> {
            try {
                return TestJson.parse(l);
            } catch (Json.Malformed e) {
                throw new AssertionError(e);
            }
        }).findFirst().orElseThrow(() -> new AssertionError("no error line in: " + log));
        assertThat(errorLine.get("message").textValue()).startsWith("outcome not published: NotFoundException");
        assertThat(errorLine.get("outcome")).isEqualTo(TestJson.parse(response.get("body").textValue()));
    }
}
