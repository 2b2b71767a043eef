package com.composerelay.aws;

import com.composerelay.config.Config;
import java.net.http.HttpClient;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds the SDK clients the relay uses, all on one {@code java.net.http} client, with the region
 * and endpoint set explicitly so the SDK does not probe for them. Each client is built once, when
 * first asked for: a route that is never used costs nothing.
 */
public final class AwsClients {
    private final SdkHttpClient http;
    private final Config config;
    private final AwsCredentialsProvider credentials;
    private SecretsManagerClient secretsManager;
    private SnsClient sns;
    private DynamoDbClient dynamoDb;
    private SqsClient sqs;

    /** The clients, sharing {@code java.net.http} with the Phala client. */
    public AwsClients(Config config, AwsCredentialsProvider credentials, HttpClient jdkHttp) {
        this.config = config;
        this.credentials = credentials;
        this.http = new JdkSdkHttpClient(jdkHttp, Duration.ofSeconds(10));
    }

    /** The clients with an HTTP client of their own. */
    public AwsClients(Config config, AwsCredentialsProvider credentials) {
        this(config, credentials, HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(3))
                .build());
    }

    public synchronized SecretsManagerClient secretsManager() {
        if (secretsManager == null) {
            secretsManager = build(SecretsManagerClient.builder());
        }
        return secretsManager;
    }

    public synchronized SnsClient sns() {
        if (sns == null) {
            sns = build(SnsClient.builder());
        }
        return sns;
    }

    public synchronized DynamoDbClient dynamoDb() {
        if (dynamoDb == null) {
            dynamoDb = build(DynamoDbClient.builder());
        }
        return dynamoDb;
    }

    public synchronized SqsClient sqs() {
        if (sqs == null) {
            sqs = build(SqsClient.builder());
        }
        return sqs;
    }

    private <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C build(B builder) {
        builder.httpClient(http).region(Region.of(config.awsRegion())).credentialsProvider(credentials);
        config.awsEndpointUrl().ifPresent(builder::endpointOverride);
        return builder.build();
    }
}
