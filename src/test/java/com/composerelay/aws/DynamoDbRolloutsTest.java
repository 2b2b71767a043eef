package com.composerelay.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.composerelay.core.Rollout;
import com.composerelay.core.RolloutStore;
import com.composerelay.core.StoreUnavailable;
import com.composerelay.core.Trigger;
import com.composerelay.support.LocalAws;
import com.composerelay.support.MutableClock;
import com.composerelay.support.Tags;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Rollouts in the relay's table in LocalStack: created once, versioned writes, sealed envs, CVM holds, expiry. */
@Tag(Tags.LOCALSTACK)
class DynamoDbRolloutsTest {
    private static DynamoDbClient dynamo;
    private static String table;
    private final MutableClock clock = new MutableClock();
    private final DynamoDbRollouts store = new DynamoDbRollouts(() -> dynamo, table, clock,
            new AwsCallDeadline(clock, Duration.ZERO));

    @BeforeAll
    static void createTable() {
        LocalAws aws = new LocalAws();
        dynamo = aws.dynamoDb();
        table = aws.relayTable(dynamo, "rollouts");
    }

    private Rollout rollout(String id, String status) {
        return new Rollout(id, status, "fp-" + id, null, Trigger.API, "arn:aws:iam::123456789012:user/deployer", null,
                clock.instant(), null, List.of(new Rollout.Wave(1, "pending", null, List.of(
                        new Rollout.Target("cvm_a", "pending", null, null, null, null, null)))),
                Map.of(), null, null, null, null, null, "{\"rollout_id\":\"" + id + "\"}", 0);
    }

    @Test
    void createsOnceAndReadsBackTheRecordAndItsRequest() throws Exception {
        assertThat(store.create(rollout("ro_create", "starting"), "{\"targets\":{}}")).isTrue();
        assertThat(store.create(rollout("ro_create", "running"), "{\"other\":1}")).isFalse();
        Rollout found = store.find("ro_create").orElseThrow();
        assertThat(found.status()).isEqualTo("starting");
        assertThat(found.version()).isEqualTo(1);
        assertThat(found.targets()).extracting(Rollout.Target::cvmId).containsExactly("cvm_a");
        assertThat(store.requestBody("ro_create")).contains("{\"targets\":{}}");
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                .key(Map.of("id", AttributeValue.fromS("rollout:ro_create")))).item();
        assertThat(item.get("expiration").n()).isEqualTo(Long.toString(clock.instant().plus(Duration.ofDays(30)).getEpochSecond()));
        assertThat(store.find("ro_none")).isEmpty();
    }

    @Test
    void aWriteIsConditionedOnTheVersionItRead() throws Exception {
        store.create(rollout("ro_version", "starting"), "{}");
        Rollout read = store.find("ro_version").orElseThrow();
        Rollout saved = store.save(read.withStatus("running"));
        assertThat(saved.version()).isEqualTo(2);
        assertThat(store.find("ro_version").orElseThrow().status()).isEqualTo("running");
        assertThatThrownBy(() -> store.save(read.withStatus("paused")))
                .isInstanceOf(RolloutStore.Changed.class)
                .hasMessage("rollout ro_version changed since version 1");
        assertThat(store.find("ro_version").orElseThrow().status()).isEqualTo("running");
    }

    @Test
    void keepsEachAppsSealedEnv() throws Exception {
        store.putSealedEnv("ro_env", "app_1", "ab12");
        assertThat(store.sealedEnv("ro_env", "app_1")).contains("ab12");
        assertThat(store.sealedEnv("ro_env", "app_2")).isEmpty();
    }

    @Test
    void aCvmIsHeldByOneRolloutUntilItIsGivenUpOrItsHolderEnded() throws Exception {
        store.create(rollout("ro_first", "running"), "{}");
        store.create(rollout("ro_second", "starting"), "{}");
        assertThat(store.hold("cvm_held", "ro_first")).isEqualTo("ro_first");
        assertThat(store.hold("cvm_held", "ro_first")).as("its own again").isEqualTo("ro_first");
        assertThat(store.hold("cvm_held", "ro_second")).isEqualTo("ro_first");
        store.release("cvm_held", "ro_second"); // not its holder: nothing given up
        assertThat(store.hold("cvm_held", "ro_second")).isEqualTo("ro_first");
        store.release("cvm_held", "ro_first");
        assertThat(store.hold("cvm_held", "ro_second")).isEqualTo("ro_second");

        // A holder that ended without giving the CVM up loses it to the next rollout.
        assertThat(store.hold("cvm_stale", "ro_first")).isEqualTo("ro_first");
        Rollout first = store.find("ro_first").orElseThrow();
        store.save(first.ended("completed", clock.instant()));
        assertThat(store.hold("cvm_stale", "ro_second")).isEqualTo("ro_second");
    }

    @Test
    void anExpiredRecordIsNoLongerFound() throws Exception {
        store.create(rollout("ro_expired", "running"), "{}");
        clock.advance(Duration.ofDays(31));
        assertThat(store.find("ro_expired")).isEmpty();
        assertThat(store.requestBody("ro_expired")).isEmpty();
        assertThat(store.hold("cvm_after", "ro_later")).isEqualTo("ro_later");
    }

    @Test
    void aTableThatCannotBeReachedIsUnavailableNamingIt() {
        DynamoDbClient unreachable = DynamoDbClient.builder().httpClient(AwsClients.httpClient(Duration.ofSeconds(2)).build())
                .region(Region.US_EAST_1).credentialsProvider(LocalAws.CREDENTIALS)
                .endpointOverride(java.net.URI.create("http://127.0.0.1:9")).build();
        DynamoDbRollouts down = new DynamoDbRollouts(() -> unreachable, "t-down", clock, new AwsCallDeadline(clock, Duration.ZERO));
        assertThatThrownBy(() -> down.find("ro_x")).isInstanceOf(StoreUnavailable.class)
                .hasMessageStartingWith("could not read the rollout in DynamoDB table t-down (");
    }
}
