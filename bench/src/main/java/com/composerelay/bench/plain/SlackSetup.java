package com.composerelay.bench.plain;

import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Creates what the Slack route needs in the benchmark's own LocalStack: the signing secret and the
 * request queue the slash command hands its update to. Prints the queue URL.
 *
 * <p>Usage: {@code java -cp plain.jar com.composerelay.bench.plain.SlackSetup <secret name> <secret value> <queue name>}.
 */
public final class SlackSetup {
    private SlackSetup() {}

    public static void main(String[] args) {
        String secretName = args[0];
        String value = args[1];
        try (SecretsManagerClient secrets = SecretsManagerClient.builder().build();
             SqsClient sqs = SqsClient.builder().build()) {
            Setup.putSecret(secrets, secretName, value);
            System.out.println(sqs.createQueue(b -> b.queueName(args[2])).queueUrl());
        }
    }
}
