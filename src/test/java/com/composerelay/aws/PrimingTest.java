package com.composerelay.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.composerelay.core.RequestClaims;
import com.composerelay.support.Fixtures;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

/** The AWS half of priming: the real SDK path against canned answers, with no network at all. */
class PrimingTest {
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDPRIMING", "priming-secret"));

    /** An endpoint nothing listens on: a call that left the process would fail to connect. */
    private static String deadEndpoint() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    private static Priming priming(String... overrides) throws Exception {
        List<String> settings = new ArrayList<>(List.of("AWS_ENDPOINT_URL", deadEndpoint(), "AWS_REGION", "eu-west-1"));
        settings.addAll(List.of(overrides));
        return new Priming(Fixtures.config(settings.toArray(String[]::new)), CREDENTIALS, Clock.systemUTC());
    }

    @Test
    void readsTheCannedKeyThroughTheSecretsManagerPath() throws Exception {
        assertThat(priming().secretsManager()).isEqualTo("priming");
    }

    @Test
    void claimsAndRecordsThroughTheDynamoDbPath() throws Exception {
        assertThat(priming("IDEMPOTENCY_TABLE_NAME", "relay-idempotency").dynamoDb())
                .isEqualTo(new RequestClaims.Claim.Claimed());
    }

    @Test
    void skipsDynamoDbWithoutAnIdempotencyTable() throws Exception {
        assertThat(priming().dynamoDb()).isNull();
    }

    @Test
    void publishesThroughTheSnsPath() throws Exception {
        assertThat(priming().sns()).isEqualTo("priming");
    }

    @Test
    void refusesACallItHasNoCannedAnswerFor() throws Exception {
        AwsClients canned = new AwsClients(Fixtures.config("AWS_ENDPOINT_URL", deadEndpoint(), "AWS_REGION", "eu-west-1"),
                CREDENTIALS, new Priming.CannedAnswers());

        assertThatThrownBy(() -> canned.sqs().sendMessage(b -> b.queueUrl("https://sqs.eu-west-1.amazonaws.com/1/q")
                .messageBody("{}")))
                .isInstanceOf(SdkClientException.class)
                .hasMessageContaining("priming has no canned answer for POST / AmazonSQS.SendMessage");
    }
}
