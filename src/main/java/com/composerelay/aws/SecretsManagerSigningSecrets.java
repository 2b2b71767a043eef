package com.composerelay.aws;

import com.composerelay.core.SigningSecrets;
import com.composerelay.json.Json;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Signing secrets from Secrets Manager: the secret's string, or {@code {"current": …, "previous": …}}
 * during a rotation. Cached like the API key; read anew at most once a minute on a mismatch.
 */
public final class SecretsManagerSigningSecrets implements SigningSecrets {
    private static final Duration MIN_REFRESH = Duration.ofMinutes(1);

    private record Cached(List<String> values, Instant fetchedAt) {}

    private final Supplier<SecretsManagerClient> client;
    private final Duration ttl;
    private final Clock clock;
    private final AwsCallDeadline deadline;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public SecretsManagerSigningSecrets(Supplier<SecretsManagerClient> client, Duration ttl, Clock clock,
                                        AwsCallDeadline deadline) {
        this.client = client;
        this.ttl = ttl;
        this.clock = clock;
        this.deadline = deadline;
    }

    @Override
    public List<String> current(String secretId) throws Unavailable {
        Cached cached = cache.get(secretId);
        if (cached == null || !clock.instant().isBefore(cached.fetchedAt().plus(ttl))) {
            cached = fetch(secretId);
        }
        return cached.values();
    }

    /** Reads a secret ahead of the first request that needs it; a failure is left for that request. */
    public void prefetch(String secretId) {
        try {
            current(secretId);
        } catch (Unavailable e) {
            // The request that needs it reads it again and answers with the reason.
        }
    }

    @Override
    public List<String> refreshed(String secretId) throws Unavailable {
        Cached cached = cache.get(secretId);
        if (cached != null && clock.instant().isBefore(cached.fetchedAt().plus(MIN_REFRESH))) {
            return cached.values();
        }
        return fetch(secretId).values();
    }

    private Cached fetch(String secretId) throws Unavailable {
        String text;
        try {
            text = SecretRead.string(client, secretId, deadline);
        } catch (SecretRead.Failed e) {
            throw new Unavailable(e.kind == SecretRead.Failed.Kind.NOT_FOUND ? "signing secret " + secretId + " was not found"
                    : "signing secret " + secretId + " could not be read (" + e.exception + ")");
        }
        Cached cached = new Cached(values(text, secretId), clock.instant());
        cache.put(secretId, cached);
        return cached;
    }

    static List<String> values(String text, String secretId) throws Unavailable {
        if (text == null || text.isBlank()) {
            throw new Unavailable("signing secret " + secretId + " is empty");
        }
        String trimmed = text.strip();
        if (!trimmed.startsWith("{")) {
            return List.of(trimmed);
        }
        try {
            JrsValue json = Json.parse(trimmed);
            List<String> values = new ArrayList<>();
            for (String field : List.of("current", "previous")) {
                JrsValue value = json.get(field);
                if (value != null && Json.isText(value) && !Json.text(value).isBlank()) {
                    values.add(Json.text(value).strip());
                }
            }
            if (values.isEmpty()) {
                throw new Unavailable("signing secret " + secretId + " is a JSON object without \"current\"");
            }
            return List.copyOf(values);
        } catch (Json.Malformed e) {
            throw new Unavailable("signing secret " + secretId + " starts like a JSON object but is not valid JSON");
        }
    }
}
