package com.composerelay.trigger;

import com.composerelay.codec.Quoted;
import com.composerelay.core.UpdateQueue;
import com.composerelay.core.ComposeUpdate;
import com.composerelay.core.Fingerprint;
import com.composerelay.core.Invocation;
import com.composerelay.core.Locks;
import com.composerelay.core.StoreKeys;
import com.composerelay.core.StoreUnavailable;
import com.composerelay.core.InvalidRequest;
import com.composerelay.core.CallerValue;
import com.composerelay.json.Json;
import com.composerelay.log.Log;
import com.composerelay.webhook.SlackSignature;
import com.fasterxml.jackson.jr.stree.JrsObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * {@code POST /slack/command}: a Slack slash command. The signature is checked before anything
 * else; then {@code update <cvm_id> <compose_hash> [update-env]} is checked against the allowlist
 * and handed to the request queue, and Slack gets an ephemeral answer at once (its limit is 3 s).
 * The outcome is posted to the command's {@code response_url} when the queue has relayed it. A
 * signed request is queued once: a replay of it within Slack's 5-minute window is answered, not queued.
 */
public final class SlackCommandTrigger {
    static final String USAGE = "Usage: `/compose update <cvm_id> <compose_hash> [update-env]`,"
            + " `/compose deploy <channel> <tag>`, `/compose rollback <channel>`, or `/compose help`.";
    private static final java.util.regex.Pattern CHANNEL = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final java.util.regex.Pattern TAG = java.util.regex.Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");

    private final SigningKey signing;
    private final SlackAllowlist allowlist;
    private final UpdateQueue queue;
    private final Locks received;
    private final Clock clock;

    public SlackCommandTrigger(SigningKey signing, SlackAllowlist allowlist, UpdateQueue queue,
                               Locks received, Clock clock) {
        this.signing = signing;
        this.allowlist = allowlist;
        this.queue = queue;
        this.received = received;
        this.clock = clock;
    }

    JrsObject handle(HttpRequestEvent request, Invocation invocation) {
        Instant deadline = invocation.deadline();
        String timestamp = request.header("X-Slack-Request-Timestamp");
        String signature = request.header("X-Slack-Signature");
        byte[] raw;
        switch (SignedRequest.check("slash command", request, signing,
                (body, s) -> SlackSignature.verify(timestamp, signature, body, s, clock.instant()))) {
            case SignedRequest.Refused refused -> {
                return refused.answer();
            }
            case SignedRequest.Verified verified -> raw = verified.raw();
        }
        Map<String, String> form = form(new String(raw, StandardCharsets.UTF_8));
        String text = form.getOrDefault("text", "").strip();
        String[] words = text.isEmpty() ? new String[0] : text.split("\\s+");
        if (words.length == 0 || words[0].equalsIgnoreCase("help")) {
            return ephemeral("Compose Relay rolls out a provisioned compose to a Phala CVM. " + USAGE);
        }
        if (words[0].equals("deploy") || words[0].equals("rollback")) {
            return release(words, text, form, timestamp, raw, deadline);
        }
        boolean updateEnv = words.length == 4 && words[3].equals("update-env");
        if (!words[0].equals("update") || words.length < 3 || words.length > 4 || (words.length == 4 && !updateEnv)) {
            return ephemeral("I did not understand " + Quoted.code(clip(text)) + ". " + USAGE);
        }
        ComposeUpdate update;
        try {
            update = ComposeUpdate.of(words[1], words[2], CallerValue.absent(), CallerValue.absent(),
                    updateEnv ? CallerValue.given(true) : CallerValue.absent());
        } catch (InvalidRequest e) {
            return ephemeral(":x: " + Quoted.mrkdwn(e.getMessage()) + ". " + USAGE);
        }
        String team = form.getOrDefault("team_id", "");
        String channel = form.getOrDefault("channel_id", "");
        String user = form.getOrDefault("user_id", "");
        if (!allowlist.allows(team, channel, user, update.cvmId())) {
            Log.warn("slash command not allowed", "team", team, "channel", channel, "user", user, "cvm_id", update.cvmId());
            return ephemeral("Sorry, you may not update " + Quoted.code(update.cvmId()) + " from this channel. "
                    + "Ask the relay's admins to add you to its allowlist.");
        }
        JrsObject refused = queueOnce(timestamp, raw, form, user, deadline, "update",
                attributes -> queue.enqueue(update, attributes), "cvm_id", update.cvmId());
        if (refused != null) {
            return refused;
        }
        return ephemeral(":hourglass_flowing_sand: Updating " + Quoted.code(update.cvmId()) + " to compose "
                + Quoted.code(clip(update.composeHash())) + (updateEnv ? " with its env vars" : "")
                + ". I will post the outcome in this channel.");
    }

    /**
     * {@code deploy <channel> <tag>} or {@code rollback <channel>}: checked against the allowlist as
     * {@code channel:<name>}, handed to the request queue as a release, answered at once; the rollout
     * card follows in the channel.
     */
    private JrsObject release(String[] words, String text, Map<String, String> form, String timestamp, byte[] raw,
                              Instant deadline) {
        boolean deploy = words[0].equals("deploy");
        if (words.length != (deploy ? 3 : 2)) {
            return ephemeral("I did not understand " + Quoted.code(clip(text)) + ". " + USAGE);
        }
        String name = words[1];
        String tag = deploy ? words[2] : null;
        if (!CHANNEL.matcher(name).matches()) {
            return ephemeral(":x: channel: must be a release channel's name (1 to 64 of A-Z a-z 0-9 _ -). " + USAGE);
        }
        if (deploy && !TAG.matcher(tag).matches()) {
            return ephemeral(":x: tag: must be an image tag (1 to 128 of A-Z a-z 0-9 _ . -). " + USAGE);
        }
        String team = form.getOrDefault("team_id", "");
        String channel = form.getOrDefault("channel_id", "");
        String user = form.getOrDefault("user_id", "");
        if (!allowlist.allows(team, channel, user, "channel:" + name)) {
            Log.warn("slash command not allowed", "team", team, "channel", channel, "user", user, "release_channel", name);
            return ephemeral("Sorry, you may not " + words[0] + " release channel " + Quoted.code(name)
                    + " from this channel. Ask the relay's admins to add you to its allowlist.");
        }
        JrsObject refused = queueOnce(timestamp, raw, form, user, deadline, words[0],
                attributes -> queue.enqueueRelease(name, tag, attributes), "release_channel", name);
        if (refused != null) {
            return refused;
        }
        return ephemeral(":hourglass_flowing_sand: " + (deploy ? "Deploying " + Quoted.code(clip(tag)) + " to "
                : "Rolling back ") + "release channel " + Quoted.code(name)
                + ". I will post the rollout in this channel.");
    }

    /** Hands a checked command's message to the queue. */
    @FunctionalInterface
    private interface Enqueue {
        void to(Map<String, String> attributes) throws UpdateQueue.Unavailable;
    }

    /**
     * Queues a signed command once: its key (from what Slack signed) claimed for as long as the
     * signature may be replayed, the message sent with the command's attributes, the key then
     * completed (or given up, so a retry may queue it). Null when queued; else the answer to give.
     */
    private JrsObject queueOnce(String timestamp, byte[] raw, Map<String, String> form, String user, Instant deadline,
                                String what, Enqueue enqueue, String subject, String subjectValue) {
        String key = idempotencyKey(timestamp, raw);
        String correlationId = "slack-" + UUID.randomUUID();
        try {
            // Held for as long as the signature may be replayed, even if recording it below fails.
            Instant signatureExpires = Instant.ofEpochSecond(Long.parseLong(timestamp)).plus(SlackSignature.WINDOW);
            Instant holdUntil = signatureExpires.isAfter(deadline) ? signatureExpires : deadline;
            if (received.take(key, holdUntil) != Locks.Taken.TAKEN) {
                Log.info("slash command received before: not queued again", "idempotency_key", key);
                return ephemeral(":information_source: This command was already received, so it is not queued again.");
            }
        } catch (StoreUnavailable e) {
            // Without the record a replay could not be told apart: queue nothing rather than twice.
            Log.warn("slash command not checked for replays: " + e.getMessage(), "correlation_id", correlationId);
            return ephemeral(":warning: The command could not be checked against earlier ones, nothing was queued. "
                    + "Please try again.");
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put(QueueAttributes.ORIGIN, "slack");
        attributes.put(QueueAttributes.CORRELATION_ID, correlationId);
        if (form.get("response_url") != null) {
            attributes.put(QueueAttributes.REPLY_URL, form.get("response_url"));
        }
        attributes.put("slack_user", user);
        attributes.put(QueueAttributes.IDEMPOTENCY_KEY, key);
        try {
            enqueue.to(attributes);
        } catch (UpdateQueue.Unavailable e) {
            Log.warn("slash command not queued: " + e.getMessage(), "correlation_id", correlationId);
            settle(key, false);
            return ephemeral(":warning: The " + what + " could not be queued, nothing was sent. Please try again.");
        }
        settle(key, true);
        Log.info("slash command queued", "correlation_id", correlationId, subject, subjectValue, "user", user);
        return null;
    }

    /**
     * The key of a signed command: from what Slack signed only ({@code X-Slack-Request-Timestamp} and
     * the raw body), so every copy of one request has the same key and no one can make another.
     */
    static String idempotencyKey(String timestamp, byte[] raw) {
        byte[] prefix = (timestamp + ":").getBytes(StandardCharsets.UTF_8);
        byte[] signed = Arrays.copyOf(prefix, prefix.length + raw.length);
        System.arraycopy(raw, 0, signed, prefix.length, raw.length);
        return StoreKeys.SLACK_COMMAND.of(Fingerprint.sha256Hex(signed));
    }

    /** Completes the key once queued (a replay is answered), or gives it up when not (a retry may queue it). */
    private void settle(String key, boolean queued) {
        try {
            if (queued) {
                received.done(key);
            } else {
                received.free(key);
            }
        } catch (StoreUnavailable e) {
            // Queued: the key stays "in progress" until the deadline, which still answers a replay.
            Log.warn("slash command's record not updated: " + e.getMessage(), "idempotency_key", key);
        }
    }

    static Map<String, String> form(String body) {
        return FormBody.parse(body);
    }

    private static JrsObject ephemeral(String text) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("response_type", "ephemeral");
        body.put("text", text);
        return HttpRequestEvent.response(200, Json.object(body));
    }

    private static String clip(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "…" : text;
    }
}
