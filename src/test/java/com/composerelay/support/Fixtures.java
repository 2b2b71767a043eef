package com.composerelay.support;

import com.composerelay.config.Config;
import com.composerelay.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The files in {@code events/} and a configuration for tests. */
public final class Fixtures {
    public static final String HASH = "9f2c1e4b7a6d5c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b";
    public static final String API_KEY = "phak_test_4f8a1c9e2b7d6a5f3e1c0b9a8d7e6f5a";

    private Fixtures() {}

    public static String eventText(String name) {
        try {
            return Files.readString(Path.of("events", name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode event(String name) {
        try {
            return TestJson.parse(eventText(name));
        } catch (Json.Malformed e) {
            throw new IllegalStateException(name + " " + e.getMessage());
        }
    }

    /** A configuration with fast retries; {@code overrides} are environment entries. */
    public static Config config(String... overrides) {
        Map<String, String> env = new HashMap<>();
        env.put("PHALA_API_KEY_SECRET_ID", "compose-relay/phala-api-key");
        env.put("OUTCOME_TOPIC_ARN", "arn:aws:sns:us-east-1:000000000000:compose-relay-outcomes");
        env.put("MAX_RECEIVE_COUNT", "3");
        env.put("PHALA_MAX_ATTEMPTS", "4");
        env.put("PHALA_RETRY_BASE_DELAY_MS", "1000");
        for (int i = 0; i + 1 < overrides.length; i += 2) {
            env.put(overrides[i], overrides[i + 1]);
        }
        return Config.from(env);
    }
}
