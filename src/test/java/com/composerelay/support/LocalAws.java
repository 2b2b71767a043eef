package com.composerelay.support;

import com.composerelay.json.Json;
import com.composerelay.local.SqsEventSource;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * LocalStack on this machine (started by {@code scripts/localstack.sh}): clients, and helpers to
 * make the resources a test needs under names of its own.
 */
public final class LocalAws {
    public static final String REGION = "us-east-1";
    public static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

    public final URI endpoint = URI.create(System.getProperty("localstack.endpoint", "http://127.0.0.1:4566"));
    public final SqsClient sqs;
    public final SnsClient sns;
    public final SecretsManagerClient secrets;
    public final String prefix = "cr-test-" + UUID.randomUUID().toString().substring(0, 8);

    public LocalAws() {
        requireRunning();
        var http = UrlConnectionHttpClient.create();
        sqs = SqsClient.builder().httpClient(http).region(Region.of(REGION)).credentialsProvider(CREDENTIALS)
                .endpointOverride(endpoint).build();
        sns = SnsClient.builder().httpClient(http).region(Region.of(REGION)).credentialsProvider(CREDENTIALS)
                .endpointOverride(endpoint).build();
        secrets = SecretsManagerClient.builder().httpClient(http).region(Region.of(REGION))
                .credentialsProvider(CREDENTIALS).endpointOverride(endpoint).build();
    }

    /** Fails, never skips, when LocalStack is not there: the README's test command starts it. */
    private void requireRunning() {
        try {
            HttpURLConnection c = (HttpURLConnection) endpoint.resolve("/_localstack/health").toURL().openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(5000);
            if (c.getResponseCode() == 200) {
                return;
            }
            throw new IllegalStateException("LocalStack at " + endpoint + " answered " + c.getResponseCode());
        } catch (IOException e) {
            throw new IllegalStateException("LocalStack is not running at " + endpoint
                    + ": start it with scripts/localstack.sh start (./run-tests.sh does it for you)", e);
        }
    }

    /** A DynamoDB client on LocalStack. */
    public software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamoDb() {
        return software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(REGION)).credentialsProvider(CREDENTIALS).endpointOverride(endpoint).build();
    }

    /** A table shaped as template.yaml's IdempotencyTable (hash key {@code id}, TTL {@code expiration}); its name. */
    public String relayTable(software.amazon.awssdk.services.dynamodb.DynamoDbClient dynamo, String name) {
        String table = prefix + "-" + name;
        dynamo.createTable(b -> b.tableName(table).billingMode("PAY_PER_REQUEST")
                .keySchema(k -> k.attributeName("id").keyType(software.amazon.awssdk.services.dynamodb.model.KeyType.HASH))
                .attributeDefinitions(a -> a.attributeName("id")
                        .attributeType(software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType.S)));
        dynamo.updateTimeToLive(b -> b.tableName(table).timeToLiveSpecification(t -> t.attributeName("expiration")
                .enabled(true)));
        return table;
    }

    public String secret(String name, String value) {
        return secrets.createSecret(b -> b.name(prefix + "/" + name).secretString(value)).arn();
    }

    public String topic(String name) {
        return sns.createTopic(b -> b.name(prefix + "-" + name)).topicArn();
    }

    public String queue(String name, Map<QueueAttributeName, String> attributes) {
        return sqs.createQueue(b -> b.queueName(prefix + "-" + name).attributes(attributes)).queueUrl();
    }

    public String queueArn(String url) {
        return sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    /** A queue that receives the topic's messages in SNS's JSON envelope, optionally filtered. */
    public String subscribedQueue(String topicArn, String name, String filterPolicy) {
        String url = queue(name, Map.of());
        Map<String, String> attributes = filterPolicy == null ? Map.of() : Map.of("FilterPolicy", filterPolicy);
        sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn(url)).attributes(attributes));
        return url;
    }

    /** Receives until {@code count} messages arrived or {@code seconds} passed. */
    public List<Message> receive(String queueUrl, int count, int seconds) {
        List<Message> all = new ArrayList<>();
        long until = System.nanoTime() + seconds * 1_000_000_000L;
        while (all.size() < count && System.nanoTime() < until) {
            var got = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                    .messageAttributeNames("All")).messages();
            for (Message m : got) {
                all.add(m);
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            }
        }
        return all;
    }

    /** SNS's envelope of a message that reached a subscribed queue. */
    public static JsonNode envelope(Message message) {
        try {
            return TestJson.parse(message.body());
        } catch (Json.Malformed e) {
            throw new AssertionError("not an SNS envelope: " + e.getMessage());
        }
    }

    /** The Lambda SQS event for messages received from a queue, as Lambda's poller builds it. */
    public static String sqsEvent(List<Message> messages, String queueArn) {
        return SqsEventSource.event(messages, queueArn, REGION);
    }
}
