package com.composerelay.aws;

import com.composerelay.core.RelayToken;
import com.composerelay.core.RelayTokens;
import com.composerelay.core.TokenScope;
import com.composerelay.json.Json;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Reads the relay tokens from their Secrets Manager secret: a JSON array of
 * {@code {"name": "ci-prod", "sha256": "<hex SHA-256 of the token>", "cvms": ["cvm_…", "*"]}}, each
 * optionally with {@code "expires_at": "<RFC 3339>"} and {@code "scopes": ["read", "deploy", "manage", "rollout"]}
 * (without it: read and deploy). An entry that breaks the shape makes the whole list unreadable, named by its index: a typo must
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

    private static final String SCOPES = Arrays.stream(TokenScope.values()).map(TokenScope::wire)
            .collect(Collectors.joining(", "));
    /** RFC 3339's date-time: seconds required, an offset required ({@code Z} or {@code ±hh:mm}). */
    private static final Pattern RFC3339 = Pattern.compile(
            "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})");

    /** The instant {@code text} names, or null when it is not an RFC 3339 date-time. */
    static Instant rfc3339(String text) {
        if (!RFC3339.matcher(text).matches()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text.toUpperCase(Locale.ROOT), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
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
            Instant expiresAt = null;
            JrsValue expires = entry.path("expires_at");
            if (!expires.isMissingNode()) {
                expiresAt = Json.isText(expires) ? rfc3339(Json.text(expires)) : null;
                if (expiresAt == null) {
                    throw new RelayTokens.Unavailable(where + "expires_at must be an RFC 3339 time with its offset,"
                            + " e.g. 2026-12-31T23:59:59Z");
                }
            }
            Set<TokenScope> scopes = TokenScope.DEFAULT;
            JrsValue listed = entry.path("scopes");
            if (!listed.isMissingNode()) {
                if (!listed.isArray() || listed.size() == 0) {
                    throw new RelayTokens.Unavailable(where + "scopes must be a non-empty list of " + SCOPES);
                }
                scopes = EnumSet.noneOf(TokenScope.class);
                for (int j = 0; j < listed.size(); j++) {
                    JrsValue scope = listed.get(j);
                    Optional<TokenScope> known = Json.isText(scope) ? TokenScope.of(Json.text(scope)) : Optional.empty();
                    if (known.isEmpty()) {
                        throw new RelayTokens.Unavailable(where + "scopes[" + j + "] is not one of " + SCOPES);
                    }
                    scopes.add(known.get());
                }
            }
            tokens.add(new RelayToken(name, sha256, ids, expiresAt, scopes));
        }
        return tokens;
    }
}
