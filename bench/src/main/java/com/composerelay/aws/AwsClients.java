package com.composerelay.aws;

import com.composerelay.config.Config;
import com.composerelay.core.Lazy;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The plain build's stand-in for the relay's {@code AwsClients}: bench/pom.xml puts this class,
 * instead of the relay's own, into {@code plain.jar}, so the plain build is the relay's own code in
 * every other respect (its assembly, triggers, adapters) while each SDK client is made the way the
 * SDK's getting-started guide makes it: {@code XxxClient.builder().build()}. The SDK then finds the
 * region, credentials (its default chain, one per client), endpoint ({@code AWS_ENDPOINT_URL}) and
 * HTTP client (apache5, with netty on the classpath too) by itself. No start-up work is done.
 *
 * <p>Its public members must equal the relay's {@code AwsClients}; bench/run.sh checks that with
 * {@code javap} and stops when they differ. Each client is still made once, on first use, as the
 * relay's are: the comparison is about how the clients are made, not about when.
 */
public final class AwsClients {
    private final Lazy<SecretsManagerClient> secretsManager = new Lazy<>(() -> SecretsManagerClient.builder().build());
    private final Lazy<SnsClient> sns = new Lazy<>(() -> SnsClient.builder().build());
    private final Lazy<DynamoDbClient> dynamoDb = new Lazy<>(() -> DynamoDbClient.builder().build());
    private final Lazy<SqsClient> sqs = new Lazy<>(() -> SqsClient.builder().build());
    private final Lazy<SfnClient> sfn = new Lazy<>(() -> SfnClient.builder().build());
    private final Lazy<SsmClient> ssm = new Lazy<>(() -> SsmClient.builder().build());
    private final Lazy<EcrClient> ecr = new Lazy<>(() -> EcrClient.builder().build());

    /** Both arguments are ignored: a plain build lets the SDK find region and credentials itself. */
    public AwsClients(Config config, AwsCredentialsProvider credentials) {
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

    public SsmClient ssm() {
        return ssm.get();
    }

    public EcrClient ecr() {
        return ecr.get();
    }
}
