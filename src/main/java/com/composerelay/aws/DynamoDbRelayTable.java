package com.composerelay.aws;

import java.util.function.Supplier;
import com.composerelay.core.RelayTable;
import com.composerelay.core.StoreUnavailable;
import java.util.Optional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The relay's table in DynamoDB, one item per key ({@code id}; the prefixes are {@code StoreKeys}'): a
 * conditional put claims a request or takes a lock ({@code status} {@code IN_PROGRESS} until the
 * holder's {@code hold_until}), an update records the answer ({@code COMPLETED}, {@code outcome},
 * {@code caller_status}), a record is a completed item whose {@code fingerprint} is its value, and the
 * table's TTL attribute {@code expiration} ends the window.
 */
public final class DynamoDbRelayTable implements RelayTable {
    static final String IN_PROGRESS = "IN_PROGRESS";
    static final String COMPLETED = "COMPLETED";

    private final Supplier<DynamoDbClient> client;
    private final String table;
    private final Duration ttl;
    private final Clock clock;
    private final AwsCallDeadline beforePatch;
    private final AwsCallDeadline afterPatch;

    /**
     * @param beforePatch bounds the claim, made before the PATCH (time must remain to publish)
     * @param afterPatch bounds recording and releasing, made after it
     */
    public DynamoDbRelayTable(Supplier<DynamoDbClient> client, String table, Duration ttl, Clock clock,
                              AwsCallDeadline beforePatch, AwsCallDeadline afterPatch) {
        this.client = client;
        this.table = table;
        this.ttl = ttl;
        this.clock = clock;
        this.beforePatch = beforePatch;
        this.afterPatch = afterPatch;
    }

    @Override
    public Claim claim(String key, String fingerprint, Instant holdUntil) throws StoreUnavailable {
        Instant now = clock.instant();
        try {
            Map<String, AttributeValue> item = item(key, IN_PROGRESS, fingerprint, now);
            item.put("hold_until", n(holdUntil.toEpochMilli()));
            client.get().putItem(b -> b.tableName(table).item(item)
                    // Free, expired, or held by a delivery whose Lambda deadline has passed.
                    .conditionExpression("attribute_not_exists(id) OR expiration < :now_s "
                            + "OR (#status = :in_progress AND hold_until < :now_ms)")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(
                            ":now_s", n(now.getEpochSecond()),
                            ":now_ms", n(now.toEpochMilli()),
                            ":in_progress", s(IN_PROGRESS)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .overrideConfiguration(beforePatch.bound()));
            return new Claim.Claimed();
        } catch (ConditionalCheckFailedException taken) {
            Map<String, AttributeValue> item;
            try {
                item = taken.hasItem() ? taken.item()
                        : client.get().getItem(b -> b.tableName(table).key(Map.of("id", s(key))).consistentRead(true)
                                .overrideConfiguration(beforePatch.bound())).item();
            } catch (SdkException e) {
                throw unavailable("claim", e);
            }
            if (item == null || item.isEmpty()) {
                return new Claim.InProgress();
            }
            if (!fingerprint.equals(text(item, "fingerprint"))) {
                return new Claim.Mismatch();
            }
            if (COMPLETED.equals(text(item, "status"))) {
                return new Claim.Completed(text(item, "outcome"), Integer.parseInt(item.get("caller_status").n()));
            }
            return new Claim.InProgress();
        } catch (SdkException e) {
            throw unavailable("claim", e);
        }
    }

    @Override
    public void complete(String key, String body, int callerStatus) throws StoreUnavailable {
        try {
            client.get().updateItem(b -> b.tableName(table).key(Map.of("id", s(key)))
                    .updateExpression("SET #status = :completed, outcome = :outcome, caller_status = :caller_status, "
                            + "expiration = :expiration REMOVE hold_until")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(
                            ":completed", s(COMPLETED),
                            ":outcome", s(body),
                            ":caller_status", n(callerStatus),
                            ":expiration", n(clock.instant().plus(ttl).getEpochSecond())))
                    .overrideConfiguration(afterPatch.bound()));
        } catch (SdkException e) {
            throw unavailable("record the outcome of", e);
        }
    }

    @Override
    public void release(String key) throws StoreUnavailable {
        try {
            client.get().deleteItem(b -> b.tableName(table).key(Map.of("id", s(key)))
                    .conditionExpression("#status = :in_progress")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(":in_progress", s(IN_PROGRESS)))
                    .overrideConfiguration(afterPatch.bound()));
        } catch (ConditionalCheckFailedException alreadyGone) {
            // Completed by another holder or expired: nothing to give up.
        } catch (SdkException e) {
            throw unavailable("release", e);
        }
    }

    @Override
    public void put(String key, String value) throws StoreUnavailable {
        put(key, value, clock.instant().plus(ttl));
    }

    @Override
    public void put(String key, String value, Instant until) throws StoreUnavailable {
        try {
            Map<String, AttributeValue> item = item(key, COMPLETED, value, clock.instant());
            item.put("expiration", n(until.getEpochSecond()));
            item.put("outcome", s("{}"));
            item.put("caller_status", n(200));
            client.get().putItem(b -> b.tableName(table).item(item).overrideConfiguration(afterPatch.bound()));
        } catch (SdkException e) {
            throw unavailable("write", e);
        }
    }

    @Override
    public Optional<String> get(String key) throws StoreUnavailable {
        Map<String, AttributeValue> item;
        try {
            item = client.get().getItem(b -> b.tableName(table).key(Map.of("id", s(key))).consistentRead(true)
                    .overrideConfiguration(beforePatch.bound())).item();
        } catch (SdkException e) {
            throw unavailable("read", e);
        }
        if (item == null || item.isEmpty() || !COMPLETED.equals(text(item, "status"))
                || Long.parseLong(item.get("expiration").n()) < clock.instant().getEpochSecond()) {
            return Optional.empty();
        }
        return Optional.ofNullable(text(item, "fingerprint"));
    }

    private StoreUnavailable unavailable(String action, SdkException e) {
        String code = e instanceof DynamoDbException d && d.awsErrorDetails() != null
                ? d.awsErrorDetails().errorCode() : e.getClass().getSimpleName();
        return new StoreUnavailable("could not " + action + " the idempotency record in DynamoDB table " + table + " (" + code + ")");
    }

    /** An item's common attributes: its key, status, fingerprint, and when it expires (the TTL from {@code now}). */
    private Map<String, AttributeValue> item(String key, String status, String fingerprint, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("id", s(key));
        item.put("status", s(status));
        item.put("fingerprint", s(fingerprint));
        item.put("expiration", n(now.plus(ttl).getEpochSecond()));
        return item;
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
