package com.composerelay.aws;

import com.composerelay.core.RelayToken;
import com.composerelay.core.RelayTokens;
import com.composerelay.json.Json;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Reads the relay tokens from their Secrets Manager secret: a JSON array of
 * {@code {"name": "ci-prod", "sha256": "<hex SHA-256 of the token>", "cvms": ["cvm_…", "*"]}}.
 * An entry that breaks the shape makes the whole list unreadable, named by its index: a typo must
 * not silently widen or drop access.
 */
public record SecretsManagerRelayTokens(Supplier<SecretsManagerClient> client, String secretId, AwsCallDeadline deadline) implements RelayTokens.Source {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@:/-]{1,64}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    @Override
    public List<RelayToken> fetch() throws RelayTokens.Unavailable {
        String text;
        try {
            text = SecretRead.string(client, secretId, deadline);
        } catch (SecretRead.Failed e) {
            throw new RelayTokens.Unavailable(e.kind == SecretRead.Failed.Kind.UNREACHABLE
                    ? "Secrets Manager could not be reached for the relay tokens secret " + secretId + " (" + e.code + ")"
                    : "Secrets Manager refused to read the relay tokens secret " + secretId + " (" + e.code + ")");
        }
        return parse(text, secretId);
    }

    /** The list in {@code text}, or why it cannot be used. */
    public static List<RelayToken> parse(String text, String secretId) throws RelayTokens.Unavailable {
        JrsValue list;
        try {
            list = text == null ? null : Json.parse(text);
        } catch (Json.Malformed e) {
            list = null;
        }
        if (list == null || !list.isArray()) {
            throw new RelayTokens.Unavailable("the relay tokens secret " + secretId + " is not a JSON array of"
                    + " {name, sha256, cvms}");
        }
        List<RelayToken> tokens = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JrsValue entry = list.get(i);
            String where = "the relay tokens secret " + secretId + ", entry " + i + ": ";
            String name = Json.asText(entry.path("name"), null);
            if (!Json.isText(entry.path("name")) || !NAME.matcher(name).matches()) {
                throw new RelayTokens.Unavailable(where + "name must be 1 to 64 of A-Z a-z 0-9 . _ @ : / -");
            }
            String sha256 = Json.asText(entry.path("sha256"), null);
            if (!Json.isText(entry.path("sha256")) || !SHA256.matcher(sha256).matches()) {
                throw new RelayTokens.Unavailable(where + "sha256 must be 64 lowercase hex digits (the token's SHA-256)");
            }
            JrsValue cvms = entry.path("cvms");
            if (!cvms.isArray() || cvms.size() == 0) {
                throw new RelayTokens.Unavailable(where + "cvms must be a non-empty list of CVM ids, or [\"*\"]");
            }
            List<String> ids = new ArrayList<>();
            for (JrsValue cvm : Json.elements(cvms)) {
                if (!Json.isText(cvm) || Json.text(cvm).isBlank()) {
                    throw new RelayTokens.Unavailable(where + "cvms must hold CVM ids as strings");
                }
                ids.add(Json.text(cvm));
            }
            tokens.add(new RelayToken(name, sha256, ids));
        }
        return tokens;
    }
}
