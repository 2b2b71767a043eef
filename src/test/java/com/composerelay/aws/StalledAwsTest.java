package com.composerelay.aws;

import com.composerelay.core.UpdateThread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.composerelay.RelayHandler;
import com.composerelay.wiring.Assembly;
import com.composerelay.config.Config;
import com.composerelay.core.ApiKeys;
import com.composerelay.core.StoreUnavailable;
import com.composerelay.core.Invocation;
import com.composerelay.core.Outcome;
import com.composerelay.core.Trigger;
import com.composerelay.core.UpdateQueue;
import com.composerelay.core.ComposeUpdate;
import com.composerelay.core.CallerValue;
import com.composerelay.support.FakeContext;
import com.composerelay.support.Fixtures;
import com.composerelay.support.Harness;
import com.composerelay.support.Invoke;
import com.composerelay.support.LocalAws;
import com.composerelay.support.LogCapture;
import com.composerelay.core.SigningSecrets;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every AWS client against an endpoint that accepts connections and never answers (and a claim whose
 * answer stalls after the status, a record whose connect stalls): each call ends
 * before the Lambda deadline (those made before the PATCH leave the deadline reserve too), with the
 * failure each adapter reports for an unreachable service, and the whole function answers in time.
 */
class StalledAwsTest {
    private static final Duration TIME_LEFT = Duration.ofMillis(2500);
    private static final Duration RESERVE = Duration.ofMillis(1000);
    private static final Clock CLOCK = Clock.systemUTC();
    private static final AwsCallDeadline BEFORE_PATCH = new AwsCallDeadline(CLOCK, RESERVE);
    // Calls after the PATCH leave 200 ms in production; the test leaves 600, so that a loaded 2-core machine
    // noticing the timeout late cannot make it fail: what it checks is that each call is bounded by the deadline.
    private static final AwsCallDeadline AFTER_PATCH = new AwsCallDeadline(CLOCK, Duration.ofMillis(600));

    private static ServerSocket silent;
    private static final List<Socket> held = new CopyOnWriteArrayList<>();
    private static AwsClients clients;
    private static Config config;

    @RegisterExtension
    final LogCapture log = new LogCapture();

    @BeforeAll
    static void startAnEndpointThatNeverAnswers() throws IOException {
        silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!silent.isClosed()) {
                try {
                    held.add(silent.accept());
                } catch (IOException closed) {
                    return;
                }
            }
        });
        config = Fixtures.config("AWS_ENDPOINT_URL", "http://127.0.0.1:" + silent.getLocalPort(), "AWS_REGION", "us-east-1",
                "DEADLINE_RESERVE_MS", Long.toString(RESERVE.toMillis()), "IDEMPOTENCY_TABLE_NAME", "compose-relay-idempotency");
        clients = new AwsClients(config, LocalAws.CREDENTIALS);
    }

    @AfterAll
    static void stop() throws IOException {
        silent.close();
        for (Socket socket : held) {
            socket.close();
        }
    }

    /**
     * Runs {@code call} in an invocation with {@link #TIME_LEFT}, checks that it ended before the
     * deadline, and returns how much of the invocation was left then.
     */
    private static Duration leftAfter(Runnable call) {
        Invocation invocation = new Invocation("req-stalled", CLOCK.instant().plus(TIME_LEFT));
        invocation.run(() -> {
            call.run();
            return null;
        });
        Duration left = Duration.between(CLOCK.instant(), invocation.deadline());
        assertThat(left).as("ended before the Lambda deadline").isPositive();
        return left;
    }

    /** The reserve, less what it takes the SDK to notice its timeout and unwind. */
    private static final Duration RESERVE_LEFT = RESERVE.minusMillis(300);

    @Test
    void theKeyReadEndsBeforeTheReserveWithTheKeyUnavailable() {
        var keys = new SecretsManagerApiKeys(clients::secretsManager, "compose-relay/phala-api-key", BEFORE_PATCH);
        Duration left = leftAfter(() -> assertThatThrownBy(keys::fetch).isInstanceOf(ApiKeys.KeyUnavailable.class)
                .hasMessage("Secrets Manager could not be reached for compose-relay/phala-api-key (ApiCallTimeoutException)"));
        assertThat(left).as("the reserve is left to publish and answer").isGreaterThan(RESERVE_LEFT);
    }

    @Test
    void aSigningSecretReadEndsBeforeTheReserve() {
        var secrets = new SecretsManagerSigningSecrets(clients::secretsManager, Duration.ofMinutes(5), CLOCK, BEFORE_PATCH);
        Duration left = leftAfter(() -> assertThatThrownBy(() -> secrets.current("compose-relay/hook"))
                .isInstanceOf(SigningSecrets.Unavailable.class)
                .hasMessage("signing secret compose-relay/hook could not be read (ApiCallTimeoutException)"));
        assertThat(left).isGreaterThan(RESERVE_LEFT);
    }

    @Test
    void theIdempotencyClaimEndsBeforeTheReserveAndRecordingAndReleasingBeforeTheDeadline() {
        var store = new DynamoDbRelayTable(clients::dynamoDb, "compose-relay-idempotency", Duration.ofHours(1), CLOCK,
                BEFORE_PATCH, AFTER_PATCH);
        Duration left = leftAfter(() -> assertThatThrownBy(() -> store.claim("k", "f", CLOCK.instant().plusSeconds(3)))
                .isInstanceOf(StoreUnavailable.class)
                .hasMessage("could not claim the idempotency record in DynamoDB table compose-relay-idempotency "
                        + "(ApiCallTimeoutException)"));
        assertThat(left).isGreaterThan(RESERVE_LEFT);
        leftAfter(() -> assertThatThrownBy(() -> store.complete("k", "{}", 202)).isInstanceOf(StoreUnavailable.class)
                .hasMessageEndingWith("(ApiCallTimeoutException)"));
        leftAfter(() -> assertThatThrownBy(() -> store.release("k")).isInstanceOf(StoreUnavailable.class)
                .hasMessageEndingWith("(ApiCallTimeoutException)"));
    }

    @Test
    void theOutcomePublishEndsBeforeTheDeadlineAndLogsTheOutcome() {
        Instant now = CLOCK.instant();
        Outcome accepted = new Outcome.Accepted(new Outcome.Facts("req-1", "req-1", Trigger.API, "cvm_1", Fixtures.HASH, 1,
                202, null, now, now));
        leftAfter(() -> new SnsOutcomes(clients::sns, config.outcomeTopicArn(), AFTER_PATCH).publish(accepted, com.composerelay.codec.OutcomeJson.write(accepted)));
        assertThat(log.text()).contains("\"outcome not published: ApiCallTimeoutException");
    }

    @Test
    void theQueueHandOffEndsBeforeTheDeadline() {
        var queue = new SqsUpdateQueue(clients::sqs, "http://127.0.0.1:" + silent.getLocalPort() + "/000000000000/requests",
                AFTER_PATCH);
        leftAfter(() -> assertThatThrownBy(() -> queue.enqueue(ComposeUpdate.of("cvm_1", Fixtures.HASH, CallerValue.absent(),
                CallerValue.absent(), CallerValue.absent()), Map.of())).isInstanceOf(UpdateQueue.Unavailable.class)
                .hasMessage("the request queue did not take the update (ApiCallTimeoutException)"));
    }

    @Test
    void threadsAreNeitherRememberedNorFoundButTheCallsEndBeforeTheDeadline() {
        var threads = new DynamoDbUpdateThreads(clients::dynamoDb, "compose-relay-idempotency", Duration.ofHours(1), CLOCK,
                AFTER_PATCH);
        leftAfter(() -> threads.remember(new UpdateThread("cvm_1", "c-1", Fixtures.HASH, null)));
        leftAfter(() -> assertThat(threads.find("cvm_1")).isEmpty());
        assertThat(log.text()).contains("thread not remembered: ApiCallTimeoutException", "thread not read: ApiCallTimeoutException");
    }

    /** The relay's clients against {@code endpoint}, with a 10 s connect timeout: what bounds a call is its own bound. */
    private static AwsClients clientsAt(String endpoint) {
        return new AwsClients(Fixtures.config("AWS_ENDPOINT_URL", endpoint, "AWS_REGION", "us-east-1",
                "PHALA_CONNECT_TIMEOUT_MS", "10000"), LocalAws.CREDENTIALS);
    }

    @Test
    void aClaimWhoseAnswerStallsAfterTheStatusEndsBeforeTheReserve() throws Exception {
        try (var server = com.composerelay.support.RawHttpServer.plain(
                (nth, out) -> com.composerelay.support.RawHttpServer.statusThenStall(out))) {
            var store = new DynamoDbRelayTable(clientsAt(server.url("http"))::dynamoDb, "compose-relay-idempotency",
                    Duration.ofHours(1), CLOCK, BEFORE_PATCH, AFTER_PATCH);
            Duration left = leftAfter(() -> assertThatThrownBy(() -> store.claim("k", "f", CLOCK.instant().plusSeconds(3)))
                    .isInstanceOf(StoreUnavailable.class)
                    .hasMessage("could not claim the idempotency record in DynamoDB table compose-relay-idempotency "
                            + "(ApiCallTimeoutException)"));
            assertThat(left).as("the call's bound ended it, not the 30 s socket timeout").isGreaterThan(RESERVE_LEFT);
            assertThat(server.requests()).isPositive();
        }
    }

    @Test
    void aRecordWhoseConnectStallsEndsBeforeTheDeadline() throws Exception {
        try (ServerSocket full = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            List<Socket> filling = SdkHttpClientTest.fill(full);
            try {
                var store = new DynamoDbRelayTable(clientsAt("http://127.0.0.1:" + full.getLocalPort())::dynamoDb,
                        "compose-relay-idempotency", Duration.ofHours(1), CLOCK, BEFORE_PATCH, AFTER_PATCH);
                // The connect timeout is 10 s here: what ends the connect is what is left of the call.
                Duration left = leftAfter(() -> assertThatThrownBy(() -> store.complete("k", "{}", 202))
                        .isInstanceOf(StoreUnavailable.class)
                        .hasMessage("could not record the outcome of the idempotency record in DynamoDB table compose-relay-idempotency "
                                + "(ApiCallTimeoutException)"));
                assertThat(left).as("the answer margin is left").isGreaterThan(Duration.ofMillis(300));
            } finally {
                for (Socket socket : filling) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void theFunctionAnswersBeforeItsDeadlineWhenEveryAwsServiceStalls() {
        RelayHandler handler = new RelayHandler(Assembly.withAws(config, LocalAws.CREDENTIALS, CLOCK).dispatcher(), CLOCK);
        Instant deadline = CLOCK.instant().plus(TIME_LEFT);

        JsonNode response = Invoke.json(handler, Fixtures.eventText("http-api.json"),
                new FakeContext("lambda-stalled", (int) TIME_LEFT.toMillis()));

        assertThat(CLOCK.instant()).as("answered before the Lambda deadline").isBefore(deadline);
        assertThat(response.get("statusCode").intValue()).isEqualTo(503);
        assertThat(Harness.body(response).get("error").textValue()).isEqualTo("the idempotency record could not be "
                + "checked, so nothing was sent: could not claim the idempotency record in DynamoDB table "
                + "compose-relay-idempotency (ApiCallTimeoutException)");
    }
}
