package com.composerelay.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.composerelay.codec.WatchCheckJson;
import com.composerelay.core.EnvSecrets;
import com.composerelay.core.Trigger;
import com.composerelay.core.WatchCheck;
import com.composerelay.support.LocalAws;
import com.composerelay.support.TestJson;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import org.junit.jupiter.api.Tag;
import com.composerelay.support.Tags;

/** The whole update's AWS adapters against LocalStack: env values from Secrets Manager, delayed watch checks on SQS. */
@Tag(Tags.LOCALSTACK)
class EnvSecretsAndWatchQueueLocalStackTest {
    private static LocalAws aws;
    private static final AwsCallDeadline DEADLINE = new AwsCallDeadline(Clock.systemUTC(), Duration.ZERO);

    @BeforeAll
    static void localStack() {
        aws = new LocalAws();
    }

    private SecretsManagerEnvSecrets secrets() {
        return new SecretsManagerEnvSecrets(() -> aws.secrets, DEADLINE);
    }

    @Test
    void readsASecretsStringAndOneFieldOfItsJson() throws Exception {
        aws.secret("env/plain", "tok_live_123 with spaces ");
        aws.secret("env/json", "{\"database_url\":\"postgres://u:p@db/shop\",\"port\":5432,\"nested\":{\"a\":1}}");

        assertThat(secrets().read(aws.prefix + "/env/plain", null)).isEqualTo("tok_live_123 with spaces ");
        assertThat(secrets().read(aws.prefix + "/env/json", "database_url")).isEqualTo("postgres://u:p@db/shop");
        assertThat(secrets().read(aws.prefix + "/env/json", "port")).isEqualTo("5432");
    }

    @Test
    void aMissingSecretOrFieldIsMissingNamedWithoutTheValue() {
        aws.secret("env/json2", "{\"database_url\":\"postgres://u:hunter2@db/shop\",\"nested\":{\"a\":1}}");
        aws.secret("env/text", "hunter2-plain");

        assertThatThrownBy(() -> secrets().read(aws.prefix + "/env/none", null))
                .isInstanceOf(EnvSecrets.Missing.class).hasMessage("secret " + aws.prefix + "/env/none was not found");
        assertThatThrownBy(() -> secrets().read(aws.prefix + "/env/json2", "password"))
                .isInstanceOf(EnvSecrets.Missing.class)
                .hasMessage("secret " + aws.prefix + "/env/json2 has no field 'password'");
        assertThatThrownBy(() -> secrets().read(aws.prefix + "/env/json2", "nested"))
                .isInstanceOf(EnvSecrets.Missing.class)
                .hasMessage("secret " + aws.prefix + "/env/json2's field 'nested' is not a string, number or boolean");
        assertThatThrownBy(() -> secrets().read(aws.prefix + "/env/text", "k"))
                .isInstanceOf(EnvSecrets.Missing.class)
                .hasMessage("secret " + aws.prefix + "/env/text is not a JSON object, so it has no field 'k'")
                .message().doesNotContain("hunter2");
    }

    @Test
    void aStoreThatCannotBeReachedIsUnavailable() {
        var unreachable = software.amazon.awssdk.services.secretsmanager.SecretsManagerClient.builder()
                .httpClient(AwsClients.httpClient(java.time.Duration.ofSeconds(2)).build())
                .region(software.amazon.awssdk.regions.Region.US_EAST_1).credentialsProvider(LocalAws.CREDENTIALS)
                .endpointOverride(java.net.URI.create("http://127.0.0.1:9")).build();
        assertThatThrownBy(() -> new SecretsManagerEnvSecrets(() -> unreachable, DEADLINE).read("compose-relay/env/x", null))
                .isInstanceOf(EnvSecrets.Unavailable.class)
                .hasMessageStartingWith("Secrets Manager could not be reached for secret compose-relay/env/x (");
    }

    @Test
    void aWatchCheckIsADelayedMessageThatReadsBackTheSame() throws Exception {
        String queue = aws.queue("watch", Map.of());
        Instant started = Instant.parse("2026-11-28T12:00:00Z");
        WatchCheck check = new WatchCheck("cvm_ykL5lbAn", "ab".repeat(32), "corr-1", "req-1", Trigger.API, 3, started,
                started.plusSeconds(600), "arn:aws:iam::123456789012:role/deployer", "00112233445566778899aabbccddeeff",
                true, false);
        new SqsWatchQueue(() -> aws.sqs, queue, DEADLINE).schedule(check, Duration.ofSeconds(2));

        long sent = System.nanoTime();
        assertThat(aws.sqs.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(0)).messages()).isEmpty();
        List<Message> received = aws.receive(queue, 1, 10);
        assertThat(received).hasSize(1);
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
        Message message = received.getFirst();
        assertThat(message.messageAttributes().get("origin").stringValue()).isEqualTo("watch");
        assertThat(WatchCheckJson.read(com.composerelay.json.Json.parse(message.body()))).isEqualTo(check);
        assertThat(TestJson.parse(message.body())).isEqualTo(TestJson.parse("""
                {"watch": {"cvm_id": "cvm_ykL5lbAn", "compose_hash": "%s", "correlation_id": "corr-1", "request_id": "req-1",
                           "trigger": "api", "check": 3, "started_at": %d, "give_up_at": %d,
                           "actor": "arn:aws:iam::123456789012:role/deployer", "nonce": "00112233445566778899aabbccddeeff",
                           "needs_progress": true, "seen_progress": false}}"""
                .formatted("ab".repeat(32), started.toEpochMilli(), started.plusSeconds(600).toEpochMilli())));
    }
}
