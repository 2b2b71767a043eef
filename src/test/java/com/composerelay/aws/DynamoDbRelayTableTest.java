package com.composerelay.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.composerelay.core.RequestClaims;
import com.composerelay.core.Locks;
import com.composerelay.core.RequestClaims.Claim;
import com.composerelay.core.StoreUnavailable;
import com.composerelay.support.LocalAws;
import com.composerelay.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import org.junit.jupiter.api.Tag;
import com.composerelay.support.Tags;

/** The relay's table against DynamoDB in LocalStack: every rule of the conditional claim, the locks and the records. */
@Tag(Tags.LOCALSTACK)
class DynamoDbRelayTableTest {
    private static DynamoDbClient dynamo;
    private static String table;
    private final MutableClock clock = new MutableClock();
    private final DynamoDbRelayTable store =
            new DynamoDbRelayTable(() -> dynamo, table, Duration.ofHours(1), clock,
                    new AwsCallDeadline(clock, Duration.ZERO), new AwsCallDeadline(clock, Duration.ZERO));

    @BeforeAll
    static void createTable() {
        LocalAws aws = new LocalAws();
        dynamo = aws.dynamoDb();
        table = aws.relayTable(dynamo, "idempotency");
    }

    private Instant deadline() {
        return clock.instant().plusSeconds(30);
    }

    @Test
    void claimsAFreeKeyAndRecordsItInProgress() throws Exception {
        assertThat(store.claim("k-free", "fp", deadline())).isInstanceOf(Claim.Claimed.class);
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(Map.of("id", AttributeValue.fromS("k-free")))).item();
        assertThat(item.get("status").s()).isEqualTo("IN_PROGRESS");
        assertThat(item.get("fingerprint").s()).isEqualTo("fp");
        assertThat(item.get("hold_until").n()).isEqualTo(Long.toString(deadline().toEpochMilli()));
        assertThat(item.get("expiration").n()).isEqualTo(Long.toString(clock.instant().plusSeconds(3600).getEpochSecond()));
    }

    @Test
    void answersInProgressToASecondClaim() throws Exception {
        store.claim("k-busy", "fp", deadline());
        assertThat(store.claim("k-busy", "fp", deadline())).isInstanceOf(Claim.InProgress.class);
    }

    @Test
    void replaysTheCompletedOutcome() throws Exception {
        store.claim("k-done", "fp", deadline());
        store.complete("k-done", "{\"status\":\"accepted\"}", 202);
        assertThat(store.claim("k-done", "fp", deadline())).isEqualTo(new Claim.Completed("{\"status\":\"accepted\"}", 202));
    }

    @Test
    void answersMismatchForAnotherRequestUnderTheSameKey() throws Exception {
        store.claim("k-mismatch", "fp-1", deadline());
        store.complete("k-mismatch", "{}", 202);
        assertThat(store.claim("k-mismatch", "fp-2", deadline())).isInstanceOf(Claim.Mismatch.class);
    }

    @Test
    void letsAnotherDeliveryTakeOverPastTheHoldersDeadline() throws Exception {
        store.claim("k-dead", "fp", clock.instant().plusSeconds(5));
        clock.advance(Duration.ofSeconds(6));
        assertThat(store.claim("k-dead", "fp", deadline())).isInstanceOf(Claim.Claimed.class);
    }

    @Test
    void forgetsAKeyOnceTheWindowHasPassedEvenBeforeTtlDeletesIt() throws Exception {
        store.claim("k-old", "fp", deadline());
        store.complete("k-old", "{}", 202);
        clock.advance(Duration.ofHours(1).plusSeconds(1));
        assertThat(store.claim("k-old", "fp", deadline())).isInstanceOf(Claim.Claimed.class);
    }

    @Test
    void releaseFreesAnInProgressKeyButNeverACompletedOne() throws Exception {
        store.claim("k-release", "fp", deadline());
        store.release("k-release");
        assertThat(store.claim("k-release", "fp", deadline())).isInstanceOf(Claim.Claimed.class);
        store.complete("k-release", "{}", 202);
        store.release("k-release");
        assertThat(store.claim("k-release", "fp", deadline())).isInstanceOf(Claim.Completed.class);
    }

    @Test
    void namesTheTableWhenDynamoDbRefuses() {
        DynamoDbRelayTable missing = new DynamoDbRelayTable(() -> dynamo, "no-such-table", Duration.ofHours(1), clock,
                new AwsCallDeadline(clock, Duration.ZERO), new AwsCallDeadline(clock, Duration.ZERO));
        assertThatThrownBy(() -> missing.claim("k", "fp", deadline()))
                .isInstanceOf(StoreUnavailable.class)
                .hasMessage("could not claim the idempotency record in DynamoDB table no-such-table (ResourceNotFoundException)");
    }

    @Test
    void aLockIsTakenOnceHeldWhileItsHolderRunsAndDoneAfter() throws Exception {
        assertThat(store.take("lock-1", deadline())).isEqualTo(Locks.Taken.TAKEN);
        assertThat(store.take("lock-1", deadline())).isEqualTo(Locks.Taken.HELD);
        store.done("lock-1");
        assertThat(store.take("lock-1", deadline())).isEqualTo(Locks.Taken.DONE);
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(Map.of("id", AttributeValue.fromS("lock-1")))).item();
        assertThat(item.get("status").s()).isEqualTo("COMPLETED");
        assertThat(item.get("fingerprint").s()).isEqualTo("lock");
    }

    @Test
    void aFreedLockAndOneWhoseHolderRanOutAreTakenAgain() throws Exception {
        store.take("lock-2", deadline());
        store.free("lock-2");
        assertThat(store.take("lock-2", deadline())).isEqualTo(Locks.Taken.TAKEN);
        clock.advance(Duration.ofSeconds(31));
        assertThat(store.take("lock-2", deadline())).isEqualTo(Locks.Taken.TAKEN);
    }

    @Test
    void aRecordReadsBackWhatWasWrittenUntilItExpires() throws Exception {
        assertThat(store.get("record-1")).isEmpty();
        store.put("record-1", "nonce-a");
        assertThat(store.get("record-1")).contains("nonce-a");
        store.put("record-1", "nonce-b");
        assertThat(store.get("record-1")).contains("nonce-b");
        clock.advance(Duration.ofHours(1).plusSeconds(1));
        assertThat(store.get("record-1")).isEmpty();
    }

    @Test
    void aRecordWithItsOwnEndOutlivesTheWindowAndEndsThen() throws Exception {
        // A token's revocation: kept until the token's expiry, not the table's TTL.
        Instant until = clock.instant().plus(Duration.ofDays(30));
        store.put("token-revoked:" + "c".repeat(64), "revoked", until);
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                .key(Map.of("id", AttributeValue.fromS("token-revoked:" + "c".repeat(64))))).item();
        assertThat(item.get("expiration").n()).isEqualTo(Long.toString(until.getEpochSecond()));
        clock.advance(Duration.ofDays(29));
        assertThat(store.get("token-revoked:" + "c".repeat(64))).contains("revoked");
        clock.advance(Duration.ofDays(1).plusSeconds(1));
        assertThat(store.get("token-revoked:" + "c".repeat(64))).isEmpty();
    }

    @Test
    void aClaimInProgressIsNoRecord() throws Exception {
        store.claim("record-2", "fp", deadline());
        assertThat(store.get("record-2")).isEmpty();
    }
}
