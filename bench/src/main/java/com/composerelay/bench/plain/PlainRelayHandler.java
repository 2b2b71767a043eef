package com.composerelay.bench.plain;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.composerelay.Dispatcher;
import com.composerelay.RelayHandler;
import com.composerelay.Wiring;
import com.composerelay.aws.DynamoDbIdempotencyStore;
import com.composerelay.aws.SecretsManagerApiKeys;
import com.composerelay.aws.SnsOutcomes;
import com.composerelay.config.Config;
import com.composerelay.core.CachingApiKeys;
import com.composerelay.core.IdempotencyStore;
import com.composerelay.phala.HttpPhalaApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The reference for the cold-start ratios: the same relay (same core, triggers, Phala client and
 * adapters) wired the way the SDK's getting-started guide does it: {@code XxxClient.builder().build()},
 * letting the SDK find region, credentials, endpoint and HTTP client itself (apache5 for sync, with
 * netty also on the classpath, as a service module brings them), and no start-up work of any kind.
 *
 * <p>Keep it equal to {@code Wiring.production} except for how the SDK clients are built.
 */
public final class PlainRelayHandler implements RequestStreamHandler {
    private final RelayHandler relay;

    public PlainRelayHandler() {
        Config config = Config.from(System.getenv());
        Clock clock = Clock.systemUTC();
        SecretsManagerClient secrets = SecretsManagerClient.builder().build();
        SnsClient sns = SnsClient.builder().build();
        CachingApiKeys keys = new CachingApiKeys(
                new SecretsManagerApiKeys(secrets, config.apiKeySecretId()), config.apiKeyCacheTtl(), clock);
        HttpPhalaApi phala = new HttpPhalaApi(HttpPhalaApi.newClient(config.connectTimeout()),
                config.phalaBaseUrl(), config.phalaApiVersion(), clock);
        IdempotencyStore idempotency = config.idempotencyTable()
                .<IdempotencyStore>map(table -> new DynamoDbIdempotencyStore(
                        DynamoDbClient.builder().build(), table, config.idempotencyTtl(), clock))
                .orElseGet(IdempotencyStore::none);
        Dispatcher dispatcher = Wiring.dispatcher(config, keys, phala, idempotency,
                new SnsOutcomes(sns, config.outcomeTopicArn()), clock, d -> Thread.sleep(d));
        relay = new RelayHandler(dispatcher, clock);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        relay.handleRequest(input, output, context);
    }
}
