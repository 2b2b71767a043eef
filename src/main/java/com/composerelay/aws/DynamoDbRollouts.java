package com.composerelay.aws;

import com.composerelay.codec.RolloutStateJson;
import com.composerelay.core.Rollout;
import com.composerelay.core.RolloutStore;
import com.composerelay.core.StoreKeys;
import com.composerelay.core.StoreUnavailable;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Rollouts in the relay's table, beside its claims and locks: {@code rollout:{id}} (the record as
 * JSON in {@code value}, with a {@code version} every write is conditioned on),
 * {@code rollout-request:{id}}, {@code rollout-env:{id}:{app}} and {@code rollout-cvm:{cvm}} (its
 * {@code holder}). Every item expires {@link RolloutStore#RETENTION_DAYS} days after its last write.
 */
public record DynamoDbRollouts(Supplier<DynamoDbClient> client, String table, Clock clock, AwsCallDeadline deadline)
        implements RolloutStore {
    private static final Duration RETENTION = Duration.ofDays(RETENTION_DAYS);

    /** An item that is not there, or expired but not yet deleted by DynamoDB's TTL. */
    private static final String FREE = "attribute_not_exists(id) OR expiration < :now";

    private Map<String, AttributeValue> now() {
        return Map.of(":now", n(clock.instant().getEpochSecond()));
    }

    /** The record and its request in one transaction: both written, or neither when the rollout exists. */
    @Override
    public boolean create(Rollout rollout, String requestBody) throws StoreUnavailable {
        try {
            client.get().transactWriteItems(b -> b.transactItems(
                    t -> t.put(p -> p.tableName(table).item(item(StoreKeys.ROLLOUT.of(rollout.rolloutId()),
                                    Map.of("value", s(RolloutStateJson.write(rollout)), "version", n(FIRST_VERSION))))
                            .conditionExpression(FREE).expressionAttributeValues(now())),
                    t -> t.put(p -> p.tableName(table).item(item(StoreKeys.ROLLOUT_REQUEST.of(rollout.rolloutId()),
                            Map.of("value", s(requestBody)))).conditionExpression(FREE).expressionAttributeValues(now())))
                    .overrideConfiguration(deadline.bound()));
            return true;
        } catch (TransactionCanceledException e) {
            if (e.cancellationReasons().stream().anyMatch(r -> "ConditionalCheckFailed".equals(r.code()))) {
                return false;
            }
            throw unavailable("create", e);
        } catch (SdkException e) {
            throw unavailable("create", e);
        }
    }

    @Override
    public Optional<Rollout> find(String rolloutId) throws StoreUnavailable {
        Map<String, AttributeValue> item = get(StoreKeys.ROLLOUT.of(rolloutId));
        if (item == null) {
            return Optional.empty();
        }
        return Optional.of(RolloutStateJson.read(item.get("value").s(), Long.parseLong(item.get("version").n())));
    }

    @Override
    public Optional<String> requestBody(String rolloutId) throws StoreUnavailable {
        return Optional.ofNullable(get(StoreKeys.ROLLOUT_REQUEST.of(rolloutId))).map(i -> i.get("value").s());
    }

    @Override
    public Rollout save(Rollout rollout) throws StoreUnavailable, Changed {
        long next = rollout.version() + 1;
        try {
            client.get().putItem(b -> b.tableName(table).item(item(StoreKeys.ROLLOUT.of(rollout.rolloutId()),
                            Map.of("value", s(RolloutStateJson.write(rollout)), "version", n(next))))
                    .conditionExpression("version = :v").expressionAttributeValues(Map.of(":v", n(rollout.version())))
                    .overrideConfiguration(deadline.bound()));
            return rollout.atVersion(next);
        } catch (ConditionalCheckFailedException e) {
            throw new Changed("rollout " + rollout.rolloutId() + " changed since version " + rollout.version());
        } catch (SdkException e) {
            throw unavailable("write", e);
        }
    }

    @Override
    public void putSealedEnv(String rolloutId, String appId, String encryptedEnv) throws StoreUnavailable {
        try {
            client.get().putItem(b -> b.tableName(table).item(item(StoreKeys.ROLLOUT_ENV.of(rolloutId + ":" + appId),
                    Map.of("value", s(encryptedEnv)))).overrideConfiguration(deadline.bound()));
        } catch (SdkException e) {
            throw unavailable("write", e);
        }
    }

    @Override
    public void putLastRelease(String channel, String rolloutId) throws StoreUnavailable {
        try {
            client.get().putItem(b -> b.tableName(table).item(item(StoreKeys.RELEASE_LAST.of(channel),
                    Map.of("value", s(rolloutId)))).overrideConfiguration(deadline.bound()));
        } catch (SdkException e) {
            throw unavailable("write", e);
        }
    }

    @Override
    public Optional<String> lastRelease(String channel) throws StoreUnavailable {
        return Optional.ofNullable(get(StoreKeys.RELEASE_LAST.of(channel))).map(i -> i.get("value").s());
    }

    @Override
    public Optional<String> sealedEnv(String rolloutId, String appId) throws StoreUnavailable {
        return Optional.ofNullable(get(StoreKeys.ROLLOUT_ENV.of(rolloutId + ":" + appId))).map(i -> i.get("value").s());
    }

    @Override
    public String hold(String cvmId, String rolloutId) throws StoreUnavailable {
        String key = StoreKeys.ROLLOUT_CVM.of(cvmId);
        try {
            client.get().putItem(b -> b.tableName(table).item(item(key, Map.of("holder", s(rolloutId))))
                    .conditionExpression("attribute_not_exists(id) OR holder = :me OR expiration < :now")
                    .expressionAttributeValues(Map.of(":me", s(rolloutId),
                            ":now", n(clock.instant().getEpochSecond())))
                    .overrideConfiguration(deadline.bound()));
            return rolloutId;
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> item = get(key);
            if (item == null) {
                return hold(cvmId, rolloutId);
            }
            String holder = item.get("holder").s();
            Optional<Rollout> held = find(holder);
            if (held.isPresent() && !held.get().ended()) {
                return holder;
            }
            // The holder ended without giving the CVM up: take it over from that holder only.
            try {
                client.get().putItem(b -> b.tableName(table).item(item(key, Map.of("holder", s(rolloutId))))
                        .conditionExpression("holder = :old").expressionAttributeValues(Map.of(":old", s(holder)))
                        .overrideConfiguration(deadline.bound()));
                return rolloutId;
            } catch (ConditionalCheckFailedException raced) {
                return Optional.ofNullable(get(key)).map(i -> i.get("holder").s()).orElse(holder);
            } catch (SdkException other) {
                throw unavailable("take over", other);
            }
        } catch (SdkException e) {
            throw unavailable("hold", e);
        }
    }

    @Override
    public void release(String cvmId, String rolloutId) throws StoreUnavailable {
        try {
            client.get().deleteItem(b -> b.tableName(table).key(Map.of("id", s(StoreKeys.ROLLOUT_CVM.of(cvmId))))
                    .conditionExpression("holder = :me").expressionAttributeValues(Map.of(":me", s(rolloutId)))
                    .overrideConfiguration(deadline.bound()));
        } catch (ConditionalCheckFailedException e) {
            // held by another rollout, or given up before: nothing to release
        } catch (SdkException e) {
            throw unavailable("release", e);
        }
    }

    private Map<String, AttributeValue> get(String key) throws StoreUnavailable {
        Map<String, AttributeValue> item;
        try {
            item = client.get().getItem(b -> b.tableName(table).key(Map.of("id", s(key))).consistentRead(true)
                    .overrideConfiguration(deadline.bound())).item();
        } catch (SdkException e) {
            throw unavailable("read", e);
        }
        if (item == null || item.isEmpty() || Long.parseLong(item.get("expiration").n())
                < clock.instant().getEpochSecond()) {
            return null;
        }
        return item;
    }

    private Map<String, AttributeValue> item(String key, Map<String, AttributeValue> attributes) {
        Map<String, AttributeValue> item = new HashMap<>(attributes);
        item.put("id", s(key));
        item.put("expiration", n(clock.instant().plus(RETENTION).getEpochSecond()));
        return item;
    }

    private StoreUnavailable unavailable(String action, SdkException e) {
        String code = e instanceof DynamoDbException d && d.awsErrorDetails() != null
                ? d.awsErrorDetails().errorCode() : e.getClass().getSimpleName();
        return new StoreUnavailable("could not " + action + " the rollout in DynamoDB table " + table + " (" + code + ")");
    }

    private static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }

    private static AttributeValue n(long value) {
        return AttributeValue.builder().n(Long.toString(value)).build();
    }
}
