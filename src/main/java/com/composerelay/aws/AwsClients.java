package com.composerelay.aws;

import com.composerelay.config.Config;
import com.composerelay.core.Lazy;
import com.composerelay.log.Log;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Builds the SDK clients the relay uses, all on one SDK HTTP client (apache5, the SDK's own; see
 * docs/decisions/sdk-http-client.md), with the region and endpoint set explicitly so the SDK does
 * not probe for them. The HTTP client and each SDK client are built once, when first asked for (a
 * route that is never used costs nothing), each under its own lock, so that start-up work can
 * build several at once on other threads.
 */
public final class AwsClients {
    private final Supplier<SdkHttpClient> http;
    private final Config config;
    private final AwsCredentialsProvider credentials;
    private final Lazy<SecretsManagerClient> secretsManager = new Lazy<>(() -> build(SecretsManagerClient.builder()));
    private final Lazy<SnsClient> sns = new Lazy<>(() -> build(SnsClient.builder()));
    private final Lazy<DynamoDbClient> dynamoDb = new Lazy<>(() -> build(DynamoDbClient.builder()));
    private final Lazy<SqsClient> sqs = new Lazy<>(() -> build(SqsClient.builder()));
    private final Lazy<SfnClient> sfn = new Lazy<>(() -> build(SfnClient.builder()));
    private final Lazy<SsmClient> ssm = new Lazy<>(() -> build(SsmClient.builder()));
    // The SDK's per-service override (AWS_ENDPOINT_URL_ECR) is honoured here too: the explicit override of
    // AWS_ENDPOINT_URL would shadow it, and locally ECR is a stand-in beside LocalStack (its free edition has none).
    private final Lazy<EcrClient> ecr = new Lazy<>(() -> build(EcrClient.builder(),
            System.getenv("AWS_ENDPOINT_URL_ECR")));
    private final List<Thread> startedUp = new CopyOnWriteArrayList<>();

    /** The clients on the relay's HTTP client ({@link #httpClient}), made when the first client is built. */
    public AwsClients(Config config, AwsCredentialsProvider credentials) {
        this(config, credentials, new Lazy<SdkHttpClient>(() -> httpClient(config.connectTimeout()).build()));
    }

    /** The clients over any SDK HTTP client (the canned answers of {@link Priming}). */
    public AwsClients(Config config, AwsCredentialsProvider credentials, SdkHttpClient http) {
        this(config, credentials, () -> http);
    }

    private AwsClients(Config config, AwsCredentialsProvider credentials, Supplier<SdkHttpClient> http) {
        this.config = config;
        this.credentials = credentials;
        this.http = http;
    }

    /**
     * The SDK HTTP client the relay's AWS calls go over: apache5 with the configured connect timeout
     * (the one Phala's client has). Its own retries are off (the SDK's retry policy is the only one),
     * and the SDK ends a call at its {@code apiCallTimeout} by aborting the request, which closes the
     * connection ({@code SdkHttpClientTest}).
     */
    static SdkHttpClient.Builder<?> httpClient(Duration connectTimeout) {
        return Apache5HttpClient.builder().connectionTimeout(connectTimeout);
    }

    public SecretsManagerClient secretsManager() {
        return secretsManager.get();
    }

    public SnsClient sns() {
        return sns.get();
    }

    public DynamoDbClient dynamoDb() {
        return dynamoDb.get();
    }

    public SqsClient sqs() {
        return sqs.get();
    }

    public SfnClient sfn() {
        return sfn.get();
    }

    /** Parameter Store: the release channels' parameter. */
    public SsmClient ssm() {
        return ssm.get();
    }

    /** ECR: the digest a tag names, for a deploy by tag. */
    public EcrClient ecr() {
        return ecr.get();
    }

    /**
     * Runs start-up work (building clients, priming their code paths, reading the key) on a thread
     * of its own, so that it overlaps the rest of initialisation and the first event's parsing
     * instead of following them. Start-up work only prepares: a failure is logged in one line and
     * left to the first request that meets it. The benchmark's plain build (bench/) does no start-up
     * work: its {@code AwsClients} leaves this out.
     */
    public void startUp(String name, Runnable work) {
        startedUp.add(Thread.ofPlatform().daemon().name("start-up-" + name).start(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                Log.warn("start-up work failed, left to the first request: " + name + ": "
                        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            }
        }));
    }

    /**
     * Waits for the start-up work, at most {@code bound}: on Lambda, initialisation runs on a full
     * vCPU while an invocation gets CPU in proportion to memory (a third of one at 512 MB), so work
     * finished here costs the first request nothing. Whatever is still running after the bound (a
     * slow network) goes on in the background.
     */
    public void awaitStartUp(Duration bound) {
        long until = System.nanoTime() + bound.toNanos();
        try {
            for (Thread thread : startedUp) {
                long left = until - System.nanoTime();
                if (left <= 0 || !thread.join(Duration.ofNanos(left))) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C build(B builder) {
        return build(builder, null);
    }

    private <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C build(B builder, String serviceEndpoint) {
        builder.httpClient(http.get()).region(Region.of(config.awsRegion())).credentialsProvider(credentials);
        config.awsEndpointUrl().ifPresent(builder::endpointOverride);
        if (serviceEndpoint != null && !serviceEndpoint.isBlank()) {
            builder.endpointOverride(java.net.URI.create(serviceEndpoint));
        }
        return builder.build();
    }
}
