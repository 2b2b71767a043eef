package com.composerelay.config;

import static org.assertj.core.api.Assertions.assertThat;

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
}
