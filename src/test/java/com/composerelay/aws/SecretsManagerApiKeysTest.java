package com.composerelay.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.composerelay.core.ApiKeys;
import org.junit.jupiter.api.Test;

class SecretsManagerApiKeysTest {
    @Test
    void takesAPlainStringAsTheKey() throws Exception {
        assertThat(SecretsManagerApiKeys.keyFrom("  phak_123\n", "s")).isEqualTo("phak_123");
    }

    @Test
    void takesTheApiKeyFieldOfAJsonObject() throws Exception {
        assertThat(SecretsManagerApiKeys.keyFrom("{\"api_key\":\"phak_456\",\"owner\":\"ops\"}", "s")).isEqualTo("phak_456");
    }

    @Test
    void rejectsAnEmptySecret() {
        assertThatThrownBy(() -> SecretsManagerApiKeys.keyFrom(" ", "s")).isInstanceOf(ApiKeys.KeyUnavailable.class)
                .hasMessage("secret s has no string value");
        assertThatThrownBy(() -> SecretsManagerApiKeys.keyFrom(null, "s")).isInstanceOf(ApiKeys.KeyUnavailable.class)
                .hasMessage("secret s has no string value");
    }

    @Test
    void rejectsJsonWithoutApiKeyWithoutEchoingTheSecret() {
        assertThatThrownBy(() -> SecretsManagerApiKeys.keyFrom("{\"token\":\"hush-hush\"}", "s"))
                .isInstanceOf(ApiKeys.KeyUnavailable.class)
                .hasMessage("secret s is a JSON object without a non-empty string field api_key");
        assertThatThrownBy(() -> SecretsManagerApiKeys.keyFrom("{\"api_key\": \"hush", "s"))
                .isInstanceOf(ApiKeys.KeyUnavailable.class)
                .hasMessage("secret s starts like a JSON object but is not valid JSON");
    }
}
