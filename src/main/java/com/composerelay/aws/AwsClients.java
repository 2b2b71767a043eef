package com.composerelay.aws;

import com.composerelay.config.Config;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sns.SnsClient;

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

    public SecretsManagerClient secretsManager() {
        var builder = SecretsManagerClient.builder()
                .httpClient(http)
                .region(Region.of(config.awsRegion()))
                .credentialsProvider(credentials);
        config.awsEndpointUrl().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    public DynamoDbClient dynamoDb() {
        var builder = DynamoDbClient.builder()
                .httpClient(http)
                .region(Region.of(config.awsRegion()))
                .credentialsProvider(credentials);
        config.awsEndpointUrl().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    public SnsClient sns() {
        var builder = SnsClient.builder()
                .httpClient(http)
                .region(Region.of(config.awsRegion()))
                .credentialsProvider(credentials);
        config.awsEndpointUrl().ifPresent(builder::endpointOverride);
        return builder.build();
    }
}
