package com.composerelay.trigger;

import com.composerelay.codec.Quoted;
import com.composerelay.core.ChatReplies;
import com.composerelay.core.Invocation;
import com.composerelay.core.Locks;
import com.composerelay.core.Rollout;
import com.composerelay.core.Rollouts;
import com.composerelay.core.StoreKeys;
import com.composerelay.core.StoreUnavailable;
import com.composerelay.json.Json;
import com.composerelay.log.Log;
import com.composerelay.webhook.SlackSignature;
import com.fasterxml.jackson.jr.stree.JrsObject;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code POST /slack/interactions}: the Approve and Abort buttons of a paused rollout's card. Signed
 * by Slack as the slash command is (same secret, same 5-minute window), checked before anything
 * else. Only a {@code block_actions} payload with one of the card's action ids does anything; the
 * user must be allowed by the Slack allowlist to update every CVM of the rollout from that channel;
 * each pause's buttons work once (Approve or Abort, whichever is pressed first). Slack is answered
 * with an empty 200 at once (it shows nothing of that answer); what came of the press goes to the
 * interaction's {@code response_url}: the card replaced, or a note only that user sees.
 */
public final class SlackInteractionsTrigger {
    /** Slack sends the whole message with the payload; a 100-CVM card is well under this. */
    static final int MAX_BODY = 256 * 1024;
    static final String APPROVE = "rollout_approve";
    static final String ABORT = "rollout_abort";
    private static final Pattern VALUE = Pattern.compile("(approve|abort):(ro_[0-9a-f]{24}):([0-9]{1,3})");

    private final SigningKey signing;
    private final SlackAllowlist allowlist;
    private final RolloutStarts rollouts;
    private final Locks used;
    private final ChatReplies chat;
    private final Clock clock;

    public SlackInteractionsTrigger(SigningKey signing, SlackAllowlist allowlist, RolloutStarts rollouts, Locks used,
                                    ChatReplies chat, Clock clock) {
        this.signing = signing;
        this.allowlist = allowlist;
        this.rollouts = rollouts;
        this.used = used;
        this.chat = chat;
        this.clock = clock;
    }

    /** A button pressed, as the card wrote it: approve or abort, which rollout, after which wave. */
    record Press(boolean approve, String rolloutId, int wave) {}

    JrsObject handle(HttpRequestEvent request, Invocation invocation) {
        String timestamp = request.header("X-Slack-Request-Timestamp");
        String signature = request.header("X-Slack-Signature");
        byte[] raw;
        switch (SignedRequest.check("slack interaction", request, signing,
                (body, s) -> SlackSignature.verify(timestamp, signature, body, s, clock.instant()))) {
            case SignedRequest.Refused refused -> {
                return refused.answer();
            }
            case SignedRequest.Verified verified -> raw = verified.raw();
        }
        if (raw.length > MAX_BODY) {
            return HttpRequestEvent.error(413, "body: must be at most " + MAX_BODY + " bytes");
        }
        String payloadText = FormBody.parse(new String(raw, StandardCharsets.UTF_8)).get("payload");
        JrsValue payload;
        try {
            payload = payloadText == null ? null : Json.parse(payloadText);
        } catch (Json.Malformed e) {
            payload = null;
        }
        if (payload == null || !payload.isObject()) {
            return HttpRequestEvent.error(400, "payload: must be the interaction's JSON");
        }
        if (!"block_actions".equals(Json.asText(payload.path("type"), null))) {
            Log.info("slack interaction ignored: not a button", "type", Quoted.clip(Json.asText(payload.path("type"), ""), 40));
            return ack();
        }
        JrsValue action = null;
        for (JrsValue a : Json.elements(payload.path("actions"))) {
            String id = Json.asText(a.path("action_id"), "");
            if (id.equals(APPROVE) || id.equals(ABORT)) {
                action = a;
                break;
            }
        }
        if (action == null) {
            Log.info("slack interaction ignored: no action of a rollout card");
            return ack();
        }
        String responseUrl = Json.asText(payload.path("response_url"), null);
        Optional<Press> press = press(Json.asText(action.path("action_id"), ""), Json.asText(action.path("value"), ""));
        if (press.isEmpty()) {
            Log.warn("slack interaction ignored: a rollout button with an unknown value");
            return ack();
        }
        String team = Json.asText(payload.path("team").path("id"), Json.asText(payload.path("user").path("team_id"), ""));
        String channel = Json.asText(payload.path("channel").path("id"), "");
        String user = Json.asText(payload.path("user").path("id"), "");
        decide(press.get(), team, channel, user, responseUrl, invocation.deadline());
        return ack();
    }

    /** The button's value, when it is one the card writes and matches its action id. */
    static Optional<Press> press(String actionId, String value) {
        Matcher m = VALUE.matcher(value);
        if (!m.matches() || !(m.group(1).equals("approve") ? APPROVE : ABORT).equals(actionId)) {
            return Optional.empty();
        }
        return Optional.of(new Press(m.group(1).equals("approve"), m.group(2), Integer.parseInt(m.group(3))));
    }

    private void decide(Press press, String team, String channel, String user, String responseUrl, Instant deadline) {
        String id = press.rolloutId();
        String verb = press.approve() ? "approve" : "abort";
        String actor = "slack:" + team + "/" + user;
        Rollout rollout;
        try {
            Optional<Rollout> found = rollouts.rollouts().find(id);
            if (found.isEmpty()) {
                chat.note(responseUrl, ":x: There is no rollout `" + id + "` (any more): nothing was decided.");
                return;
            }
            rollout = found.get();
        } catch (StoreUnavailable e) {
            Log.warn("slack interaction: rollout not read: " + e.getMessage(), "rollout_id", id);
            chat.note(responseUrl, ":warning: Rollout `" + id + "` could not be read, nothing was decided. Please try again.");
            return;
        }
        Optional<String> barred = rollout.targets().stream().map(Rollout.Target::cvmId)
                .filter(cvm -> !allowlist.allows(team, channel, user, cvm)).findFirst();
        if (barred.isPresent()) {
            Log.warn("slack interaction not allowed", "team", team, "channel", channel, "user", user, "rollout_id", id,
                    "cvm_id", barred.get());
            chat.note(responseUrl, "Sorry, you may not " + verb + " rollout `" + id + "` from this channel: it updates "
                    + Quoted.code(barred.get()) + ", which the allowlist does not let you update here. Ask the relay's"
                    + " admins to add you to its allowlist.");
            return;
        }
        String key = StoreKeys.SLACK_ACTION.of(id + ":" + press.wave());
        try {
            Instant until = deadline.isAfter(clock.instant()) ? deadline : clock.instant().plusSeconds(30);
            Locks.Taken taken = used.take(key, until);
            if (taken != Locks.Taken.TAKEN) {
                Log.info("slack interaction: button already used", "rollout_id", id, "wave", press.wave(), "user", user);
                chat.note(responseUrl, ":information_source: The buttons of rollout `" + id + "`'s pause after wave "
                        + press.wave() + (taken == Locks.Taken.DONE ? " were already used" : " are being used right now")
                        + ": nothing more was decided.");
                return;
            }
        } catch (StoreUnavailable e) {
            Log.warn("slack interaction not checked for an earlier use: " + e.getMessage(), "rollout_id", id);
            chat.note(responseUrl, ":warning: The button could not be checked against earlier presses, nothing was"
                    + " decided. Please try again.");
            return;
        }
        if (!"paused".equals(rollout.status()) || rollout.pausedAfter() == null || rollout.pausedAfter() != press.wave()) {
            free(key);
            chat.note(responseUrl, ":information_source: Rollout `" + id + "` is " + Quoted.mrkdwn(rollout.status())
                    + (rollout.pausedAfter() != null ? " after wave " + rollout.pausedAfter() : "")
                    + ", not paused after wave " + press.wave() + ": nothing was decided.");
            return;
        }
        switch (rollouts.rollouts().decide(id, press.approve(), actor)) {
            case Rollouts.Answer.Done done -> {
                settle(key);
                Log.info("rollout " + (press.approve() ? "approved" : "aborted") + " from Slack", "rollout_id", id,
                        "wave", press.wave(), "actor", actor, "channel", channel);
                chat.decided(responseUrl, done.rollout(), (press.approve()
                        ? ":white_check_mark: *Approved* by " : ":no_entry_sign: *Aborted* by ")
                        + mention(user) + " at the pause after wave " + press.wave() + ".");
            }
            case Rollouts.Answer.Refused refused -> {
                free(key);
                Log.warn("slack interaction refused (" + refused.status() + "): " + refused.message(), "rollout_id", id,
                        "actor", actor);
                chat.note(responseUrl, (refused.status() == 503 ? ":warning: " : ":information_source: ")
                        + Quoted.mrkdwn(refused.message()) + (refused.status() == 503 ? ". Please try again." : "."));
            }
        }
    }

    /** A mention of a Slack user id (capitals and digits only), else the id quoted. */
    private static String mention(String user) {
        return user.matches("[UW][A-Z0-9]{2,20}") ? "<@" + user + ">" : Quoted.code(user);
    }

    private void settle(String key) {
        try {
            used.done(key);
        } catch (StoreUnavailable e) {
            Log.warn("slack interaction's use not recorded: " + e.getMessage(), "key", key);
        }
    }

    private void free(String key) {
        try {
            used.free(key);
        } catch (StoreUnavailable e) {
            Log.warn("slack interaction's lock not freed: " + e.getMessage(), "key", key);
        }
    }

    /** The acknowledgment Slack wants within 3 s: 200, nothing in it. */
    private static JrsObject ack() {
        return HttpRequestEvent.response(200, "", Map.of());
    }
}
