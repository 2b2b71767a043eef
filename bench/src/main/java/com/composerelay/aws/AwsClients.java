package com.composerelay.aws;

import com.composerelay.config.Config;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The plain build's stand-in for the relay's {@code AwsClients}: bench/pom.xml puts this class,
 * instead of the relay's own, into {@code plain.jar}, so the plain build is the relay's own code in
 * every other respect (its Wiring, triggers, adapters) while each SDK client is made the way the
 * SDK's getting-started guide makes it: {@code XxxClient.builder().build()}. The SDK then finds the
 * region, credentials (its default chain, one per client), endpoint ({@code AWS_ENDPOINT_URL}) and
 * HTTP client (apache5, with netty on the classpath too) by itself. No start-up work is done.
 *
 * <p>Its public members must equal the relay's {@code AwsClients}; bench/run.sh checks that with
 * {@code javap} and stops when they differ. Each client is still made once, on first use, as the
 * relay's are: the comparison is about how the clients are made, not about when.
 */
public final class AwsClients {
    private SecretsManagerClient secretsManager;
    private SnsClient sns;
    private DynamoDbClient dynamoDb;
    private SqsClient sqs;

    /** Both arguments are ignored: a plain build lets the SDK find region and credentials itself. */
    public AwsClients(Config config, AwsCredentialsProvider credentials) {
    }

    /** The HTTP client is ignored too: the SDK picks its default one. */
    public AwsClients(Config config, AwsCredentialsProvider credentials, java.net.http.HttpClient jdkHttp) {
    }

    /** The HTTP client is ignored: the SDK picks its default one (the plain build never primes, see {@link #startUp}). */
    public AwsClients(Config config, AwsCredentialsProvider credentials, software.amazon.awssdk.http.SdkHttpClient http) {
    }

    /** The relay runs start-up work here on threads of its own; the plain build does no start-up work. */
    public void startUp(String name, Runnable work) {
    }

    /** Nothing to wait for: the plain build does no start-up work. */
    public void awaitStartUp(java.time.Duration bound) {
    }

    public SecretsManagerClient secretsManager() {
        synchronized (this) {
            if (secretsManager == null) {
                secretsManager = SecretsManagerClient.builder().build();
            }
            return secretsManager;
        }
    }

    public SnsClient sns() {
        synchronized (this) {
            if (sns == null) {
                sns = SnsClient.builder().build();
            }
            return sns;
        }
    }

    public DynamoDbClient dynamoDb() {
        synchronized (this) {
            if (dynamoDb == null) {
                dynamoDb = DynamoDbClient.builder().build();
            }
            return dynamoDb;
        }
    }

    public SqsClient sqs() {
        synchronized (this) {
            if (sqs == null) {
                sqs = SqsClient.builder().build();
            }
            return sqs;
        }
    }
}
