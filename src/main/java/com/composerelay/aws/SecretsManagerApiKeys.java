package com.composerelay.aws;

import com.composerelay.core.ApiKeys.KeyUnavailable;
import com.composerelay.core.CachingApiKeys;
import com.composerelay.json.Json;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/**
 * Reads the Phala API key from Secrets Manager: the secret's string, or its {@code api_key} field
 * when the string is a JSON object. Errors name the secret and the cause, never the value.
 */
public final class SecretsManagerApiKeys implements CachingApiKeys.Source {
    static final String KEY_FIELD = "api_key";

    private final Supplier<SecretsManagerClient> client;
    private final String secretId;
    private final AwsCallDeadline deadline;

    public SecretsManagerApiKeys(Supplier<SecretsManagerClient> client, String secretId, AwsCallDeadline deadline) {
        this.client = client;
        this.secretId = secretId;
        this.deadline = deadline;
    }

    @Override
    public String fetch() throws KeyUnavailable {
        GetSecretValueResponse response;
        try {
            response = client.get().getSecretValue(b -> b.secretId(secretId).overrideConfiguration(deadline.bound()));
        } catch (ResourceNotFoundException e) {
            throw new KeyUnavailable("secret " + secretId + " was not found");
        } catch (SecretsManagerException e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            throw new KeyUnavailable("Secrets Manager refused to read " + secretId
                    + " (" + (code == null ? "HTTP " + e.statusCode() : code) + ")");
        } catch (SdkException e) {
            throw new KeyUnavailable("Secrets Manager could not be reached for " + secretId
                    + " (" + e.getClass().getSimpleName() + ")");
        }
        return keyFrom(response.secretString(), secretId);
    }

    static String keyFrom(String secretString, String secretId) throws KeyUnavailable {
        if (secretString == null || secretString.isBlank()) {
            throw new KeyUnavailable("secret " + secretId + " has no string value");
        }
        String text = secretString.strip();
        if (!text.startsWith("{")) {
            return text;
        }
        JrsValue json;
        try {
            json = Json.parse(text);
        } catch (Json.Malformed e) {
            throw new KeyUnavailable("secret " + secretId + " starts like a JSON object but is not valid JSON");
        }
        JrsValue key = json.get(KEY_FIELD);
        if (key == null || !Json.isText(key) || Json.text(key).isBlank()) {
            throw new KeyUnavailable("secret " + secretId + " is a JSON object without a non-empty string field " + KEY_FIELD);
        }
        return Json.text(key).strip();
    }
}
