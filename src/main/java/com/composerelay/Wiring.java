package com.composerelay;

import com.composerelay.aws.AwsClients;
import com.composerelay.aws.DynamoDbIdempotencyStore;
import com.composerelay.aws.SecretsManagerApiKeys;
import com.composerelay.aws.SnsOutcomes;
import com.composerelay.config.Config;
import com.composerelay.core.CachingApiKeys;
import com.composerelay.core.IdempotencyStore;
import com.composerelay.core.Outcomes;
import com.composerelay.core.PhalaApi;
import com.composerelay.core.Relay;
import com.composerelay.core.RetryPolicy;
import com.composerelay.log.Log;
import com.composerelay.phala.HttpPhalaApi;
import com.composerelay.trigger.ApiGatewayTrigger;
import com.composerelay.trigger.SqsTrigger;
import com.composerelay.trigger.Triggers;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/** Puts the relay together from its configuration: plain constructors, no container. */
public final class Wiring {
    private Wiring() {}

    /** The deployed relay: Secrets Manager, Phala over HTTPS, SNS. */
    public static Dispatcher production(Config config) {
        return withAws(config, DefaultCredentialsProvider.builder().build(), Clock.systemUTC());
    }

    /** The relay with real AWS clients built from {@code config} (LocalStack in tests). */
    public static Dispatcher withAws(Config config, AwsCredentialsProvider credentials, Clock clock) {
        AwsClients aws = new AwsClients(config, credentials);
        CachingApiKeys keys = new CachingApiKeys(
                new SecretsManagerApiKeys(aws.secretsManager(), config.apiKeySecretId()), config.apiKeyCacheTtl(), clock);
        PhalaApi phala = new HttpPhalaApi(HttpPhalaApi.newClient(config.connectTimeout()),
                config.phalaBaseUrl(), config.phalaApiVersion(), clock);
        IdempotencyStore idempotency = config.idempotencyTable()
                .<IdempotencyStore>map(table -> new DynamoDbIdempotencyStore(aws.dynamoDb(), table, config.idempotencyTtl(), clock))
                .orElseGet(() -> {
                    Log.warn("IDEMPOTENCY_TABLE_NAME is not set: delivery is at-least-once, a duplicate may PATCH again");
                    return IdempotencyStore.none();
                });
        return dispatcher(config, keys, phala, idempotency, new SnsOutcomes(aws.sns(), config.outcomeTopicArn()),
                clock, d -> Thread.sleep(d));
    }

    /** The relay around any key source, Phala and outcome sink: what the tests vary. */
    public static Dispatcher dispatcher(Config config, com.composerelay.core.ApiKeys keys, PhalaApi phala,
                                        Outcomes outcomes, Clock clock, Relay.Sleeper sleeper) {
        return dispatcher(config, keys, phala, IdempotencyStore.none(), outcomes, clock, sleeper);
    }

    /** The same, with an idempotency record. */
    public static Dispatcher dispatcher(Config config, com.composerelay.core.ApiKeys keys, PhalaApi phala,
                                        IdempotencyStore idempotency, Outcomes outcomes, Clock clock,
                                        Relay.Sleeper sleeper) {
        RetryPolicy retry = new RetryPolicy(config.maxAttempts(), config.retryBaseDelay(), config.retryMaxDelay(),
                () -> ThreadLocalRandom.current().nextDouble());
        Relay relay = new Relay(keys, phala, retry,
                new Relay.Timing(config.attemptTimeout(), config.deadlineReserve(), Duration.ofMillis(100)),
                clock, sleeper);
        Triggers triggers = new Triggers(relay, idempotency, outcomes, clock);
        return new Dispatcher(new ApiGatewayTrigger(triggers), new SqsTrigger(triggers, config.maxReceiveCount()));
    }
}
