package com.composerelay.aws;

import com.composerelay.core.ApiKeys.KeyUnavailable;
import com.composerelay.core.CachingApiKeys;
import com.composerelay.json.Json;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.util.function.Supplier;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Reads the Phala API key from Secrets Manager: the secret's string, or its {@code api_key} field
 * when the string is a JSON object. Errors name the secret and the cause, never the value.
 */
public record SecretsManagerApiKeys(Supplier<SecretsManagerClient> client, String secretId, AwsCallDeadline deadline) implements CachingApiKeys.Source {
    static final String KEY_FIELD = "api_key";

    @Override
    public String fetch() throws KeyUnavailable {
        String text;
        try {
            text = SecretRead.string(client, secretId, deadline);
        } catch (SecretRead.Failed e) {
            throw new KeyUnavailable(switch (e.kind) {
                case NOT_FOUND -> "secret " + secretId + " was not found";
                case REFUSED -> "Secrets Manager refused to read " + secretId + " (" + e.code + ")";
                case UNREACHABLE -> "Secrets Manager could not be reached for " + secretId + " (" + e.code + ")";
            });
        }
        return keyFrom(text, secretId);
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
