package com.composerelay.aws;

import com.composerelay.core.StoreKeys;
import com.composerelay.core.UpdateThread;
import java.util.function.Supplier;
import com.composerelay.core.UpdateThreads;
import com.composerelay.log.Log;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** UpdateThreads in the idempotency table, one item per CVM ({@code thread:<cvm_id>}), expiring with the window. */
public final class DynamoDbUpdateThreads implements UpdateThreads {
    private final Supplier<DynamoDbClient> client;
    private final String table;
    private final Duration ttl;
    private final Clock clock;
    private final AwsCallDeadline deadline;

    public DynamoDbUpdateThreads(Supplier<DynamoDbClient> client, String table, Duration ttl, Clock clock,
                           AwsCallDeadline deadline) {
        this.client = client;
        this.table = table;
        this.ttl = ttl;
        this.clock = clock;
        this.deadline = deadline;
    }

    @Override
    public void remember(UpdateThread thread) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("id", AttributeValue.fromS(StoreKeys.THREAD.of(thread.cvmId())));
        item.put("correlation_id", AttributeValue.fromS(thread.correlationId()));
        item.put("compose_hash", AttributeValue.fromS(thread.composeHash()));
        if (thread.replyUrl() != null) {
            item.put("reply_url", AttributeValue.fromS(thread.replyUrl()));
        }
        if (thread.requestId() != null) {
            item.put("request_id", AttributeValue.fromS(thread.requestId()));
        }
        item.put("expiration", AttributeValue.fromN(Long.toString(clock.instant().plus(ttl).getEpochSecond())));
        try {
            client.get().putItem(b -> b.tableName(table).item(item).overrideConfiguration(deadline.bound()));
        } catch (SdkException e) {
            Log.warn("thread not remembered: " + e.getClass().getSimpleName(), "cvm_id", thread.cvmId());
        }
    }

    @Override
    public Optional<UpdateThread> find(String cvmId) {
        try {
            Map<String, AttributeValue> item = client.get().getItem(b -> b.tableName(table)
                    .key(Map.of("id", AttributeValue.fromS(StoreKeys.THREAD.of(cvmId))))
                    .overrideConfiguration(deadline.bound())).item();
            if (item == null || item.isEmpty()
                    || Long.parseLong(item.get("expiration").n()) < clock.instant().getEpochSecond()) {
                return Optional.empty();
            }
            AttributeValue reply = item.get("reply_url");
            AttributeValue request = item.get("request_id");
            return Optional.of(new UpdateThread(cvmId, item.get("correlation_id").s(), item.get("compose_hash").s(),
                    reply == null ? null : reply.s(), request == null ? null : request.s()));
        } catch (SdkException e) {
            Log.warn("thread not read: " + e.getClass().getSimpleName(), "cvm_id", cvmId);
            return Optional.empty();
        }
    }
}
