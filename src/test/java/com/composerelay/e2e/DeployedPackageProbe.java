package com.composerelay.e2e;

import com.composerelay.RelayHandler;
import com.composerelay.aws.AwsClients;
import com.composerelay.aws.Priming;
import com.composerelay.config.Config;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.Callable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.endpoints.SqsEndpointProvider;

/**
 * Run by {@link DeployedPackageE2E} inside a class loader that sees only the deployed package
 * (and this class): the relay configured as on Lambda, with no endpoint override, through the
 * jar's own SDK classes. The priming calls (the key's GetSecretValue, the idempotency claim and
 * record, an outcome's Publish) go through the real SDK path to canned answers; the SQS client of
 * the Slack hand-off is built and its endpoint resolved by the rules, as a send would (a send
 * itself runs in the other E2E tests, against LocalStack). Nothing leaves the process.
 */
public final class DeployedPackageProbe implements Callable<String> {
    @Override
    public String call() throws Exception {
        Config config = Config.from(Map.of(
                "PHALA_API_KEY_SECRET_ID", "arn:aws:secretsmanager:us-east-1:123456789012:secret:compose-relay/phala-api-key",
                "OUTCOME_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:compose-relay-outcomes",
                "IDEMPOTENCY_TABLE_NAME", "compose-relay-idempotency",
                "AWS_REGION", "us-east-1"));
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "probe-secret"));
        Priming priming = new Priming(config, credentials, Clock.fixed(Instant.parse("2026-11-25T00:00:00Z"), ZoneOffset.UTC));
        String key = priming.secretsManager();
        Object claim = priming.dynamoDb();
        String messageId = priming.sns();
        String sqsService = new AwsClients(config, credentials).sqs().serviceName();
        String sqsEndpoint = SqsEndpointProvider.defaultProvider()
                .resolveEndpoint(p -> p.region(Region.US_EAST_1)).join().endpointUrl().toUri().toString();
        String handlerFrom = RelayHandler.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        return String.join("|", key, String.valueOf(claim), messageId, sqsService, sqsEndpoint,
                handlerFrom.substring(handlerFrom.lastIndexOf('/') + 1));
    }
}
