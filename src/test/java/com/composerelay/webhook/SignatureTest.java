package com.composerelay.webhook;

import com.composerelay.core.Verdict;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The three signing schemes against their published examples, replays, and tampering. */
class SignatureTest {
    // Slack's published example ("Verifying requests from Slack"), also in Slack's own SDK tests.
    private static final String SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    private static final String SLACK_TIMESTAMP = "1531420618";
    private static final byte[] SLACK_BODY = ("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow"
            + "&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect"
            + "&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
            + "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c").getBytes(StandardCharsets.UTF_8);
    private static final String SLACK_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
    private static final Instant SLACK_NOW = Instant.ofEpochSecond(1531420618 + 60);

    // GitHub's published example ("Validating webhook deliveries").
    private static final String HUB_SECRET = "It's a Secret to Everybody";
    private static final byte[] HUB_BODY = "Hello, World!".getBytes(StandardCharsets.UTF_8);
    private static final String HUB_SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    @Test
    void acceptsSlacksPublishedExample() {
        assertThat(SlackSignature.sign(SLACK_SECRET, SLACK_TIMESTAMP, SLACK_BODY)).isEqualTo(SLACK_SIGNATURE);
        assertThat(SlackSignature.verify(SLACK_TIMESTAMP, SLACK_SIGNATURE, SLACK_BODY, List.of(SLACK_SECRET), SLACK_NOW))
                .isEqualTo(Verdict.VALID);
    }

    @Test
    void acceptsTheCurrentOrThePreviousSlackSecretDuringRotation() {
        assertThat(SlackSignature.verify(SLACK_TIMESTAMP, SLACK_SIGNATURE, SLACK_BODY,
                List.of("new-secret-0000", SLACK_SECRET), SLACK_NOW)).isEqualTo(Verdict.VALID);
        assertThat(SlackSignature.verify(SLACK_TIMESTAMP, SLACK_SIGNATURE, SLACK_BODY, List.of("new-secret-0000"), SLACK_NOW))
                .isEqualTo(Verdict.BAD_SIGNATURE);
    }

    @Test
    void refusesATamperedSlackBody() {
        byte[] tampered = new String(SLACK_BODY, StandardCharsets.UTF_8).replace("text=", "text=update")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(SlackSignature.verify(SLACK_TIMESTAMP, SLACK_SIGNATURE, tampered, List.of(SLACK_SECRET), SLACK_NOW))
                .isEqualTo(Verdict.BAD_SIGNATURE);
    }

    @Test
    void refusesASlackReplayOutsideFiveMinutes() {
        Instant now = Instant.ofEpochSecond(1531420618);
        assertThat(SlackSignature.verify(SLACK_TIMESTAMP, SLACK_SIGNATURE, SLACK_BODY, List.of(SLACK_SECRET), now.plusSeconds(300)))
                .isEqualTo(Verdict.VALID);
        assertThat(SlackSignature.verify(SLACK_TIMESTAMP, SLACK_SIGNATURE, SLACK_BODY, List.of(SLACK_SECRET), now.plusSeconds(301)))
                .isEqualTo(Verdict.STALE_TIMESTAMP);
        assertThat(SlackSignature.verify(SLACK_TIMESTAMP, SLACK_SIGNATURE, SLACK_BODY, List.of(SLACK_SECRET), now.minusSeconds(301)))
                .isEqualTo(Verdict.STALE_TIMESTAMP);
    }

    @Test
    void refusesSlackRequestsWithoutItsHeaders() {
        assertThat(SlackSignature.verify(null, SLACK_SIGNATURE, SLACK_BODY, List.of(SLACK_SECRET), SLACK_NOW))
                .isEqualTo(Verdict.MISSING_HEADERS);
        assertThat(SlackSignature.verify(SLACK_TIMESTAMP, null, SLACK_BODY, List.of(SLACK_SECRET), SLACK_NOW))
                .isEqualTo(Verdict.MISSING_HEADERS);
        assertThat(SlackSignature.verify(SLACK_TIMESTAMP, SLACK_SIGNATURE.substring(3), SLACK_BODY, List.of(SLACK_SECRET),
                SLACK_NOW)).isEqualTo(Verdict.MISSING_HEADERS);
        assertThat(SlackSignature.verify("15314x0618", SLACK_SIGNATURE, SLACK_BODY, List.of(SLACK_SECRET), SLACK_NOW))
                .isEqualTo(Verdict.STALE_TIMESTAMP);
    }

    @Test
    void acceptsGitHubsPublishedExample() {
        assertThat(HubSignature.sign(HUB_SECRET, HUB_BODY)).isEqualTo(HUB_SIGNATURE);
        assertThat(HubSignature.verify(HUB_SIGNATURE, HUB_BODY, List.of(HUB_SECRET))).isEqualTo(Verdict.VALID);
    }

    @Test
    void refusesATamperedOrUnsignedHubBody() {
        assertThat(HubSignature.verify(HUB_SIGNATURE, "Hello, World?".getBytes(StandardCharsets.UTF_8), List.of(HUB_SECRET)))
                .isEqualTo(Verdict.BAD_SIGNATURE);
        assertThat(HubSignature.verify(null, HUB_BODY, List.of(HUB_SECRET))).isEqualTo(Verdict.MISSING_HEADERS);
        assertThat(HubSignature.verify("sha1=0123", HUB_BODY, List.of(HUB_SECRET))).isEqualTo(Verdict.MISSING_HEADERS);
        assertThat(HubSignature.verify(HUB_SIGNATURE.toUpperCase(), HUB_BODY, List.of(HUB_SECRET)))
                .isEqualTo(Verdict.MISSING_HEADERS);
    }

    @Test
    void signsPhalaWebhooksOverTimestampDotBody() {
        // Computed independently: printf '1795632000.{"id":"evt_1"}' | openssl dgst -sha256 -hmac whsec_test_secret
        byte[] body = "{\"id\":\"evt_1\"}".getBytes(StandardCharsets.UTF_8);
        String signature = PhalaWebhookSignature.sign("whsec_test_secret", "1795632000", body);
        assertThat(signature).isEqualTo("sha256=8e450fdacf633bcaa087cc045e4f3b849cf5c30e5179944f09ceca3afaead6d7");
        Instant now = Instant.ofEpochSecond(1795632000L + 100);
        assertThat(PhalaWebhookSignature.verify("1795632000", signature, body, List.of("whsec_test_secret"), now))
                .isEqualTo(Verdict.VALID);
        assertThat(PhalaWebhookSignature.verify("1795632000", signature, body, List.of("whsec_test_secret"),
                now.plusSeconds(201))).isEqualTo(Verdict.STALE_TIMESTAMP);
        assertThat(PhalaWebhookSignature.verify("1795632000", signature, "{\"id\":\"evt_2\"}".getBytes(StandardCharsets.UTF_8),
                List.of("whsec_test_secret"), now)).isEqualTo(Verdict.BAD_SIGNATURE);
    }
}
