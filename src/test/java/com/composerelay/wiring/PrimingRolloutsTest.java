package com.composerelay.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.core.Invocation;
import com.composerelay.core.Metrics;
import com.composerelay.json.Json;
import com.composerelay.phala.HttpPhalaApi;
import com.composerelay.support.Fixtures;
import com.composerelay.support.LogCapture;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PrimingRolloutsTest {
    @RegisterExtension
    final LogCapture log = new LogCapture();

    private static final String TASK = """
            {"Records":[{"messageId":"m1","body":"{\\"relay_task\\":\\"check\\",\\"rollout_id\\":\\"priming\\",\\"wave\\":1,\\"phase\\":\\"wave\\",\\"task_token\\":\\"t\\"}",
             "attributes":{"ApproximateReceiveCount":"1"},"messageAttributes":{},"eventSource":"aws:sqs",
             "eventSourceARN":"%s","awsRegion":"us-east-1"}]}
            """.formatted(PrimingRollouts.TASK_QUEUE_ARN);

    @Test
    void thePrimingDispatcherRunsAWaveCheckThroughTheTaskPathOffline() throws Exception {
        var config = Fixtures.config("IDEMPOTENCY_TABLE_NAME", "t",
                "ROLLOUT_STATE_MACHINE_ARN", "arn:aws:states:us-east-1:000000000000:stateMachine:rollouts",
                "PHALA_API_BASE_URL", "http://127.0.0.1:9");
        var phala = new HttpPhalaApi(() -> {
            throw new AssertionError("the PATCH path's client is not asked for by a task");
        }, URI.create("http://127.0.0.1:9"), "2026-05-22", Clock.systemUTC());
        var dispatcher = Assembly.primingDispatcher(config, phala, Clock.systemUTC(), Metrics.none());
        var invocation = new Invocation("r", Instant.now().plusSeconds(10));

        for (int i = 0; i < 2; i++) {
            var answer = dispatcher.dispatch(Json.parse(TASK), invocation);
            assertThat(Json.write(answer)).isEqualTo("{\"batchItemFailures\":[]}");
        }
        // Phala's canned CVM runs another hash than the new one: the wave is not healthy yet, every time.
        assertThat(log.text()).contains("rollout task check succeeded").doesNotContain("deferred")
                .doesNotContain("dropped").doesNotContain("WARN");
    }

    @Test
    void offWithoutAStateMachine() {
        var config = Fixtures.config("IDEMPOTENCY_TABLE_NAME", "t");
        assertThat(Assembly.rolloutsOn(config)).isFalse();
        assertThat(Assembly.rolloutsOn(Fixtures.config("ROLLOUT_STATE_MACHINE_ARN",
                "arn:aws:states:us-east-1:000000000000:stateMachine:rollouts"))).as("no table keeps them").isFalse();
    }
}
