package com.composerelay.aws;

import com.composerelay.config.Config;
import com.composerelay.core.ApiKeys.KeyUnavailable;
import com.composerelay.core.RequestClaims;
import com.composerelay.core.StoreKeys;
import com.composerelay.core.StoreUnavailable;
import com.composerelay.core.Outcome;
import com.composerelay.core.Rollout;
import com.composerelay.core.RolloutStore;
import com.composerelay.codec.RolloutStateJson;
import com.composerelay.json.Json;
import com.composerelay.core.Trigger;
import com.composerelay.codec.OutcomeJson;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullResponse;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Runs the relay's AWS calls through the real SDK code path (request building, endpoint rules,
 * signing, marshalling, the response's unmarshalling) against canned answers, so nothing leaves the
 * process: no secret is read, no record is written, nothing is published. Run at start-up on threads
 * of their own, and before a SnapStart snapshot, it loads and initialises what the first real call
 * would otherwise load while a request waits.
 */
public final class Priming {
    static final String PRIMING = StoreKeys.PRIMING.of("");
    /** The rollout the canned {@code GetItem} answers with (the shape a task reads). */
    static final String PRIMING_ROLLOUT = "priming";

    private final CannedAnswers answers = new CannedAnswers();
    private final AwsClients canned;
    private final Config config;
    private final Clock clock;

    /** Clients like the relay's, with the same credentials, over {@link CannedAnswers} instead of the network. */
    public Priming(Config config, AwsCredentialsProvider credentials, Clock clock) {
        this.canned = new AwsClients(config, credentials, answers);
        this.config = config;
        this.clock = clock;
    }

    /** A {@code GetSecretValue} of the key, as {@link SecretsManagerApiKeys} makes and reads it: the canned key. */
    public String secretsManager() {
        try {
            return new SecretsManagerApiKeys(canned::secretsManager, PRIMING, deadline()).fetch();
        } catch (KeyUnavailable e) {
            throw new IllegalStateException("priming: " + e.getMessage(), e);
        }
    }

    /**
     * The idempotency claim and record, as {@link DynamoDbRelayTable} writes them: the claim,
     * or nothing when no idempotency table is configured.
     */
    public RequestClaims.Claim dynamoDb() {
        if (config.idempotencyTable().isEmpty()) {
            return null;
        }
        String table = config.idempotencyTable().get();
        var store = new DynamoDbRelayTable(canned::dynamoDb, table, config.idempotencyTtl(), clock,
                deadline(), deadline());
        try {
            RequestClaims.Claim claim = store.claim(PRIMING, PRIMING, clock.instant());
            store.complete(PRIMING, "{}", 202);
            return claim;
        } catch (StoreUnavailable e) {
            throw new IllegalStateException("priming: " + e.getMessage(), e);
        }
    }

    /** An outcome's {@code Publish}, as {@link SnsOutcomes} sends it: the canned message id. */
    public String sns() {
        Instant now = clock.instant();
        Outcome accepted = new Outcome.Accepted(new Outcome.Facts(PRIMING, PRIMING, Trigger.API, "cvm_priming", "00",
                1, 202, null, now, now));
        return new SnsOutcomes(canned::sns, config.outcomeTopicArn(), deadline()).send(accepted, OutcomeJson.write(accepted));
    }

    /**
     * A rollout task's AWS calls, as {@link DynamoDbRollouts} and {@link StepFunctionsEngine} make
     * them: the rollout read ({@code GetItem}, its record unmarshalled and read), written back at its
     * next version ({@code PutItem} on a condition) and the task answered ({@code SendTaskSuccess});
     * the version written, or -1 when rollouts are off (no state machine, or no table to keep them).
     */
    public long rollouts() {
        if (config.rollouts().stateMachineArn().isEmpty() || config.idempotencyTable().isEmpty()) {
            return -1;
        }
        var store = new DynamoDbRollouts(canned::dynamoDb, config.idempotencyTable().get(), clock, deadline());
        try {
            Rollout rollout = store.find(PRIMING_ROLLOUT)
                    .orElseThrow(() -> new IllegalStateException("priming: the canned rollout was not read"));
            long version = store.save(rollout).version();
            new StepFunctionsEngine(canned::sfn, config.rollouts().stateMachineArn().get(), deadline())
                    .succeed(PRIMING, "{\"healthy\":false}");
            return version;
        } catch (StoreUnavailable | RolloutStore.Changed | com.composerelay.core.RolloutEngine.Unavailable e) {
            throw new IllegalStateException("priming: " + e.getMessage(), e);
        }
    }

    /** Calls bounded as the relay's are, so the bounding is primed too. */
    private AwsCallDeadline deadline() {
        return new AwsCallDeadline(clock, config.deadlineReserve());
    }

    /** The calls answered so far, in order, such as {@code secretsmanager.GetSecretValue} or {@code sns.Publish}. */
    public List<String> answered() {
        return List.copyOf(answers.answered);
    }

    /** Answers each call the relay makes with a success in its protocol's shape, at once, offline. */
    static final class CannedAnswers implements SdkHttpClient {
        private final List<String> answered = new CopyOnWriteArrayList<>();

        static final String SECRET = "{\"ARN\":\"arn:aws:secretsmanager:us-east-1:000000000000:secret:priming\","
                + "\"Name\":\"priming\",\"SecretString\":\"{\\\"api_key\\\":\\\"priming\\\"}\"}";
        static final String PUBLISHED = "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
                + "<PublishResult><MessageId>priming</MessageId></PublishResult>"
                + "<ResponseMetadata><RequestId>priming</RequestId></ResponseMetadata></PublishResponse>";

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            SdkHttpRequest http = request.httpRequest();
            String target = http.firstMatchingHeader("X-Amz-Target").orElse("");
            boolean publish = target.isEmpty() && isPublish(request);
            String name = publish ? "sns.Publish" : target;
            String body;
            String type;
            if (target.equals("secretsmanager.GetSecretValue")) {
                body = SECRET;
                type = "application/x-amz-json-1.1";
            } else if (target.equals("DynamoDB_20120810.GetItem") && requestText(request).contains("\"rollout:")) {
                body = RolloutItem.JSON;
                type = "application/x-amz-json-1.0";
            } else if (target.startsWith("DynamoDB_20120810.") || target.startsWith("AWSStepFunctions.")) {
                body = "{}";
                type = "application/x-amz-json-1.0";
            } else if (publish) {
                body = PUBLISHED;
                type = "text/xml";
            } else {
                body = null;
                type = null;
            }
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() throws IOException {
                    if (body == null) {
                        throw new IOException("priming has no canned answer for " + http.method() + " "
                                + http.encodedPath() + " " + target);
                    }
                    answered.add(name);
                    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                    return HttpExecuteResponse.builder()
                            .response(SdkHttpFullResponse.builder()
                                    .statusCode(200)
                                    .putHeader("Content-Type", type)
                                    .putHeader("Content-Length", Integer.toString(bytes.length))
                                    .putHeader("x-amzn-RequestId", PRIMING)
                                    .build())
                            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(bytes)))
                            .build();
                }

                @Override
                public void abort() {
                }
            };
        }

        private static boolean isPublish(HttpExecuteRequest request) {
            return requestText(request).contains("Action=Publish");
        }

        private static String requestText(HttpExecuteRequest request) {
            return request.contentStreamProvider().map(p -> {
                try (var in = p.newStream()) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "";
                }
            }).orElse("");
        }

        /** A rollout as {@link DynamoDbRollouts} keeps it: one wave, its CVM updating (made when first asked for). */
        private static final class RolloutItem {
            static final String JSON = json();

            private static String json() {
                Instant at = Instant.parse("2026-01-01T00:00:00Z");
                Rollout.Target cvm = new Rollout.Target("cvm_priming", "updating", null, "priming", "priming",
                        "11".repeat(32), "priming");
                Rollout rollout = new Rollout(PRIMING_ROLLOUT, "running", PRIMING, "22".repeat(32), Trigger.API, PRIMING, null,
                        at, null, List.of(new Rollout.Wave(1, "updating", at, List.of(cvm))),
                        java.util.Map.of("priming", new Rollout.App("priming", "cvm_priming", "22".repeat(32))), null, null,
                        null, null, null, "{}", 1);
                return Json.write(Json.object(java.util.Map.of("Item", java.util.Map.of(
                        "id", java.util.Map.of("S", StoreKeys.ROLLOUT.of(PRIMING_ROLLOUT)),
                        "value", java.util.Map.of("S", RolloutStateJson.write(rollout)),
                        "version", java.util.Map.of("N", "1"),
                        "expiration", java.util.Map.of("N", Long.toString(Long.MAX_VALUE / 2))))));
            }
        }

        @Override
        public String clientName() {
            return "CannedAnswers";
        }

        @Override
        public void close() {
        }
    }
}
