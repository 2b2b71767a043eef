package com.composerelay.startup;

import com.composerelay.core.Metrics;
import com.composerelay.net.HttpClients;
import com.composerelay.support.TestJson;
import com.composerelay.wiring.Assembly;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.aws.Priming;
import com.composerelay.core.CachingApiKeys;
import com.composerelay.phala.HttpPhalaApi;
import com.composerelay.support.Fixtures;
import com.composerelay.support.LogCapture;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class SnapStartHooksTest {
    @RegisterExtension
    static WireMockExtension phala = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    private final AtomicInteger fetches = new AtomicInteger();
    private final CachingApiKeys keys = new CachingApiKeys(() -> "key-" + fetches.incrementAndGet(),
            Duration.ofMinutes(5), Clock.systemUTC());

    private SnapStartHooks hooks(ReseedableRandom jitter) {
        return hooks(jitter, false);
    }

    private SnapStartHooks hooks(ReseedableRandom jitter, boolean rollouts) {
        // AWS calls would reach the same WireMock as Phala: priming must send it nothing.
        var config = rollouts
                ? Fixtures.config("PHALA_API_BASE_URL", phala.baseUrl(), "AWS_ENDPOINT_URL", phala.baseUrl(),
                        "AWS_REGION", "us-east-1", "IDEMPOTENCY_TABLE_NAME", "compose-relay-idempotency",
                        "ROLLOUT_STATE_MACHINE_ARN", "arn:aws:states:us-east-1:000000000000:stateMachine:rollouts",
                        "ROLLOUT_TASK_QUEUE_ARN", "arn:aws:sqs:us-east-1:000000000000:rollout-tasks")
                : Fixtures.config("PHALA_API_BASE_URL", phala.baseUrl(), "AWS_ENDPOINT_URL", phala.baseUrl(),
                        "AWS_REGION", "us-east-1", "IDEMPOTENCY_TABLE_NAME", "compose-relay-idempotency");
        var api = new HttpPhalaApi(HttpClients.newClient(Duration.ofSeconds(1)), config.phalaBaseUrl(), "2026-05-22",
                Clock.systemUTC());
        return new SnapStartHooks(Assembly.primingDispatcher(config, api, Clock.systemUTC(), Metrics.none()),
                new Priming(config, StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDPRIMING", "secret")),
                        Clock.systemUTC()), keys, jitter, rollouts);
    }

    @RegisterExtension
    final LogCapture log = new LogCapture();

    @Test
    void beforeCheckpointSendsNothingReadsNoKeyAndLogsOneLineOfWhatItPrimed() throws Exception {
        hooks(new ReseedableRandom()).beforeCheckpoint(null);

        assertThat(phala.getAllServeEvents()).as("no request reached Phala or AWS").isEmpty();
        assertThat(fetches.get()).as("the real key source is not read while priming").isZero();
        String[] lines = log.text().strip().split("\n");
        assertThat(lines).as("the primed path's own lines are muted; one summary line").hasSize(1);
        JsonNode line = TestJson.parse(lines[0]);
        assertThat(line.get("message").textValue()).isEqualTo("SnapStart: primed before the snapshot");
        assertThat(line.get("aws_calls").textValue()).isEqualTo("secretsmanager.GetSecretValue,"
                + "DynamoDB_20120810.PutItem,DynamoDB_20120810.UpdateItem,sns.Publish");
        assertThat(line.get("code_paths").intValue()).isEqualTo(2);
    }

    @Test
    void primingRunsBothPathsToADecidedOutcome() {
        List<JsonNode> responses = hooks(new ReseedableRandom()).prime().stream().map(TestJson::db).toList();

        assertThat(responses).hasSize(2);
        assertThat(responses.get(0).get("statusCode").intValue()).isEqualTo(202);
        assertThat(TestJson.write(responses.get(1))).isEqualTo("{\"batchItemFailures\":[]}");
        assertThat(phala.getAllServeEvents()).isEmpty();
        assertThat(log.text()).doesNotContain("priming failed");
    }

    @Test
    void withRolloutsOnPrimingAlsoRunsARolloutTaskAndItsAwsCallsOffline() throws Exception {
        SnapStartHooks hooks = hooks(new ReseedableRandom(), true);
        List<JsonNode> responses = hooks.prime().stream().map(TestJson::db).toList();

        assertThat(responses).hasSize(3);
        assertThat(responses.get(0).get("statusCode").intValue()).isEqualTo(202);
        assertThat(TestJson.write(responses.get(2))).as("the task answered, none to retry")
                .isEqualTo("{\"batchItemFailures\":[]}");
        assertThat(phala.getAllServeEvents()).as("no request reached Phala or AWS").isEmpty();
        assertThat(log.text()).doesNotContain("priming failed");
        assertThat(hooks.primeCode()).as("start-up work's code path leaves the task out").hasSize(2);

        hooks(new ReseedableRandom(), true).beforeCheckpoint(null);
        String[] lines = log.text().strip().split("\n");
        assertThat(lines).as("the primed paths' own lines are muted; one summary line").hasSize(1);
        JsonNode line = TestJson.parse(lines[0]);
        assertThat(line.get("aws_calls").textValue()).isEqualTo("secretsmanager.GetSecretValue,"
                + "DynamoDB_20120810.PutItem,DynamoDB_20120810.UpdateItem,sns.Publish,"
                + "DynamoDB_20120810.GetItem,DynamoDB_20120810.PutItem,AWSStepFunctions.SendTaskSuccess");
        assertThat(line.get("code_paths").intValue()).isEqualTo(3);
        assertThat(phala.getAllServeEvents()).isEmpty();
    }

    @Test
    void forgetsTheCachedKeyAfterARestore() throws Exception {
        SnapStartHooks hooks = hooks(new ReseedableRandom());
        assertThat(keys.current()).isEqualTo("key-1");

        hooks.afterRestore(null);

        assertThat(keys.current()).isEqualTo("key-2");
        assertThat(fetches.get()).isEqualTo(2);
    }

    @Test
    void drawsTheJitterFromAFreshSeedAfterARestore() {
        java.util.Iterator<Long> seeds = List.of(11L, 22L).iterator();
        ReseedableRandom jitter = new ReseedableRandom(seeds::next);
        SnapStartHooks hooks = hooks(jitter);
        assertThat(jitter.getAsDouble()).isEqualTo(new java.util.SplittableRandom(11L).nextDouble());

        hooks.afterRestore(null);

        assertThat(jitter.getAsDouble()).as("the first draw of the new seed, not the second of the old")
                .isEqualTo(new java.util.SplittableRandom(22L).nextDouble());
        assertThat(seeds.hasNext()).isFalse();
    }

    @Test
    void readsTheKeyDuringTheRestoreBeforeTheFirstRequest() throws Exception {
        SnapStartHooks hooks = hooks(new ReseedableRandom());

        hooks.afterRestore(null);

        assertThat(fetches.get()).as("read before afterRestore returns").isEqualTo(1);
        assertThat(keys.current()).isEqualTo("key-1");
        assertThat(fetches.get()).isEqualTo(1);
    }
}
