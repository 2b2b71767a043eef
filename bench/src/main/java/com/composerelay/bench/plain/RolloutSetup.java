package com.composerelay.bench.plain;

import com.composerelay.aws.AwsCallDeadline;
import com.composerelay.aws.DynamoDbRollouts;
import com.composerelay.codec.RolloutJson;
import com.composerelay.core.Rollout;
import com.composerelay.core.Trigger;
import com.composerelay.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Seeds the first rollout task's cold scenario in the benchmark's own LocalStack, and writes its
 * SQS event: a one-wave rollout kept in the relay's table exactly as the relay keeps it (written by
 * the relay's own {@code DynamoDbRollouts.create}: {@code rollout-request:<id>} with a valid request
 * body, {@code rollout:<id>} with {@code RolloutStateJson.write(rollout)} and its version), its one
 * CVM {@code updating} with a known vm_uuid, committed now; and one {@code check} task of wave 1 from
 * the rollout task queue, as the state machine sends it.
 *
 * <p>The Phala stand-in runs the CVM on its hash from before ({@code -Dphala.standin.cvms}), so every
 * cold process does the same: GetItem (the rollout), GetItem (its request, for the wave timeout),
 * {@code POST /status/batch}, {@code GET /cvms/{vm_uuid}} (the hash confirmation: still the old one),
 * GetItem + PutItem (the CVM's state written back, unchanged, at the next version) and
 * {@code SendTaskSuccess} with {@code {"healthy":false}} (an unknown token: Step Functions answers
 * that it waits no more, which the relay accepts). The wave times out after an hour, so the check
 * stays a plain "not yet" for the whole run.
 *
 * <p>Usage: {@code RolloutSetup <table> <rollout id> <app id> <vm_uuid> <hash before> <new hash>
 * <task queue ARN> <event file>}.
 */
public final class RolloutSetup {
    private RolloutSetup() {}

    public static void main(String[] args) throws Exception {
        String table = args[0];
        String rolloutId = args[1];
        String appId = args[2];
        String vmUuid = args[3];
        String hashBefore = args[4];
        String newHash = args[5];
        String queueArn = args[6];
        Path eventFile = Path.of(args[7]);
        String cvmId = vmUuid;

        String request = "{\"targets\":{\"cvms\":[\"" + cvmId + "\"]},"
                + "\"app_compose\":{\"docker_compose_file\":\"services:\\n  web:\\n    image: nginx:1.27\\n\",\"name\":\"bench\"},"
                + "\"strategy\":{\"waves\":[1],\"check_interval_seconds\":15,\"bake_seconds\":0,"
                + "\"wave_timeout_seconds\":3600,\"on_failure\":\"stop\"}}";
        RolloutJson.read(Json.parse(request)); // a body the tasks can read back
        Instant now = Instant.now();
        Rollout.Target target = new Rollout.Target(cvmId, "updating", null, vmUuid, appId, hashBefore, "rev_bench");
        Rollout rollout = new Rollout(rolloutId, "running", "bench", newHash, Trigger.API, "bench", null, now, null,
                List.of(new Rollout.Wave(1, "updating", now, List.of(target))),
                Map.of(appId, new Rollout.App(appId, cvmId, newHash)), null, null, null, null, null,
                "{\"rollout_id\":\"" + rolloutId + "\"}", 1);
        try (DynamoDbClient dynamo = DynamoDbClient.builder().build()) {
            var rollouts = new DynamoDbRollouts(() -> dynamo, table, Clock.systemUTC(),
                    new AwsCallDeadline(Clock.systemUTC(), Duration.ZERO));
            if (!rollouts.create(rollout, request)) {
                throw new IllegalStateException("rollout " + rolloutId + " exists already");
            }
        }
        String task = Json.write(Json.object(Map.of("relay_task", "check", "rollout_id", rolloutId, "wave", 1,
                "phase", "wave", "task_token", "bench-token-" + rolloutId)));
        String record = Json.write(Json.object(Map.of(
                "messageId", "bench-task-1",
                "receiptHandle", "bench",
                "body", task,
                "attributes", Map.of("ApproximateReceiveCount", "1", "SentTimestamp", Long.toString(now.toEpochMilli())),
                "messageAttributes", Map.of(),
                "eventSource", "aws:sqs",
                "eventSourceARN", queueArn,
                "awsRegion", "us-east-1")));
        Files.writeString(eventFile, "{\"Records\":[" + record + "]}", StandardCharsets.UTF_8);
    }
}
