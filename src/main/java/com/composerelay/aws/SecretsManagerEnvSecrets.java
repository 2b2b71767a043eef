package com.composerelay.aws;

import com.composerelay.core.EnvSecrets;
import com.composerelay.json.Json;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Reads env values from Secrets Manager: a secret's string, or one field of its JSON object. What
 * cannot change by retrying (missing, no string, no such field, access refused) is {@link Missing};
 * the rest {@link Unavailable}. Messages name the secret and the field, never a value.
 */
public record SecretsManagerEnvSecrets(Supplier<SecretsManagerClient> client, AwsCallDeadline deadline) implements EnvSecrets {
    /** Secrets Manager's answers that a retry will not change. */
    private static final Set<String> FINAL = Set.of("AccessDeniedException", "DecryptionFailure",
            "InvalidRequestException", "InvalidParameterException", "ValidationException");

    @Override
    public String read(String secretId, String jsonKey) throws Missing, Unavailable {
        String text;
        try {
            text = SecretRead.string(client, secretId, deadline);
        } catch (SecretRead.Failed e) {
            if (e.kind == SecretRead.Failed.Kind.NOT_FOUND) {
                throw new Missing("secret " + secretId + " was not found");
            }
            if (e.kind == SecretRead.Failed.Kind.REFUSED && FINAL.contains(e.code)) {
                throw new Missing("Secrets Manager refused to read secret " + secretId + " (" + e.code + ")");
            }
            throw new Unavailable(e.kind == SecretRead.Failed.Kind.REFUSED
                    ? "Secrets Manager could not read secret " + secretId + " now (" + e.code + ")"
                    : "Secrets Manager could not be reached for secret " + secretId + " (" + e.code + ")");
        }
        return valueOf(text, secretId, jsonKey);
    }

    /** The value of a secret's string: itself, or its JSON object's field {@code jsonKey}. */
    public static String valueOf(String secretString, String secretId, String jsonKey) throws Missing {
        if (secretString == null) {
            throw new Missing("secret " + secretId + " holds no string (a binary secret cannot be an env value)");
        }
        if (jsonKey == null) {
            return secretString;
        }
        JrsValue json;
        try {
            json = Json.parse(secretString);
        } catch (Json.Malformed e) {
            throw new Missing("secret " + secretId + " is not a JSON object, so it has no field '" + jsonKey + "'");
        }
        if (!json.isObject()) {
            throw new Missing("secret " + secretId + " is not a JSON object, so it has no field '" + jsonKey + "'");
        }
        JrsValue field = json.get(jsonKey);
        if (field == null || field.isNull()) {
            throw new Missing("secret " + secretId + " has no field '" + jsonKey + "'");
        }
        if (field.isContainerNode()) {
            throw new Missing("secret " + secretId + "'s field '" + jsonKey + "' is not a string, number or boolean");
        }
        return Json.asText(field);
    }
}
