package com.composerelay.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.RelayHandler;
import com.composerelay.core.ChatReplies;
import com.composerelay.core.Outcome;
import com.composerelay.core.PhalaFleet;
import com.composerelay.core.Rollout;
import com.composerelay.core.RolloutReports;
import com.composerelay.core.SigningSecrets;
import com.composerelay.core.Trigger;
import com.composerelay.core.UpdateQueue;
import com.composerelay.core.UpdateThreads;
import com.composerelay.startup.ReseedableRandom;
import com.composerelay.support.FakeContext;
import com.composerelay.support.FakeKeys;
import com.composerelay.support.Fixtures;
import com.composerelay.support.Harness;
import com.composerelay.support.InMemoryIdempotency;
import com.composerelay.support.InMemoryRollouts;
import com.composerelay.support.Invoke;
import com.composerelay.support.MutableClock;
import com.composerelay.support.RecordingEngine;
import com.composerelay.support.RecordingMetrics;
import com.composerelay.support.RecordingOutcomes;
import com.composerelay.support.ScriptedPhala;
import com.composerelay.webhook.SlackSignature;
import com.composerelay.wiring.Adapters;
import com.composerelay.wiring.Assembly;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Proxy;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /slack/interactions} through the whole handler, with rollouts on (in memory) and the
 * sample allowlist: a paused rollout's Approve and Abort, each pause's buttons once, and every refusal
 * told to the one user (a note at the interaction's response_url) while Slack gets an empty 200.
 */
class SlackInteractionsTriggerTest {
    static final String ID = "ro_0123456789abcdef01234567";
    static final String RESPONSE_URL = "https://hooks.slack.com/actions/T0001/2/xyz";

    private final MutableClock clock = new MutableClock();
    private final InMemoryRollouts store = new InMemoryRollouts();
    private final RecordingEngine engine = new RecordingEngine();
    /** What was said in the chat: "note <url> <text>" or "decided <url> <status> <text>". */
    private final List<String> chat = new CopyOnWriteArrayList<>();
    private final RelayHandler handler = handler(true);

    private RelayHandler handler(boolean rolloutsOn) {
        ChatReplies replies = new ChatReplies() {
            @Override
            public void post(String replyUrl, Outcome outcome) {
                chat.add("post " + replyUrl);
            }

            @Override
            public void card(String replyUrl, RolloutReports.Report report, boolean replace) {
                chat.add("card " + replyUrl + " " + report.kind().wire() + " " + replace);
            }

            @Override
            public void decided(String responseUrl, Rollout rollout, String decision) {
                chat.add("decided " + responseUrl + " " + rollout.status() + " " + decision);
            }

            @Override
            public void note(String responseUrl, String text) {
                chat.add("note " + responseUrl + " " + text);
            }
        };
        SigningSecrets secrets = new SigningSecrets() {
            @Override
            public List<String> current(String id) {
                return List.of(Harness.SLACK_SECRET);
            }

            @Override
            public List<String> refreshed(String id) {
                return current(id);
            }
        };
        PhalaFleet fleet = (PhalaFleet) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {PhalaFleet.class},
                (proxy, method, args) -> {
                    throw new AssertionError("no fleet call expected: " + method.getName());
                });
        Adapters adapters = new Adapters(new FakeKeys(Fixtures.API_KEY), new ScriptedPhala(clock),
                new InMemoryIdempotency(clock, Duration.ofHours(1)), new RecordingOutcomes(), UpdateThreads.none(), replies,
                secrets, UpdateQueue.none(), clock, clock::advance, new ReseedableRandom(), new RecordingMetrics(),
                Adapters.Whole.none(), Adapters.ClientApi.none(),
                rolloutsOn ? new Adapters.RolloutPorts(store, engine, report -> { }, fleet, null) : Adapters.RolloutPorts.none());
        return new RelayHandler(Assembly.dispatcher(Harness.chatOpsConfig(Harness.DEFAULT_ALLOWLIST), adapters), clock);
    }

    /** A rollout of {@code cvms} in one wave each, {@code status}, paused after {@code pausedAfter} when paused. */
    private void seed(String status, Integer pausedAfter, String... cvms) throws Exception {
        List<Rollout.Wave> waves = new java.util.ArrayList<>();
        for (int i = 0; i < cvms.length; i++) {
            waves.add(new Rollout.Wave(i + 1, i == 0 ? "completed" : "pending", null,
                    List.of(new Rollout.Target(cvms[i], i == 0 ? "healthy" : "pending", null, null, null, null, null))));
        }
        store.create(new Rollout(ID, status, "fp", "9f2c" + "0".repeat(60), Trigger.SLACK, "slack:U0001",
                "https://hooks.slack.com/commands/T0001/1/abc", MutableClock.START, null, waves, Map.of(), null,
                pausedAfter == null ? null : "token-1", pausedAfter, null, null, "{}", 0), "{}");
    }

    private static String payload(String actionId, String value, String channel, String user) {
        return "{\"type\":\"block_actions\",\"user\":{\"id\":\"" + user + "\",\"username\":\"ada\",\"team_id\":\"T0001\"},"
                + "\"api_app_id\":\"A1\",\"team\":{\"id\":\"T0001\",\"domain\":\"acme\"},"
                + "\"channel\":{\"id\":\"" + channel + "\",\"name\":\"deploys\"},"
                + "\"container\":{\"type\":\"message\",\"message_ts\":\"1700000000.000100\"},"
                + "\"response_url\":\"" + RESPONSE_URL + "\",\"trigger_id\":\"1.2.3\","
                + "\"actions\":[{\"type\":\"button\",\"action_id\":\"" + actionId + "\",\"block_id\":\"rollout_decision\","
                + "\"value\":\"" + value + "\",\"action_ts\":\"1700000001.000200\"}]}";
    }

    private String event(String payloadJson, String secret) {
        String body = "payload=" + URLEncoder.encode(payloadJson, StandardCharsets.UTF_8);
        String ts = String.valueOf(clock.instant().getEpochSecond());
        return Harness.post("/slack/interactions", Map.of("content-type", "application/x-www-form-urlencoded",
                "x-slack-request-timestamp", ts,
                "x-slack-signature", SlackSignature.sign(secret, ts, body.getBytes(StandardCharsets.UTF_8))), body, false);
    }

    private JsonNode press(String actionId, String value, String channel, String user) {
        return Invoke.json(handler, event(payload(actionId, value, channel, user), Harness.SLACK_SECRET), new FakeContext());
    }

    private JsonNode approve() {
        return press("rollout_approve", "approve:" + ID + ":1", "C0001", "U0001");
    }

    private static void assertAcknowledged(JsonNode response) {
        assertThat(response.get("statusCode").intValue()).isEqualTo(200);
        assertThat(response.get("body").textValue()).isEmpty();
    }

    @Test
    void approvesAPausedRolloutOnceWithTheActor() throws Exception {
        seed("paused", 1, "cvm_web01", "cvm_web02");

        assertAcknowledged(approve());

        assertThat(engine.calls).containsExactly(new RecordingEngine.Call("success", "token-1", "{\"approved\":true}", null));
        assertThat(store.find(ID).orElseThrow().status()).isEqualTo("running");
        assertThat(chat).containsExactly("decided " + RESPONSE_URL + " running :white_check_mark: *Approved* by <@U0001>"
                + " at the pause after wave 1.");
    }

    @Test
    void abortsAPausedRolloutNamingWhoAborted() throws Exception {
        seed("paused", 1, "cvm_web01", "cvm_web02");

        assertAcknowledged(press("rollout_abort", "abort:" + ID + ":1", "C0001", "U0001"));

        assertThat(engine.calls).containsExactly(new RecordingEngine.Call("failure", "token-1", "RolloutAborted",
                "aborted by slack:T0001/U0001"));
        assertThat(store.find(ID).orElseThrow().failure().reason())
                .isEqualTo("aborted at the pause after wave 1 by slack:T0001/U0001");
        assertThat(chat).containsExactly("decided " + RESPONSE_URL + " running :no_entry_sign: *Aborted* by <@U0001>"
                + " at the pause after wave 1.");
    }

    @Test
    void aPausesButtonsWorkOnce() throws Exception {
        seed("paused", 1, "cvm_web01", "cvm_web02");
        approve();
        chat.clear();

        assertAcknowledged(approve());
        assertAcknowledged(press("rollout_abort", "abort:" + ID + ":1", "C0001", "U0BOSS"));

        assertThat(engine.calls).as("decided once").hasSize(1);
        String used = "note " + RESPONSE_URL + " :information_source: The buttons of rollout `" + ID
                + "`'s pause after wave 1 were already used: nothing more was decided.";
        assertThat(chat).containsExactly(used, used);
    }

    @Test
    void refusesABadSignatureWith401AndDecidesNothing() throws Exception {
        seed("paused", 1, "cvm_web01");

        JsonNode response = Invoke.json(handler, event(payload("rollout_approve", "approve:" + ID + ":1", "C0001", "U0001"),
                "wrong-secret"), new FakeContext());

        assertThat(response.get("statusCode").intValue()).isEqualTo(401);
        assertThat(response.get("body").textValue()).isEqualTo("{\"error\":\"unauthorized\"}");
        assertThat(engine.calls).isEmpty();
        assertThat(chat).isEmpty();
    }

    @Test
    void refusesAUserTheAllowlistDoesNotLetUpdateEveryCvm() throws Exception {
        seed("paused", 1, "cvm_web01", "db_main");

        assertAcknowledged(approve());
        assertAcknowledged(press("rollout_approve", "approve:" + ID + ":1", "C0OTHER", "U0001"));

        assertThat(engine.calls).isEmpty();
        assertThat(chat).containsExactly(
                "note " + RESPONSE_URL + " Sorry, you may not approve rollout `" + ID + "` from this channel: it updates"
                        + " `db_main`, which the allowlist does not let you update here. Ask the relay's admins to add you"
                        + " to its allowlist.",
                "note " + RESPONSE_URL + " Sorry, you may not approve rollout `" + ID + "` from this channel: it updates"
                        + " `cvm_web01`, which the allowlist does not let you update here. Ask the relay's admins to add"
                        + " you to its allowlist.");
        chat.clear();

        assertAcknowledged(press("rollout_approve", "approve:" + ID + ":1", "C0OTHER", "U0BOSS"));
        assertThat(engine.calls).as("the boss may update every CVM from any channel").hasSize(1);
    }

    @Test
    void tellsTheUserARolloutThatIsNotPausedAndLeavesTheButtonUsable() throws Exception {
        seed("running", null, "cvm_web01", "cvm_web02");

        assertAcknowledged(approve());

        assertThat(engine.calls).isEmpty();
        assertThat(chat).containsExactly("note " + RESPONSE_URL + " :information_source: Rollout `" + ID
                + "` is running, not paused after wave 1: nothing was decided.");

        Rollout running = store.find(ID).orElseThrow();
        store.save(running.paused("token-1", 1));
        chat.clear();
        assertAcknowledged(approve());
        assertThat(engine.calls).as("a refusal does not use the button up").hasSize(1);
    }

    @Test
    void aButtonOfAnEarlierPauseDecidesNothing() throws Exception {
        seed("paused", 2, "cvm_web01", "cvm_web02", "cvm_web03");

        assertAcknowledged(approve());

        assertThat(engine.calls).isEmpty();
        assertThat(chat).containsExactly("note " + RESPONSE_URL + " :information_source: Rollout `" + ID
                + "` is paused after wave 2, not paused after wave 1: nothing was decided.");
    }

    @Test
    void ignoresOtherActionsAndPayloadsWithAnEmpty200() throws Exception {
        seed("paused", 1, "cvm_web01");

        assertAcknowledged(press("some_other_button", "approve:" + ID + ":1", "C0001", "U0001"));
        assertAcknowledged(press("rollout_approve", "abort:" + ID + ":1", "C0001", "U0001"));
        assertAcknowledged(press("rollout_approve", "approve:" + ID + ":1; drop", "C0001", "U0001"));
        assertAcknowledged(Invoke.json(handler, event("{\"type\":\"view_submission\"}", Harness.SLACK_SECRET),
                new FakeContext()));

        assertThat(engine.calls).isEmpty();
        assertThat(chat).isEmpty();
    }

    @Test
    void refusesABodyThatIsNoInteraction() {
        String body = "text=hello";
        String ts = String.valueOf(clock.instant().getEpochSecond());
        JsonNode response = Invoke.json(handler, Harness.post("/slack/interactions", Map.of(
                "x-slack-request-timestamp", ts,
                "x-slack-signature", SlackSignature.sign(Harness.SLACK_SECRET, ts, body.getBytes(StandardCharsets.UTF_8))),
                body, false), new FakeContext());
        assertThat(response.get("statusCode").intValue()).isEqualTo(400);
        assertThat(chat).isEmpty();
    }

    @Test
    void isOffWithoutRollouts() {
        RelayHandler off = handler(false);
        JsonNode response = Invoke.json(off, event(payload("rollout_approve", "approve:" + ID + ":1", "C0001", "U0001"),
                Harness.SLACK_SECRET), new FakeContext());
        assertThat(response.get("statusCode").intValue()).isEqualTo(404);
    }

    @Test
    void readsTheCardsButtonValues() {
        assertThat(SlackInteractionsTrigger.press("rollout_approve", "approve:" + ID + ":3"))
                .contains(new SlackInteractionsTrigger.Press(true, ID, 3));
        assertThat(SlackInteractionsTrigger.press("rollout_abort", "abort:" + ID + ":1"))
                .contains(new SlackInteractionsTrigger.Press(false, ID, 1));
        assertThat(SlackInteractionsTrigger.press("rollout_abort", "approve:" + ID + ":1")).isEmpty();
        assertThat(SlackInteractionsTrigger.press("rollout_approve", "approve:ro_x:1")).isEmpty();
    }
}
