package com.composerelay.aws;

import com.composerelay.config.Config;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import java.time.Duration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds the SDK clients the relay uses, all on one {@code java.net.http} client, with the region
 * and endpoint set explicitly so the SDK does not probe for them.
 */
public final class AwsClients {
    private final SdkHttpClient http;
    private final Config config;
    private final AwsCredentialsProvider credentials;

    /** The clients, sharing {@code java.net.http} with the Phala client. */
    public AwsClients(Config config, AwsCredentialsProvider credentials, java.net.http.HttpClient jdkHttp) {
        this.config = config;
        this.credentials = credentials;
        this.http = new JdkSdkHttpClient(jdkHttp, Duration.ofSeconds(10));
    }

    /** The clients with an HTTP client of their own. */
    public AwsClients(Config config, AwsCredentialsProvider credentials) {
        this(config, credentials, java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(3))
                .build());
    }

    private SecretsManagerClient secretsManager;
    private SnsClient sns;
    private DynamoDbClient dynamoDb;
    private SqsClient sqs;

    /** Each client is built once, when first asked for: a route that is never used costs nothing. */
    public synchronized SecretsManagerClient secretsManager() {
        if (secretsManager == null) {
            secretsManager = buildSecretsManager();
        }
        return secretsManager;
    }

    public synchronized SnsClient sns() {
        if (sns == null) {
            sns = buildSns();
        }
        return sns;
    }

    public synchronized DynamoDbClient dynamoDb() {
        if (dynamoDb == null) {
            dynamoDb = buildDynamoDb();
        }
        return dynamoDb;
    }

    public synchronized SqsClient sqs() {
        if (sqs == null) {
            var builder = SqsClient.builder()
                    .httpClient(http)
                    .region(Region.of(config.awsRegion()))
                    .credentialsProvider(credentials);
            config.awsEndpointUrl().ifPresent(builder::endpointOverride);
            sqs = builder.build();
        }
        return sqs;
    }

    private SecretsManagerClient buildSecretsManager() {
        var builder = SecretsManagerClient.builder()
                .httpClient(http)
                .region(Region.of(config.awsRegion()))
                .credentialsProvider(credentials);
        config.awsEndpointUrl().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    private DynamoDbClient buildDynamoDb() {
        var builder = DynamoDbClient.builder()
                .httpClient(http)
                .region(Region.of(config.awsRegion()))
                .credentialsProvider(credentials);
        config.awsEndpointUrl().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    private SnsClient buildSns() {
        var builder = SnsClient.builder()
                .httpClient(http)
                .region(Region.of(config.awsRegion()))
                .credentialsProvider(credentials);
        config.awsEndpointUrl().ifPresent(builder::endpointOverride);
        return builder.build();
    }
}
