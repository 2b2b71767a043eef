package com.composerelay.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.composerelay.config.Config;
import com.composerelay.core.ApiKeys;
import com.composerelay.core.Outcome;
import com.composerelay.core.Trigger;
import com.composerelay.codec.OutcomeJson;
import com.composerelay.support.Fixtures;
import com.composerelay.support.LogCapture;
import com.composerelay.support.LocalAws;
import com.composerelay.support.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.ServerSocket;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Secrets Manager and SNS failing in the ways LocalStack cannot show (down, access denied,
 * throttled), with a WireMock server answering in the services' own error formats.
 */
class AwsFaultsTest {
    @RegisterExtension
    static WireMockExtension aws = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    @RegisterExtension
    final LogCapture log = new LogCapture();

    /** Outside an invocation: the longest bound. */
    private static final AwsCallDeadline UNBOUNDED = new AwsCallDeadline(java.time.Clock.systemUTC(), java.time.Duration.ZERO);

    private static AwsClients clients(String endpoint) {
        Config config = Fixtures.config("AWS_ENDPOINT_URL", endpoint, "AWS_REGION", "us-east-1");
        return new AwsClients(config, LocalAws.CREDENTIALS);
    }

    private static String closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    private static Outcome accepted() {
        Instant now = Instant.parse("2026-11-25T12:00:00Z");
        return new Outcome.Accepted(new Outcome.Facts("req-1", "req-1", Trigger.API, "cvm_1", Fixtures.HASH, 1, 202, null, now, now));
    }

    @Test
    void keyIsUnavailableWhenSecretsManagerIsDown() throws Exception {
        var keys = new SecretsManagerApiKeys(clients(closedPort())::secretsManager, "compose-relay/phala-api-key", UNBOUNDED);
        assertThatThrownBy(keys::fetch).isInstanceOf(ApiKeys.KeyUnavailable.class)
                .hasMessage("Secrets Manager could not be reached for compose-relay/phala-api-key (SdkClientException)");
    }

    @Test
    void keyIsUnavailableWhenSecretsManagerDeniesAccess() {
        aws.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/x-amz-json-1.1")
                .withHeader("x-amzn-ErrorType", "AccessDeniedException")
                .withBody("{\"__type\":\"AccessDeniedException\",\"Message\":\"User is not authorized\"}")));
        var keys = new SecretsManagerApiKeys(clients(aws.baseUrl())::secretsManager, "compose-relay/phala-api-key", UNBOUNDED);
        assertThatThrownBy(keys::fetch).isInstanceOf(ApiKeys.KeyUnavailable.class)
                .hasMessage("Secrets Manager refused to read compose-relay/phala-api-key (AccessDeniedException)");
    }

    @Test
    void logsTheWholeOutcomeWhenSnsIsDown() throws Exception {
        new SnsOutcomes(clients(closedPort())::sns, "arn:aws:sns:us-east-1:000000000000:outcomes", UNBOUNDED).publish(accepted(), OutcomeJson.write(accepted()));
        JsonNode line = errorLine();
        assertThat(line.get("message").textValue()).startsWith("outcome not published: SdkClientException");
        assertThat(line.get("outcome")).isEqualTo(TestJson.db(OutcomeJson.tree(accepted())));
    }

    @Test
    void logsTheWholeOutcomeWhenSnsThrottlesAfterTheSdkRetries() throws Exception {
        aws.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(400).withHeader("Content-Type", "text/xml")
                .withBody("<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
                        + "<Message>Rate exceeded</Message></Error><RequestId>r-1</RequestId></ErrorResponse>")));
        new SnsOutcomes(clients(aws.baseUrl())::sns, "arn:aws:sns:us-east-1:000000000000:outcomes", UNBOUNDED)
                .publish(accepted(), OutcomeJson.write(accepted()));
        JsonNode line = errorLine();
        assertThat(line.get("message").textValue()).startsWith("outcome not published: ");
        assertThat(line.get("outcome")).isEqualTo(TestJson.db(OutcomeJson.tree(accepted())));
        // The SDK's standard retry mode tried more than once before giving up.
        assertThat(aws.findAll(anyRequestedFor(anyUrl())).size()).isGreaterThan(1);
    }

    private JsonNode errorLine() throws Exception {
        String logged = log.text();
        String line = logged.lines().filter(l -> l.contains("\"level\":\"ERROR\"")).findFirst()
                .orElseThrow(() -> new AssertionError("no ERROR line in: " + log));
        return TestJson.parse(line);
    }

    @Test
    void aClaimWhoseHolderCannotBeReadIsUnavailableNotAnSdkException() {
        // The conditional put fails without the old item; reading it then fails too (DynamoDB down).
        aws.stubFor(any(anyUrl()).withHeader("X-Amz-Target", com.github.tomakehurst.wiremock.client.WireMock.equalTo(
                "DynamoDB_20120810.PutItem")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/x-amz-json-1.0")
                .withBody("{\"__type\":\"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException\","
                        + "\"message\":\"The conditional request failed\"}")));
        aws.stubFor(any(anyUrl()).withHeader("X-Amz-Target", com.github.tomakehurst.wiremock.client.WireMock.equalTo(
                "DynamoDB_20120810.GetItem")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/x-amz-json-1.0")
                .withBody("{\"__type\":\"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException\","
                        + "\"message\":\"Requested resource not found\"}")));
        var clock = java.time.Clock.systemUTC();
        var store = new DynamoDbRelayTable(clients(aws.baseUrl())::dynamoDb, "compose-relay-idempotency",
                java.time.Duration.ofHours(1), clock, UNBOUNDED, UNBOUNDED);

        assertThatThrownBy(() -> store.claim("api:k-1", "f", clock.instant().plusSeconds(20)))
                .isInstanceOf(com.composerelay.core.StoreUnavailable.class)
                .hasMessage("could not claim the idempotency record in DynamoDB table compose-relay-idempotency "
                        + "(ResourceNotFoundException)");
    }
}
