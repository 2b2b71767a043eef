package com.composerelay.aws;

import com.composerelay.config.Config;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds the two SDK clients the relay uses, sharing one URL-connection HTTP client, with the
 * region and endpoint set explicitly so the SDK does not probe for them.
 */
public final class AwsClients {
    private final SdkHttpClient http = UrlConnectionHttpClient.create();
    private final Config config;
    private final AwsCredentialsProvider credentials;

    public AwsClients(Config config, AwsCredentialsProvider credentials) {
        this.config = config;
        this.credentials = credentials;
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
