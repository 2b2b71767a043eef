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
                .chatOps().slackRoute()).isTrue();
        assertThat(Fixtures.config("SLACK_SIGNING_SECRET_ID", "compose-relay/slack").chatOps().slackRoute()).isFalse();
        assertThat(Fixtures.config("REQUEST_QUEUE_URL", QUEUE).chatOps().slackRoute()).isFalse();
        assertThat(Fixtures.config().chatOps().slackRoute()).isFalse();
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
    void refusesAnIdempotencyWindowShorterThanTheSignedRequestsWindow() {
        // A Phala event signed 4 minutes ago could be replayed once a 60 s record had expired.
        assertThatThrownBy(() -> Fixtures.config("IDEMPOTENCY_TTL_SECONDS", "60"))
                .isInstanceOf(Config.Invalid.class)
                .hasMessage("configuration: IDEMPOTENCY_TTL_SECONDS must be at least 300 (the signed routes' window of "
                        + "300 s), not '60'");
        assertThat(Fixtures.config("IDEMPOTENCY_TTL_SECONDS", "300").idempotencyTtl()).isEqualTo(java.time.Duration.ofSeconds(300));
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
}
