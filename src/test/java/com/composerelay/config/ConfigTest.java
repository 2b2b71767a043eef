package com.composerelay.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.composerelay.log.Log;
import com.composerelay.support.Fixtures;
import org.junit.jupiter.api.Test;

/** What the environment turns on. */
class ConfigTest {
    private static final String QUEUE = "https://sqs.us-east-1.amazonaws.com/000000000000/compose-relay-requests";

    @Test
    void theSlackRouteNeedsBothItsSigningSecretAndTheRequestQueue() {
        assertThat(Fixtures.config("SLACK_SIGNING_SECRET_ID", "compose-relay/slack", "REQUEST_QUEUE_URL", QUEUE)
                .slackRoute()).isTrue();
        assertThat(Fixtures.config("SLACK_SIGNING_SECRET_ID", "compose-relay/slack").slackRoute()).isFalse();
        assertThat(Fixtures.config("REQUEST_QUEUE_URL", QUEUE).slackRoute()).isFalse();
        assertThat(Fixtures.config().slackRoute()).isFalse();
    }

    @Test
    void theTemplatesPhalaApiVersionIsTheRelaysDefault() {
        // The template's parameter sets PHALA_API_VERSION on every deployment: it must not pin an older default.
        assertThat(com.composerelay.local.SamTemplate.read(java.nio.file.Path.of(".")).parameterDefault("PhalaApiVersion"))
                .isEqualTo(Config.DEFAULT_PHALA_API_VERSION).isEqualTo("2026-06-23");
    }

    @Test
    void theLogLevelFollowsLambdasVariableAndDefaultsToInfo() {
        assertThat(Fixtures.config().logLevel()).isEqualTo(Log.Level.INFO);
        assertThat(Fixtures.config("AWS_LAMBDA_LOG_LEVEL", "WARN").logLevel()).isEqualTo(Log.Level.WARN);
        assertThat(Fixtures.config("AWS_LAMBDA_LOG_LEVEL", "debug").logLevel()).isEqualTo(Log.Level.DEBUG);
        assertThat(Fixtures.config("AWS_LAMBDA_LOG_LEVEL", "FATAL").logLevel()).isEqualTo(Log.Level.FATAL);
    }

    @Test
    void rejectsAnUnknownLogLevelNamingTheVariable() {
        assertThatThrownBy(() -> Fixtures.config("AWS_LAMBDA_LOG_LEVEL", "VERBOSE"))
                .isInstanceOf(Config.Invalid.class)
                .hasMessage("configuration: AWS_LAMBDA_LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL, "
                        + "not 'VERBOSE'");
    }

    @Test
    void aWatchIsBoundedByADayAndChecksAtLeastEvery300Seconds() {
        assertThatThrownBy(() -> Fixtures.config("WATCH_TIMEOUT_SECONDS", "86401"))
                .isInstanceOf(Config.Invalid.class)
                .hasMessage("configuration: WATCH_TIMEOUT_SECONDS must be from 1 to 86400 (a watched update is given up"
                        + " after at most a day), not '86401'");
        assertThatThrownBy(() -> Fixtures.config("WATCH_INTERVAL_SECONDS", "301"))
                .hasMessage("configuration: WATCH_INTERVAL_SECONDS must be from 1 to 300 (a rollout checks at least"
                        + " every 300 s), not '301'");
        assertThatThrownBy(() -> Fixtures.config("ENV_SECRETS_PER_CVM", "yes"))
                .hasMessage("configuration: ENV_SECRETS_PER_CVM must be true or false, not 'yes'");
        assertThatThrownBy(() -> Fixtures.config("ENV_SECRET_PREFIX", "compose-relay/env"))
                .hasMessage("configuration: ENV_SECRET_PREFIX must be a secret name prefix ending with '/' (letters,"
                        + " digits and /_+=.@-), not 'compose-relay/env'");
        Config config = Fixtures.config("WATCH_TIMEOUT_SECONDS", "7200", "IDEMPOTENCY_TTL_SECONDS", "7200",
                "ENV_SECRETS_PER_CVM", "true", "RELAY_TOKENS_SECRET_ID", "relay/tokens");
        assertThat(config.updates().watchTimeout()).isEqualTo(java.time.Duration.ofSeconds(7200));
        assertThat(config.updates().envSecretsPerCvm()).isTrue();
        assertThat(config.ownSecretIds()).containsExactly("compose-relay/phala-api-key", "relay/tokens");
    }

    @Test
    void releaseChannelsAreOffUntilTheirParameterIsNamed() {
        assertThat(Fixtures.config().rollouts().releaseChannelsParameter()).isEmpty();
        assertThat(Fixtures.config("RELEASE_CHANNELS_PARAMETER", " ").rollouts().releaseChannelsParameter()).isEmpty();
        assertThat(Fixtures.config("RELEASE_CHANNELS_PARAMETER", "/compose-relay/release-channels").rollouts()
                .releaseChannelsParameter()).contains("/compose-relay/release-channels");
        assertThat(Fixtures.config("RELEASE_CHANNELS_PARAMETER", "release-channels").rollouts()
                .releaseChannelsParameter()).contains("release-channels");
        String arn = "arn:aws:ssm:us-east-1:123456789012:parameter/compose-relay/release-channels";
        assertThat(Fixtures.config("RELEASE_CHANNELS_PARAMETER", arn).rollouts().releaseChannelsParameter()).contains(arn);
        assertThatThrownBy(() -> Fixtures.config("RELEASE_CHANNELS_PARAMETER", "compose relay/channels"))
                .isInstanceOf(Config.Invalid.class)
                .hasMessage("configuration: RELEASE_CHANNELS_PARAMETER must be an SSM parameter name (A-Z a-z 0-9 _ . - /,"
                        + " a path starting with /) or its ARN, not 'compose relay/channels'");
    }

    @Test
    void refusesAnIdempotencyWindowShorterThanTheSignedRequestsWindow() {
        // A Phala event signed 4 minutes ago could be replayed once a 60 s record had expired; one dated
        // 300 s ahead stays fresh for 600 s after its first use.
        assertThatThrownBy(() -> Fixtures.config("IDEMPOTENCY_TTL_SECONDS", "599"))
                .isInstanceOf(Config.Invalid.class)
                .hasMessage("configuration: IDEMPOTENCY_TTL_SECONDS must be at least 600 (a signed request stays fresh "
                        + "for 600 s: its timestamp may be 300 s ahead or behind), not '599'");
        assertThat(Fixtures.config("IDEMPOTENCY_TTL_SECONDS", "600").idempotencyTtl()).isEqualTo(java.time.Duration.ofSeconds(600));
    }

    @Test
    void theMetricsNamespaceDefaultsToComposeRelay() {
        assertThat(Fixtures.config().metricsNamespace()).isEqualTo("ComposeRelay");
        assertThat(Fixtures.config("METRICS_NAMESPACE", "Relay/Staging").metricsNamespace()).isEqualTo("Relay/Staging");
    }

    @Test
    void rejectsANamespaceReservedForAwsNamingTheVariable() {
        assertThatThrownBy(() -> Fixtures.config("METRICS_NAMESPACE", "AWS/Lambda"))
                .isInstanceOf(Config.Invalid.class)
                .hasMessageStartingWith("configuration: METRICS_NAMESPACE must be a CloudWatch namespace");
        assertThatThrownBy(() -> Fixtures.config("METRICS_NAMESPACE", "relay{prod}"))
                .isInstanceOf(Config.Invalid.class)
                .hasMessageEndingWith("not 'relay{prod}'");
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}={1}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "MAX_RECEIVE_COUNT|0|MAX_RECEIVE_COUNT must be a positive whole number, not '0'",
            "PHALA_MAX_ATTEMPTS|four|PHALA_MAX_ATTEMPTS must be a positive whole number, not 'four'",
            "PHALA_RETRY_BASE_DELAY_MS|-1|PHALA_RETRY_BASE_DELAY_MS must be a positive whole number, not '-1'",
            "PHALA_RETRY_MAX_DELAY_MS|1.5|PHALA_RETRY_MAX_DELAY_MS must be a positive whole number, not '1.5'",
            "PHALA_TIMEOUT_MS|99999999999|PHALA_TIMEOUT_MS must be a positive whole number, not '99999999999'",
            "PHALA_CONNECT_TIMEOUT_MS|3s|PHALA_CONNECT_TIMEOUT_MS must be a positive whole number, not '3s'",
            "DEADLINE_RESERVE_MS|0|DEADLINE_RESERVE_MS must be a positive whole number, not '0'",
            "API_KEY_CACHE_TTL_SECONDS|x|API_KEY_CACHE_TTL_SECONDS must be a positive whole number, not 'x'",
            "IDEMPOTENCY_TTL_SECONDS|-5|IDEMPOTENCY_TTL_SECONDS must be a positive whole number, not '-5'",
            "PHALA_API_BASE_URL|ftp://cloud-api.phala.com|PHALA_API_BASE_URL must be an http(s) URL, not 'ftp://cloud-api.phala.com'",
            "PHALA_API_BASE_URL|cloud-api.phala.com|PHALA_API_BASE_URL must be an http(s) URL, not 'cloud-api.phala.com'",
            "AWS_ENDPOINT_URL|http://|AWS_ENDPOINT_URL must be an http(s) URL, not 'http://'",
            "AWS_ENDPOINT_URL|localhost:4566|AWS_ENDPOINT_URL must be an http(s) URL, not 'localhost:4566'"})
    void namesEachMalformedVariableAndItsValue(String name, String value, String message) {
        assertThatThrownBy(() -> Fixtures.config(name, value))
                .isInstanceOf(Config.Invalid.class)
                .hasMessage("configuration: " + message);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"PHALA_API_KEY_SECRET_ID", "OUTCOME_TOPIC_ARN"})
    void namesEachMissingRequiredVariable(String name) {
        java.util.Map<String, String> env = new java.util.HashMap<>(java.util.Map.of(
                "PHALA_API_KEY_SECRET_ID", "compose-relay/phala-api-key",
                "OUTCOME_TOPIC_ARN", "arn:aws:sns:us-east-1:000000000000:outcomes"));
        env.put(name, "  ");
        assertThatThrownBy(() -> Config.from(env)).isInstanceOf(Config.Invalid.class)
                .hasMessage("configuration: " + name + " is required");
    }

    @Test
    void namesAMalformedSlackAllowlistWhenTheRelayIsAssembled() {
        assertThatThrownBy(() -> com.composerelay.support.Harness.chatOps("T0001/C0001"))
                .isInstanceOf(Config.Invalid.class)
                .hasMessageStartingWith("configuration: SLACK_ALLOWLIST: ");
    }
}
