package com.composerelay.bench.plain;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Creates what a cold relay needs in the benchmark's own LocalStack (endpoint, region and
 * credentials from the standard AWS_* variables): the API key secret, the outcome topic and, when
 * a table name is given, the idempotency table as template.yaml declares it. Prints the topic ARN.
 *
 * <p>Usage: {@code java -cp plain.jar com.composerelay.bench.plain.Setup <secret name> <topic name> [table name]}.
 */
public final class Setup {
    private Setup() {}

    public static void main(String[] args) {
        String secretName = args[0];
        String topicName = args[1];
        String value = "{\"api_key\":\"phak_bench_not_a_real_key\"}";
        try (SecretsManagerClient secrets = SecretsManagerClient.builder().build();
             SnsClient sns = SnsClient.builder().build()) {
            putSecret(secrets, secretName, value);
            if (args.length > 2 && !args[2].isBlank()) {
                idempotencyTable(args[2]);
            }
            System.out.println(sns.createTopic(b -> b.name(topicName)).topicArn());
        }
    }

    /** Creates the secret, or gives the existing one this value. */
    static void putSecret(SecretsManagerClient secrets, String name, String value) {
        try {
            secrets.createSecret(b -> b.name(name).secretString(value));
        } catch (ResourceExistsException e) {
            secrets.putSecretValue(b -> b.secretId(name).secretString(value));
        }
    }

    private static void idempotencyTable(String name) {
        try (DynamoDbClient dynamo = DynamoDbClient.builder().build()) {
            try {
                dynamo.createTable(b -> b.tableName(name)
                        .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
                        .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
                        .billingMode(BillingMode.PAY_PER_REQUEST));
            } catch (ResourceInUseException exists) {
                return;
            }
            dynamo.waiter().waitUntilTableExists(b -> b.tableName(name));
        }
    }
}
