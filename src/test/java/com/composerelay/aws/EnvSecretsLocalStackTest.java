package com.composerelay.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.composerelay.core.EnvSecrets;
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
class EnvSecretsLocalStackTest {
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
}
