package com.composerelay.slack;

import com.composerelay.codec.OutcomeText;
import com.composerelay.core.Outcome;
import com.composerelay.core.ChatReplies;
import com.composerelay.core.Rollout;
import com.composerelay.core.RolloutReports;
import com.composerelay.json.Json;
import com.composerelay.log.Log;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Posts to a slash command's or a button's {@code response_url}, in the channel: outcomes, rollout
 * cards ({@link RolloutCard}) and the answers to a card's buttons. Only URLs under the configured
 * prefix ({@code https://hooks.slack.com/} by default) are posted to: a reply URL comes from the
 * queue, and the relay never sends requests to a host it was not meant to.
 *
 * <p>Slack takes at most 5 posts to one {@code response_url}, within 30 minutes. Once it refuses one
 * as used up or expired, the relay logs it once and posts no more cards there (for as long as this
 * instance lives); the rollout's outcomes still go to SNS, and {@code GET /rollouts/{id}} has it all.
 */
public final class SlackReplies implements ChatReplies {
    /** How long a button's answer may take: Slack wants the interaction acknowledged within 3 s. */
    private static final Duration INTERACTION_TIMEOUT = Duration.ofMillis(1500);
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final int REMEMBERED = 256;

    private final Supplier<HttpClient> http;
    private final String allowedPrefix;
    /** Response URLs Slack refused as used up or expired (bounded, oldest forgotten first). */
    private final Set<String> usedUp = Collections.synchronizedSet(Collections.newSetFromMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > REMEMBERED;
                }
            }));

    public SlackReplies(Supplier<HttpClient> http, String allowedPrefix) {
        this.http = http;
        this.allowedPrefix = allowedPrefix;
    }

    @Override
    public void post(String replyUrl, Outcome outcome) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("response_type", "in_channel");
        body.put("replace_original", false);
        body.put("text", OutcomeText.chatLine(outcome));
        send("reply", replyUrl, body, TIMEOUT);
    }

    @Override
    public void card(String replyUrl, RolloutReports.Report report, boolean replace) {
        if (replyUrl != null && usedUp.contains(replyUrl)) {
            Log.info("rollout card not updated: its response_url is used up", "rollout_id",
                    report.rollout().rolloutId(), "event", report.kind().wire());
            return;
        }
        send("rollout card", replyUrl, RolloutCard.message(report, replace), TIMEOUT);
    }

    @Override
    public void decided(String responseUrl, Rollout rollout, String decision) {
        send("rollout card", responseUrl, RolloutCard.decided(rollout, decision), INTERACTION_TIMEOUT);
    }

    @Override
    public void note(String responseUrl, String text) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("response_type", "ephemeral");
        body.put("replace_original", false);
        body.put("text", text);
        send("note", responseUrl, body, INTERACTION_TIMEOUT);
    }

    private void send(String what, String url, Map<String, Object> body, Duration timeout) {
        if (url == null || !url.startsWith(allowedPrefix)) {
            Log.warn(what + " not posted: the reply URL is not under " + allowedPrefix);
            return;
        }
        try {
            HttpResponse<String> response = http.get().send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.write(Json.object(body)))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                String answer = response.body() == null ? "" : response.body().strip();
                answer = answer.length() > 64 ? answer.substring(0, 64) : answer;
                if (answer.contains("used_url") || answer.contains("expired_url")) {
                    if (usedUp.add(url)) {
                        Log.warn(what + " not accepted: Slack's response_url is used up (5 posts within 30 minutes);"
                                + " no more is posted there, the outcomes still go to SNS", "http_status",
                                response.statusCode(), "slack_error", answer);
                    }
                } else {
                    Log.warn(what + " not accepted by Slack", "http_status", response.statusCode(), "slack_error", answer);
                }
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            Log.warn(what + " not posted: " + e.getClass().getSimpleName());
        }
    }
}
