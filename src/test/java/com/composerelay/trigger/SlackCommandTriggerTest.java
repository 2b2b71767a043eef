package com.composerelay.trigger;

import com.composerelay.support.Harness;
import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.core.CallerValue;
import com.composerelay.json.Json;
import com.composerelay.support.Events;
import com.composerelay.support.Fixtures;
import com.composerelay.support.TestJson;
import com.composerelay.webhook.SlackSignature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlackCommandTriggerTest {
    private final Harness harness = Harness.chatOps();

    private String command(String text, String channel, String user, String secret, long timestamp, boolean base64,
                           String signatureHeader) {
        String body = "token=x&team_id=T0001&team_domain=acme&channel_id=" + channel + "&channel_name=deploys&user_id=" + user
                + "&user_name=ada&command=%2Fcompose&text=" + URLEncoder.encode(text, StandardCharsets.UTF_8)
                + "&api_app_id=A1&response_url=" + URLEncoder.encode("https://hooks.slack.com/commands/T0001/1/abc",
                StandardCharsets.UTF_8) + "&trigger_id=1.2.3";
        String ts = String.valueOf(timestamp);
        return Harness.post("/slack/command", Map.of(
                "content-type", "application/x-www-form-urlencoded",
                "x-slack-request-timestamp", ts,
                signatureHeader, SlackSignature.sign(secret, ts, body.getBytes(StandardCharsets.UTF_8))), body, base64);
    }

    private String command(String text) {
        return command(text, "C0001", "U0001", Harness.SLACK_SECRET, harness.now(), true, "x-slack-signature");
    }

    private static String text(JsonNode response) {
        try {
            JsonNode body = TestJson.parse(response.get("body").textValue());
            assertThat(body.get("response_type").textValue()).isEqualTo("ephemeral");
            return body.get("text").textValue();
        } catch (Json.Malformed e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void queuesAnAllowedUpdateAndAnswersAtOnce() {
        JsonNode response = harness.invoke(command("update cvm_web01 " + Fixtures.HASH + " update-env"));
        assertThat(response.get("statusCode").intValue()).isEqualTo(200);
        assertThat(text(response)).isEqualTo(":hourglass_flowing_sand: Updating `cvm_web01` to compose `"
                + Fixtures.HASH + "` with its env vars. I will post the outcome in this channel.");
        assertThat(harness.queued).singleElement().satisfies(q -> {
            assertThat(q.update().cvmId()).isEqualTo("cvm_web01");
            assertThat(q.update().composeHash()).isEqualTo(Fixtures.HASH);
            assertThat(q.update().updateEnvVars()).isEqualTo(CallerValue.given(true));
            assertThat(q.attributes()).containsEntry("origin", "slack")
                    .containsEntry("reply_url", "https://hooks.slack.com/commands/T0001/1/abc")
                    .containsEntry("slack_user", "U0001");
            assertThat(q.attributes().get("correlation_id")).startsWith("slack-");
        });
        assertThat(harness.phala.calls()).as("the PATCH runs from the queue, after the answer").isEmpty();
    }

    private static final String RELEASES = "T0001/C0001/*=cvm_*,channel:shop-prod";

    @Test
    void queuesADeployOfAnAllowedReleaseChannelAndAnswersAtOnce() {
        Harness chat = Harness.chatOps(RELEASES);
        String event = command("deploy shop-prod v1.4.0", "C0001", "U0001", Harness.SLACK_SECRET, chat.now(), true,
                "x-slack-signature");
        assertThat(text(chat.invoke(event))).isEqualTo(":hourglass_flowing_sand: Deploying `v1.4.0` to release channel"
                + " `shop-prod`. I will post the rollout in this channel.");
        assertThat(chat.releasesQueued).singleElement().satisfies(q -> {
            assertThat(q.channel()).isEqualTo("shop-prod");
            assertThat(q.tag()).isEqualTo("v1.4.0");
            assertThat(q.attributes()).containsEntry("origin", "slack").containsEntry("slack_user", "U0001")
                    .containsEntry("reply_url", "https://hooks.slack.com/commands/T0001/1/abc")
                    .containsEntry("idempotency_key", keyOf(event));
        });
        assertThat(chat.queued).isEmpty();
        assertThat(text(chat.invoke(event))).as("a replay is answered, not queued again")
                .isEqualTo(":information_source: This command was already received, so it is not queued again.");
        assertThat(chat.releasesQueued).hasSize(1);
    }

    @Test
    void queuesARollbackOfAnAllowedReleaseChannel() {
        Harness chat = Harness.chatOps(RELEASES);
        assertThat(text(chat.invoke(command("rollback shop-prod", "C0001", "U0001", Harness.SLACK_SECRET, chat.now(),
                true, "x-slack-signature")))).isEqualTo(":hourglass_flowing_sand: Rolling back release channel"
                + " `shop-prod`. I will post the rollout in this channel.");
        assertThat(chat.releasesQueued).singleElement().satisfies(q -> {
            assertThat(q.channel()).isEqualTo("shop-prod");
            assertThat(q.tag()).isNull();
        });
    }

    @Test
    void refusesAReleaseChannelTheAllowlistDoesNotGrant() {
        Harness chat = Harness.chatOps(RELEASES);
        assertThat(text(chat.invoke(command("deploy shop-canary v1", "C0001", "U0001", Harness.SLACK_SECRET, chat.now(),
                true, "x-slack-signature")))).isEqualTo("Sorry, you may not deploy release channel `shop-canary` from"
                + " this channel. Ask the relay's admins to add you to its allowlist.");
        assertThat(text(chat.invoke(command("rollback shop-prod", "C0OTHER", "U0001", Harness.SLACK_SECRET, chat.now(),
                true, "x-slack-signature")))).isEqualTo("Sorry, you may not rollback release channel `shop-prod` from"
                + " this channel. Ask the relay's admins to add you to its allowlist.");
        assertThat(text(harness.invoke(command("deploy shop-prod v1")))).as("cvm_* grants no channel")
                .startsWith("Sorry, you may not deploy release channel `shop-prod`");
        assertThat(chat.releasesQueued).isEmpty();
        assertThat(harness.releasesQueued).isEmpty();
    }

    @Test
    void namesTheFieldOfAnInvalidRelease() {
        Harness chat = Harness.chatOps(RELEASES);
        assertThat(text(chat.invoke(command("deploy shop/prod v1", "C0001", "U0001", Harness.SLACK_SECRET, chat.now(),
                true, "x-slack-signature")))).isEqualTo(":x: channel: must be a release channel's name (1 to 64 of"
                + " A-Z a-z 0-9 _ -). " + SlackCommandTrigger.USAGE);
        assertThat(text(chat.invoke(command("deploy shop-prod .v1", "C0001", "U0001", Harness.SLACK_SECRET, chat.now(),
                true, "x-slack-signature")))).isEqualTo(":x: tag: must be an image tag (1 to 128 of A-Z a-z 0-9 _ . -). "
                + SlackCommandTrigger.USAGE);
        assertThat(text(chat.invoke(command("rollback shop-prod now", "C0001", "U0001", Harness.SLACK_SECRET,
                chat.now(), true, "x-slack-signature")))).isEqualTo("I did not understand `rollback shop-prod now`. "
                + SlackCommandTrigger.USAGE);
        assertThat(chat.releasesQueued).isEmpty();
    }

    @Test
    void saysSoWhenTheReleaseCannotBeQueued() {
        Harness chat = Harness.chatOps(RELEASES);
        chat.queueDown = true;
        String event = command("deploy shop-prod v1.4.0", "C0001", "U0001", Harness.SLACK_SECRET, chat.now(), true,
                "x-slack-signature");
        assertThat(text(chat.invoke(event))).isEqualTo(":warning: The deploy could not be queued, nothing was sent."
                + " Please try again.");
        chat.queueDown = false;
        assertThat(text(chat.invoke(event))).as("the key was given up: a retry queues it")
                .startsWith(":hourglass_flowing_sand: Deploying");
        assertThat(chat.releasesQueued).hasSize(1);
    }

    @Test
    void answersHelp() {
        assertThat(text(harness.invoke(command("help")))).startsWith("Compose Relay rolls out").contains(SlackCommandTrigger.USAGE);
        assertThat(text(harness.invoke(command("")))).contains(SlackCommandTrigger.USAGE);
        assertThat(harness.queued).isEmpty();
    }

    @Test
    void explainsACommandItDoesNotKnow() {
        assertThat(text(harness.invoke(command("deploy cvm_web01")))).isEqualTo(
                "I did not understand `deploy cvm_web01`. " + SlackCommandTrigger.USAGE);
        assertThat(text(harness.invoke(command("update cvm_web01 abcd force")))).startsWith("I did not understand");
    }

    @Test
    void namesTheFieldOfAnInvalidUpdate() {
        assertThat(text(harness.invoke(command("update cvm_web01 not-hex")))).isEqualTo(
                ":x: compose_hash: must be hex characters, optionally prefixed with 0x. " + SlackCommandTrigger.USAGE);
        assertThat(text(harness.invoke(command("update ../etc " + Fixtures.HASH)))).startsWith(":x: cvm_id: ");
        assertThat(harness.queued).isEmpty();
    }

    @Test
    void refusesPolitelyWhoIsNotOnTheAllowlist() {
        String other = command("update cvm_web01 " + Fixtures.HASH, "C0OTHER", "U0001", Harness.SLACK_SECRET,
                harness.now(), true, "x-slack-signature");
        assertThat(text(harness.invoke(other))).isEqualTo("Sorry, you may not update `cvm_web01` from this channel. "
                + "Ask the relay's admins to add you to its allowlist.");
        String notACvmOfThisChannel = command("update db_main " + Fixtures.HASH);
        assertThat(text(harness.invoke(notACvmOfThisChannel))).startsWith("Sorry, you may not update `db_main`");
        String boss = command("update db_main " + Fixtures.HASH, "C0OTHER", "U0BOSS", Harness.SLACK_SECRET,
                harness.now(), true, "x-slack-signature");
        assertThat(text(harness.invoke(boss))).startsWith(":hourglass_flowing_sand:");
        assertThat(harness.queued).hasSize(1);
    }

    @Test
    void refusesEveryoneWhenTheAllowlistIsEmpty() {
        Harness closed = Harness.chatOps("");
        String event = command("update cvm_web01 " + Fixtures.HASH, "C0001", "U0001", Harness.SLACK_SECRET,
                closed.now(), true, "x-slack-signature");
        assertThat(text(closed.invoke(event))).startsWith("Sorry, you may not update");
        assertThat(closed.queued).isEmpty();
    }

    @Test
    void refusesAWrongSignatureWith401AndNoDetail() {
        JsonNode response = harness.invoke(command("update cvm_web01 " + Fixtures.HASH, "C0001", "U0001", "wrong-secret",
                harness.now(), true, "x-slack-signature"));
        assertThat(response.get("statusCode").intValue()).isEqualTo(401);
        assertThat(response.get("body").textValue()).isEqualTo("{\"error\":\"unauthorized\"}");
        assertThat(harness.queued).isEmpty();
    }

    @Test
    void refusesAReplayOlderThanFiveMinutes() {
        JsonNode response = harness.invoke(command("update cvm_web01 " + Fixtures.HASH, "C0001", "U0001",
                Harness.SLACK_SECRET, harness.now() - 301, true, "x-slack-signature"));
        assertThat(response.get("statusCode").intValue()).isEqualTo(401);
        assertThat(harness.queued).isEmpty();
    }

    @Test
    void acceptsThePreviousSecretDuringRotation() {
        JsonNode response = harness.invoke(command("update cvm_web01 " + Fixtures.HASH, "C0001", "U0001",
                "slack-previous-secret", harness.now(), true, "x-slack-signature"));
        assertThat(text(response)).startsWith(":hourglass_flowing_sand:");
    }

    @Test
    void readsHeadersInAnyCaseAndBodiesNotBase64Encoded() {
        JsonNode response = harness.invoke(command("update cvm_web01 " + Fixtures.HASH, "C0001", "U0001",
                Harness.SLACK_SECRET, harness.now(), false, "X-Slack-Signature"));
        assertThat(text(response)).startsWith(":hourglass_flowing_sand:");
    }

    @Test
    void refusesATamperedBody() throws Exception {
        ObjectNode event = (ObjectNode) TestJson.parse(command("update cvm_web01 " + Fixtures.HASH, "C0001", "U0001",
                Harness.SLACK_SECRET, harness.now(), false, "x-slack-signature"));
        event.put("body", event.get("body").textValue().replace("cvm_web01", "cvm_web02"));
        assertThat(harness.invoke(TestJson.write(event)).get("statusCode").intValue()).isEqualTo(401);
        assertThat(harness.queued).isEmpty();
    }

    @Test
    void postsTheOutcomeToTheChannelWhenTheQueueRelaysIt() {
        harness.invoke(command("update cvm_web01 " + Fixtures.HASH));
        var queued = harness.queued.getFirst();
        ObjectNode record = Events.sqsRecord("m-1", Events.updateBody("cvm_web01"), 1);
        ObjectNode attributes = record.putObject("messageAttributes");
        queued.attributes().forEach((k, v) -> attributes.putObject(k).put("stringValue", v).put("dataType", "String"));

        JsonNode response = harness.invoke(Events.sqs(record));

        assertThat(response.get("batchItemFailures")).isEmpty();
        assertThat(harness.outcomes.published()).singleElement().satisfies(o -> {
            assertThat(o.facts().trigger().wire()).isEqualTo("slack");
            assertThat(o.facts().correlationId()).isEqualTo(queued.attributes().get("correlation_id"));
        });
        assertThat(harness.replies).singleElement().satisfies(r -> {
            assertThat(r.url()).isEqualTo("https://hooks.slack.com/commands/T0001/1/abc");
            assertThat(r.text()).isEqualTo(":arrows_counterclockwise: Phala accepted the update: `cvm_web01` is restarting "
                    + "with compose `9f2c1e4b7a6d…`.");
        });
        assertThat(harness.threads.get("cvm_web01").replyUrl()).isEqualTo("https://hooks.slack.com/commands/T0001/1/abc");
    }

    /** The signed request's key, computed here from the event as Slack sent it. */
    private static String keyOf(String event) {
        try {
            JsonNode e = TestJson.parse(event);
            String ts = e.get("headers").get("x-slack-request-timestamp").textValue();
            byte[] body = java.util.Base64.getDecoder().decode(e.get("body").textValue());
            return "slack:" + com.composerelay.core.Fingerprint.sha256Hex(
                    (ts + ":" + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        } catch (Json.Malformed x) {
            throw new AssertionError(x);
        }
    }

    @Test
    void aReplayedSlashCommandIsQueuedOnce() {
        String event = command("update cvm_web01 " + Fixtures.HASH);

        JsonNode first = harness.invoke(event);
        harness.clock.advance(java.time.Duration.ofSeconds(200));
        JsonNode replay = harness.invoke(event);

        assertThat(text(first)).startsWith(":hourglass_flowing_sand: Updating `cvm_web01`");
        assertThat(text(replay)).isEqualTo(":information_source: This command was already received, so it is not queued again.");
        assertThat(harness.queued).singleElement().satisfies(q ->
                assertThat(q.attributes()).containsEntry("idempotency_key", keyOf(event)));
        assertThat(keyOf(event)).matches("slack:[0-9a-f]{64}");
    }

    @Test
    void answersTryAgainAndQueuesNothingWhenReplaysCannotBeChecked() {
        harness.idempotency.goDown();

        JsonNode response = harness.invoke(command("update cvm_web01 " + Fixtures.HASH));

        assertThat(text(response)).isEqualTo(":warning: The command could not be checked against earlier ones, "
                + "nothing was queued. Please try again.");
        assertThat(harness.queued).isEmpty();
    }

    @Test
    void aCommandThatCouldNotBeQueuedMayBeSentAgain() {
        String event = command("update cvm_web01 " + Fixtures.HASH);
        harness.queueDown = true;
        assertThat(text(harness.invoke(event))).isEqualTo(
                ":warning: The update could not be queued, nothing was sent. Please try again.");

        harness.queueDown = false;
        assertThat(text(harness.invoke(event))).startsWith(":hourglass_flowing_sand:");
        assertThat(harness.queued).hasSize(1);
    }

    @Test
    void twoMessagesOfOneSlashCommandPatchOnce() {
        harness.invoke(command("update cvm_web01 " + Fixtures.HASH));
        var queued = harness.queued.getFirst();
        ObjectNode[] copies = new ObjectNode[2];
        for (int i = 0; i < 2; i++) {
            copies[i] = Events.sqsRecord("m-" + i, Events.updateBody("cvm_web01"), 1);
            ObjectNode attributes = copies[i].putObject("messageAttributes");
            queued.attributes().forEach((k, v) -> attributes.putObject(k).put("stringValue", v).put("dataType", "String"));
        }

        harness.invoke(Events.sqs(copies[0]));
        JsonNode second = harness.invoke(Events.sqs(copies[1]));

        assertThat(second.get("batchItemFailures")).isEmpty();
        assertThat(harness.phala.calls()).hasSize(1);
        assertThat(harness.outcomes.published()).extracting(o -> o.facts().requestId()).containsExactly("m-0");
    }

    @Test
    void quotesWhatTheUserTypedSoItCanNeitherMentionNorCloseTheCodeSpan() {
        assertThat(text(harness.invoke(command("deploy `x` <!channel> & co")))).isEqualTo(
                "I did not understand `deploy ˋxˋ &lt;!channel&gt; &amp; co`. " + SlackCommandTrigger.USAGE);
        String boss = command("update a`b<!here> " + Fixtures.HASH, "C0OTHER", "U0BOSS", Harness.SLACK_SECRET,
                harness.now(), true, "x-slack-signature");
        assertThat(text(harness.invoke(boss))).isEqualTo(":hourglass_flowing_sand: Updating `aˋb&lt;!here&gt;` to compose `"
                + Fixtures.HASH + "`. I will post the outcome in this channel.");
        String notAllowed = command("update <!channel> " + Fixtures.HASH, "C0OTHER", "U0001", Harness.SLACK_SECRET,
                harness.now(), true, "x-slack-signature");
        assertThat(text(harness.invoke(notAllowed))).startsWith("Sorry, you may not update `&lt;!channel&gt;` from");
    }

    @Test
    void answers405ToAGet() {
        String event = command("help").replace("\"method\":\"POST\"", "\"method\":\"GET\"");
        assertThat(harness.invoke(event).get("statusCode").intValue()).isEqualTo(405);
    }
}
