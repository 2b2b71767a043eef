package com.composerelay.local;

import com.composerelay.json.Json;
import com.composerelay.support.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.StateMachineType;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The stack of {@code template.yaml} made on this machine: its queues, topic and secret in
 * LocalStack under the template's logical names and settings, a Phala stand-in, and the built
 * function under the Runtime Interface Emulator with the environment the template gives it.
 */
public final class LocalDeployment implements AutoCloseable {
    /** A made-up key for the local secret; a test asserts it never shows in logs or outcomes. */
    public static final String SAMPLE_API_KEY = "phak_local_sample_7d3f9a1e5c2b8d4f";
    /** The env secret the whole-update samples read ({@code json_key} database_url), and its value. */
    public static final String SAMPLE_ENV_SECRET = "compose-relay/env/shop";
    public static final String SAMPLE_DATABASE_URL = "postgres://shop:local-sample-db-pass-3e7a@db.internal:5432/shop";
    public static final String REGION = "us-east-1";
    public static final String FUNCTION = "ComposeRelayFunction";

    /**
     * What a local run may change: the stack's name, template parameters, the queue's visibility, and
     * environment variables set beside the template's (e.g. a short API_KEY_CACHE_TTL_SECONDS).
     */
    public record Options(String stackName, Map<String, String> parameters, Integer visibilityTimeoutSeconds,
                          Phala phala, Path logDir, Map<String, String> environment) {
        public Options(String stackName, Map<String, String> parameters, Integer visibilityTimeoutSeconds, Phala phala,
                       Path logDir) {
            this(stackName, parameters, visibilityTimeoutSeconds, phala, logDir, Map.of());
        }
    }

    /** A relay token for every CVM, listed in the stack's relay tokens secret (name {@code local-sample}). */
    public static final String SAMPLE_TOKEN = "crt_localSampleToken0000000000000000000000000000";

    /** How the Phala stand-in behaves: a share of 503s, and a share of answers that take a while. */
    public record Phala(double share503, double shareSlow, long slowMillis) {
        public static final Phala PROMPT = new Phala(0, 0, 0);
    }

    public final SqsClient sqs;
    public final String relayTokensSecretArn;
    public final SnsClient sns;
    public final SecretsManagerClient secrets;
    public final DynamoDbClient dynamoDb;
    public final SfnClient sfn;
    public final String idempotencyTable;
    public final String secretArn;
    public final String topicArn;
    public final String requestQueueUrl;
    public final String deadLetterQueueUrl;
    public final String outcomesQueueUrl;
    /** The rollout engine (issue 19): its task queue and the state machine from the built template's definition. */
    public final String rolloutTaskQueueUrl;
    public final String rolloutStateMachineArn;
    public final int maxReceiveCount;
    public final PhalaStandIn phala;
    public final FunctionUnderEmulator function;
    public final SqsEventSource eventSource;
    /** The task queue's event source mapping: the state machine's tasks to the function. */
    public final SqsEventSource taskSource;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    private LocalDeployment(URI endpoint, SamTemplate template, Path rie, Path ricDir, Options options) throws IOException {
        var http = UrlConnectionHttpClient.create();
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        sqs = SqsClient.builder().httpClient(http).region(Region.of(REGION)).credentialsProvider(credentials)
                .endpointOverride(endpoint).build();
        sns = SnsClient.builder().httpClient(http).region(Region.of(REGION)).credentialsProvider(credentials)
                .endpointOverride(endpoint).build();
        secrets = SecretsManagerClient.builder().httpClient(http).region(Region.of(REGION))
                .credentialsProvider(credentials).endpointOverride(endpoint).build();
        dynamoDb = DynamoDbClient.builder().httpClient(http).region(Region.of(REGION))
                .credentialsProvider(credentials).endpointOverride(endpoint).build();
        sfn = SfnClient.builder().httpClient(http).region(Region.of(REGION))
                .credentialsProvider(credentials).endpointOverride(endpoint).build();
        String stack = options.stackName();
        idempotencyTable = createTable(stack + "-IdempotencyTable", template.resource("IdempotencyTable").path("Properties"));

        Map<String, String> parameters = new HashMap<>(options.parameters());
        maxReceiveCount = Integer.parseInt(parameters.getOrDefault("MaxReceiveCount",
                template.parameterDefault("MaxReceiveCount")));
        parameters.put("MaxReceiveCount", String.valueOf(maxReceiveCount));

        secretArn = secrets.createSecret(b -> b.name(stack + "/phala-api-key")
                .secretString("{\"api_key\":\"" + SAMPLE_API_KEY + "\"}")).arn();
        topicArn = sns.createTopic(b -> b.name(stack + "-OutcomeTopic")).topicArn();
        deadLetterQueueUrl = createQueue(stack + "-RequestDeadLetterQueue",
                template.resource("RequestDeadLetterQueue").path("Properties"), Map.of());
        Map<QueueAttributeName, String> requestAttributes = new LinkedHashMap<>();
        requestAttributes.put(QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + queueArn(deadLetterQueueUrl)
                + "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}");
        if (options.visibilityTimeoutSeconds() != null) {
            requestAttributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, String.valueOf(options.visibilityTimeoutSeconds()));
        }
        requestQueueUrl = createQueue(stack + "-RequestQueue", template.resource("RequestQueue").path("Properties"),
                requestAttributes);
        String rolloutDeadLetterQueueUrl = createQueue(stack + "-RolloutTaskDeadLetterQueue",
                template.resource("RolloutTaskDeadLetterQueue").path("Properties"), Map.of());
        rolloutTaskQueueUrl = createQueue(stack + "-RolloutTaskQueue", template.resource("RolloutTaskQueue").path("Properties"),
                Map.of(QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + queueArn(rolloutDeadLetterQueueUrl)
                        + "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}"));
        String rolloutDefinition = template.stateMachineDefinition("RolloutStateMachine",
                Map.of("TaskQueueUrl", rolloutTaskQueueUrl));
        // LocalStack does not enforce IAM: the role is named, not made.
        rolloutStateMachineArn = sfn.createStateMachine(b -> b.name(stack + "-RolloutStateMachine")
                .type(StateMachineType.STANDARD).definition(rolloutDefinition)
                .roleArn("arn:aws:iam::000000000000:role/" + stack + "-RolloutStateMachineRole")).stateMachineArn();
        outcomesQueueUrl = sqs.createQueue(b -> b.queueName(stack + "-outcomes")).queueUrl();
        sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn(outcomesQueueUrl)));

        phala = new PhalaStandIn(0, options.phala().share503(), options.phala().shareSlow(), options.phala().slowMillis());
        phala.start();
        toClose.add(phala::stop);
        parameters.put("PhalaApiKeySecretArn", secretArn);
        parameters.put("SlackSigningSecretArn", secrets.createSecret(b -> b.name(stack + "/slack-signing-secret")
                .secretString(SampleEvents.sampleSecret("SAMPLE_SLACK_SIGNING_SECRET"))).arn());
        parameters.put("HookSecretArn", secrets.createSecret(b -> b.name(stack + "/hook-secret")
                .secretString(SampleEvents.sampleSecret("SAMPLE_HOOK_SECRET"))).arn());
        parameters.put("PhalaWebhookSecretArn", secrets.createSecret(b -> b.name(stack + "/phala-webhook-secret")
                .secretString(SampleEvents.sampleSecret("SAMPLE_PHALA_WEBHOOK_SECRET"))).arn());
        parameters.putIfAbsent("SlackAllowlist", "T0001/C0001/*=cvm_*");
        parameters.put("PhalaApiBaseUrl", "http://127.0.0.1:" + phala.port());
        relayTokensSecretArn = secrets.createSecret(b -> b.name(stack + "/relay-tokens")
                .secretString(relayTokens(List.<String[]>of(new String[] {"local-sample", SAMPLE_TOKEN, "*"})))).arn();
        parameters.put("RelayTokensSecretArn", relayTokensSecretArn);
        // The whole-update samples' env secret, under the default prefix (LocalStack may have it from a run before).
        String sampleEnv = "{\"database_url\":\"" + SAMPLE_DATABASE_URL + "\"}";
        try {
            secrets.createSecret(b -> b.name(SAMPLE_ENV_SECRET).secretString(sampleEnv));
        } catch (software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException e) {
            secrets.putSecretValue(b -> b.secretId(SAMPLE_ENV_SECRET).secretString(sampleEnv));
        }

        SamTemplate.Function declared = template.function(FUNCTION);
        Map<String, String> environment = new LinkedHashMap<>(
                template.environment(declared, parameters,
                        Map.of("OutcomeTopic", topicArn, "IdempotencyTable", idempotencyTable,
                                "RequestQueue", requestQueueUrl, "RolloutStateMachine", rolloutStateMachineArn,
                                "RolloutTaskQueue.Arn", queueArn(rolloutTaskQueueUrl))));
        // What Lambda adds: region and the role's credentials; and the SDK's standard endpoint override.
        environment.put("AWS_REGION", REGION);
        environment.put("AWS_DEFAULT_REGION", REGION);
        environment.put("AWS_ACCESS_KEY_ID", "test");
        environment.put("AWS_SECRET_ACCESS_KEY", "test");
        environment.put("AWS_ENDPOINT_URL", endpoint.toString());
        // Locally, Slack's response_url is a server on this machine.
        environment.put("SLACK_RESPONSE_URL_PREFIX", "http://127.0.0.1:");
        environment.putAll(options.environment());
        function = FunctionUnderEmulator.start(rie, ricDir, declared, environment,
                options.logDir().resolve(stack + "-function.log"));
        toClose.add(function);
        eventSource = new SqsEventSource(sqs, requestQueueUrl, REGION, function.invokeUrl());
        taskSource = new SqsEventSource(sqs, rolloutTaskQueueUrl, REGION, function.invokeUrl());
    }

    /** The relay tokens secret's string for these tokens: each {name, token, cvm...}. */
    public static String relayTokens(List<String[]> tokens) {
        return relayTokenEntries(tokens.stream().map(RelayTokenEntry::of).toList());
    }

    /**
     * The relay tokens secret's string for these entries, as scripts/relay-token.sh prints them:
     * {@code {"name", "sha256", "cvms"}}, and {@code "expires_at"} and {@code "scopes"} when given.
     */
    public static String relayTokenEntries(List<RelayTokenEntry> entries) {
        StringBuilder json = new StringBuilder("[");
        for (RelayTokenEntry e : entries) {
            json.append(json.length() > 1 ? "," : "").append("{\"name\":\"").append(e.name()).append("\",\"sha256\":\"")
                    .append(com.composerelay.core.Fingerprint.sha256Hex(e.token().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .append("\",\"cvms\":").append(strings(e.cvms()));
            if (e.expiresAt() != null) {
                json.append(",\"expires_at\":\"").append(e.expiresAt()).append('"');
            }
            if (e.scopes() != null) {
                json.append(",\"scopes\":").append(strings(e.scopes()));
            }
            json.append("}");
        }
        return json.append("]").toString();
    }

    private static String strings(List<String> values) {
        return values.stream().map(v -> "\"" + v + "\"").collect(java.util.stream.Collectors.joining(",", "[", "]"));
    }

    /** Replaces the relay tokens secret's list (the function reads it anew as RelayTokens says). */
    public void setRelayTokens(List<String[]> tokens) {
        setRelayTokenEntries(tokens.stream().map(RelayTokenEntry::of).toList());
    }

    /** Replaces the relay tokens secret's list with these entries. */
    public void setRelayTokenEntries(List<RelayTokenEntry> entries) {
        secrets.putSecretValue(b -> b.secretId(relayTokensSecretArn).secretString(relayTokenEntries(entries)));
    }

    /**
     * One entry of the relay tokens secret: its name, the token (only its SHA-256 is written), the CVMs it lists, and
     * optionally its scopes ({@code read}, {@code deploy}, {@code manage}, {@code rollout}; null: none written, the
     * relay's default read and deploy) and {@code expires_at} (RFC 3339; null: never).
     */
    public record RelayTokenEntry(String name, String token, List<String> cvms, List<String> scopes, String expiresAt) {
        /** {name, token, cvm...}: no scopes, no expiry. */
        static RelayTokenEntry of(String[] t) {
            return new RelayTokenEntry(t[0], t[1], List.of(t).subList(2, t.length), null, null);
        }
    }

    /** Makes the stack; the paths come from system properties the scripts and Maven set. */
    public static LocalDeployment start(Options options) {
        Path buildDir = Path.of(System.getProperty("sam.build.dir", ".aws-sam/build"));
        URI endpoint = URI.create(System.getProperty("localstack.endpoint", "http://127.0.0.1:4566"));
        Path rie = Path.of(required("rie.path", "scripts/rie.sh prints it"));
        Path ric = Path.of(required("ric.dir", "scripts/ric.sh prints it"));
        try {
            return new LocalDeployment(endpoint, SamTemplate.read(buildDir), rie, ric, options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String required(String property, String hint) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set (" + hint + ")");
        }
        return value;
    }

    private String createQueue(String name, com.fasterxml.jackson.databind.JsonNode declared, Map<QueueAttributeName, String> overrides) {
        Map<QueueAttributeName, String> attributes = new LinkedHashMap<>();
        if (declared.has("VisibilityTimeout")) {
            attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, declared.get("VisibilityTimeout").asText());
        }
        if (declared.has("MessageRetentionPeriod")) {
            attributes.put(QueueAttributeName.MESSAGE_RETENTION_PERIOD, declared.get("MessageRetentionPeriod").asText());
        }
        attributes.putAll(overrides);
        return sqs.createQueue(b -> b.queueName(name).attributes(attributes)).queueUrl();
    }

    /** The table as the template declares it: its key schema and TTL attribute. */
    private String createTable(String name, com.fasterxml.jackson.databind.JsonNode declared) {
        List<KeySchemaElement> keys = new ArrayList<>();
        declared.path("KeySchema").forEach(k -> keys.add(KeySchemaElement.builder()
                .attributeName(k.path("AttributeName").asText()).keyType(k.path("KeyType").asText()).build()));
        List<AttributeDefinition> attributes = new ArrayList<>();
        declared.path("AttributeDefinitions").forEach(a -> attributes.add(AttributeDefinition.builder()
                .attributeName(a.path("AttributeName").asText()).attributeType(a.path("AttributeType").asText()).build()));
        dynamoDb.createTable(b -> b.tableName(name).keySchema(keys).attributeDefinitions(attributes)
                .billingMode(declared.path("BillingMode").asText("PAY_PER_REQUEST")));
        var ttl = declared.path("TimeToLiveSpecification");
        if (ttl.path("Enabled").asBoolean(false)) {
            dynamoDb.updateTimeToLive(b -> b.tableName(name).timeToLiveSpecification(t -> t
                    .attributeName(ttl.path("AttributeName").asText()).enabled(true)));
        }
        return name;
    }

    public String queueArn(String url) {
        return sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    /** Outcomes published so far (SNS envelopes' messages), waiting up to {@code seconds} for {@code count}. */
    public List<Published> outcomes(int count, int seconds) {
        List<Published> all = new ArrayList<>();
        long until = System.nanoTime() + seconds * 1_000_000_000L;
        do {
            List<Message> got = sqs.receiveMessage(b -> b.queueUrl(outcomesQueueUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(1)).messages();
            for (Message m : got) {
                all.add(Published.of(m.body()));
                sqs.deleteMessage(b -> b.queueUrl(outcomesQueueUrl).receiptHandle(m.receiptHandle()));
            }
        } while (all.size() < count && System.nanoTime() < until);
        return all;
    }

    /**
     * The outcomes published and not read yet, up to now, with no wait for what might still come: a marker
     * published to the outcome topic after them is the end-of-work signal. The function publishes each outcome
     * before its invocation returns, so once the marker has come through the outcome queue, so have the outcomes
     * of every invocation that returned before this call (and only the test invokes the function here).
     */
    public List<Published> outcomesSoFar() {
        String marker = "end-of-work-" + java.util.UUID.randomUUID();
        sns.publish(b -> b.topicArn(topicArn).subject("marker").message("{\"marker\":\"" + marker + "\"}"));
        List<Published> all = new ArrayList<>();
        boolean arrived = false;
        long until = System.nanoTime() + 60_000_000_000L;
        while (!arrived) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("the marker published to the outcome topic did not come through in 60 s");
            }
            for (Published p : receiveOutcomes(1)) {
                if (marker.equals(p.outcome().path("marker").asText(null))) {
                    arrived = true;
                } else {
                    all.add(p);
                }
            }
        }
        all.addAll(receiveOutcomes(0)); // what came through with the marker and was not in its batch
        return all;
    }

    private List<Published> receiveOutcomes(int waitSeconds) {
        List<Published> got = new ArrayList<>();
        for (Message m : sqs.receiveMessage(b -> b.queueUrl(outcomesQueueUrl).maxNumberOfMessages(10)
                .waitTimeSeconds(waitSeconds)).messages()) {
            got.add(Published.of(m.body()));
            sqs.deleteMessage(b -> b.queueUrl(outcomesQueueUrl).receiptHandle(m.receiptHandle()));
        }
        return got;
    }

    /** Messages waiting or in flight on a queue. */
    public int depth(String queueUrl) {
        var attributes = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    public List<Message> deadLetters(int waitSeconds) {
        return sqs.receiveMessage(b -> b.queueUrl(deadLetterQueueUrl).maxNumberOfMessages(10)
                .waitTimeSeconds(waitSeconds).messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
    }

    /** One outcome as a subscriber gets it: subject, attributes and the JSON message. */
    public record Published(String subject, Map<String, String> attributes, JsonNode outcome) {
        static Published of(String envelopeText) {
            try {
                JsonNode envelope = TestJson.parse(envelopeText);
                Map<String, String> attributes = new LinkedHashMap<>();
                envelope.path("MessageAttributes").properties()
                        .forEach(e -> attributes.put(e.getKey(), e.getValue().path("Value").asText()));
                return new Published(envelope.path("Subject").asText(null), attributes,
                        TestJson.parse(envelope.get("Message").textValue()));
            } catch (Json.Malformed e) {
                throw new IllegalStateException("not an SNS envelope: " + e.getMessage());
            }
        }

        public String status() {
            return outcome.path("status").asText();
        }
    }

    @Override
    public void close() {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception ignored) {
                // best effort: the rest still gets stopped
            }
        }
        sqs.close();
        sns.close();
        secrets.close();
        dynamoDb.close();
        sfn.close();
    }
}
