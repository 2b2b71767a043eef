package com.composerelay.wiring;

import com.composerelay.aws.AwsCallDeadline;
import com.composerelay.aws.AwsClients;
import com.composerelay.aws.DynamoDbRelayTable;
import com.composerelay.aws.DynamoDbRollouts;
import com.composerelay.aws.SnsRolloutReports;
import com.composerelay.aws.StepFunctionsEngine;
import com.composerelay.aws.DynamoDbUpdateThreads;
import com.composerelay.aws.Priming;
import com.composerelay.aws.SecretsManagerApiKeys;
import com.composerelay.aws.SecretsManagerSigningSecrets;
import com.composerelay.aws.SnsOutcomes;
import com.composerelay.aws.SqsUpdateQueue;
import com.composerelay.aws.SecretsManagerEnvSecrets;
import com.composerelay.aws.SecretsManagerRelayTokens;
import com.composerelay.core.RelayTokens;
import com.composerelay.core.ReleaseChannels;
import com.composerelay.aws.SsmReleaseChannels;
import java.util.List;
import com.composerelay.crypto.X25519EnvSealer;
import com.composerelay.config.Config;
import com.composerelay.core.CachingApiKeys;
import com.composerelay.core.RelayTable;
import com.composerelay.core.Lazy;
import com.composerelay.core.Metrics;
import com.composerelay.core.UpdateQueue;
import com.composerelay.core.UpdateThreads;
import com.composerelay.log.Log;
import com.composerelay.net.HttpClients;
import com.composerelay.phala.HttpPhalaApi;
import com.composerelay.slack.SlackReplies;
import com.composerelay.startup.ReseedableRandom;
import java.net.http.HttpClient;
import java.time.Clock;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The deployed relay's adapters: Secrets Manager, DynamoDB, SNS and SQS through the SDK, Phala and
 * Slack over the one {@code java.net.http} client; and what start-up work and SnapStart need to
 * reach (the clients, the cached key, the signing secrets, priming, the jitter).
 */
record DeployedAdapters(Adapters adapters, Lazy<HttpClient> http, AwsClients aws, CachingApiKeys keys,
                        SecretsManagerSigningSecrets signingSecrets, HttpPhalaApi phala, Priming priming,
                        ReseedableRandom jitter) {

    /** Rollouts, when the state machine and the table are configured (the table keeps them). */
    private static Adapters.RolloutPorts rolloutPorts(Config config, AwsClients aws, HttpPhalaApi phala, Clock clock,
                                                      AwsCallDeadline beforePatch, AwsCallDeadline afterPatch) {
        Config.Rollouts rollouts = config.rollouts();
        if (rollouts.stateMachineArn().isEmpty()) {
            if (rollouts.releaseChannelsParameter().isPresent()) {
                Log.warn("RELEASE_CHANNELS_PARAMETER is set but ROLLOUT_STATE_MACHINE_ARN is not: release channels are"
                        + " off (each deploy of a channel is a rollout)");
            }
            return Adapters.RolloutPorts.none();
        }
        if (config.idempotencyTable().isEmpty()) {
            Log.warn("ROLLOUT_STATE_MACHINE_ARN is set but IDEMPOTENCY_TABLE_NAME is not: rollouts are off (the table"
                    + " keeps them)");
            return Adapters.RolloutPorts.none();
        }
        return new Adapters.RolloutPorts(
                new DynamoDbRollouts(aws::dynamoDb, config.idempotencyTable().get(), clock, beforePatch),
                new StepFunctionsEngine(aws::sfn, rollouts.stateMachineArn().get(), afterPatch),
                new SnsRolloutReports(aws::sns, config.outcomeTopicArn(), afterPatch),
                phala, rollouts.taskQueueArn().orElse(null),
                // Channels start rollouts: without rollouts the parameter is not read.
                rollouts.releaseChannelsParameter()
                        .<ReleaseChannels.Source>map(name -> new SsmReleaseChannels(aws::ssm, name, beforePatch))
                        .orElse(List::of),
                new com.composerelay.aws.EcrImageTags(aws::ecr, beforePatch));
    }

    static DeployedAdapters build(Config config, AwsCredentialsProvider credentials, Clock clock, Metrics metrics) {
        Lazy<HttpClient> http = new Lazy<>(() -> HttpClients.newClient(config.connectTimeout()));
        AwsClients aws = new AwsClients(config, credentials);
        // Every AWS call ends before the Lambda deadline: those before the PATCH leave the reserve.
        AwsCallDeadline beforePatch = new AwsCallDeadline(clock, config.deadlineReserve());
        AwsCallDeadline afterPatch = new AwsCallDeadline(clock, AwsCallDeadline.ANSWER_MARGIN);
        CachingApiKeys keys = new CachingApiKeys(new SecretsManagerApiKeys(aws::secretsManager, config.apiKeySecretId(),
                beforePatch), config.apiKeyCacheTtl(), clock, metrics);
        var signingSecrets = new SecretsManagerSigningSecrets(aws::secretsManager, config.apiKeyCacheTtl(), clock,
                beforePatch);
        RelayTable table = RelayTable.none();
        UpdateThreads threads = UpdateThreads.none();
        if (config.idempotencyTable().isPresent()) {
            String tableName = config.idempotencyTable().get();
            table = new DynamoDbRelayTable(aws::dynamoDb, tableName, config.idempotencyTtl(), clock,
                    beforePatch, afterPatch);
            // Threads are read only by Phala's webhook: without it, remembering them is a wasted write per request.
            if (config.chatOps().phalaWebhookSecretId().isPresent()) {
                threads = new DynamoDbUpdateThreads(aws::dynamoDb, tableName, config.idempotencyTtl(), clock, afterPatch);
            }
        } else {
            Log.warn("IDEMPOTENCY_TABLE_NAME is not set: delivery is at-least-once, a duplicate may PATCH again");
        }
        UpdateQueue queue = config.requestQueueUrl()
                .<UpdateQueue>map(url -> new SqsUpdateQueue(aws::sqs, url, afterPatch))
                .orElse(UpdateQueue.none());
        HttpPhalaApi phala = new HttpPhalaApi(http, config.phalaBaseUrl(), config.phalaApiVersion(), clock);
        ReseedableRandom jitter = new ReseedableRandom();
        Adapters.Whole whole = new Adapters.Whole(phala, new SecretsManagerEnvSecrets(aws::secretsManager, beforePatch),
                new X25519EnvSealer());
        Adapters adapters = new Adapters(keys, phala, table,
                new SnsOutcomes(aws::sns, config.outcomeTopicArn(), afterPatch), threads,
                new SlackReplies(http, config.chatOps().slackResponseUrlPrefix()), signingSecrets, queue,
                clock, d -> Thread.sleep(d), jitter, metrics, whole,
                new Adapters.ClientApi(phala, config.clientApi().relayTokensSecretId()
                        .<RelayTokens.Source>map(id -> new SecretsManagerRelayTokens(aws::secretsManager, id, beforePatch))
                        .orElse(List::of)),
                rolloutPorts(config, aws, phala, clock, beforePatch, afterPatch));
        return new DeployedAdapters(adapters, http, aws, keys, signingSecrets, phala,
                new Priming(config, credentials, clock), jitter);
    }
}
