package com.composerelay.bench.plain;

import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Creates what a cold relay needs in the benchmark's own LocalStack (endpoint, region and
 * credentials from the standard AWS_* variables): the API key secret and the outcome topic.
 * Prints the topic ARN on standard output.
 *
 * <p>Usage: {@code java -cp plain.jar com.composerelay.bench.plain.Setup <secret name> <topic name>}.
 */
public final class Setup {
    private Setup() {}

    public static void main(String[] args) {
        String secretName = args[0];
        String topicName = args[1];
        String value = "{\"api_key\":\"phak_bench_not_a_real_key\"}";
        try (SecretsManagerClient secrets = SecretsManagerClient.builder().build();
             SnsClient sns = SnsClient.builder().build()) {
            try {
                secrets.createSecret(b -> b.name(secretName).secretString(value));
            } catch (ResourceExistsException e) {
                secrets.putSecretValue(b -> b.secretId(secretName).secretString(value));
            }
            System.out.println(sns.createTopic(b -> b.name(topicName)).topicArn());
        }
    }
}
