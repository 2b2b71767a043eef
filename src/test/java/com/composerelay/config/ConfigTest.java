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
}
