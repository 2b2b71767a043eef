package com.composerelay.slack;

import com.composerelay.codec.OutcomeText;
import com.composerelay.core.Outcome;
import com.composerelay.core.ChatReplies;
import com.composerelay.json.Json;
import com.composerelay.log.Log;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Posts outcomes to a slash command's {@code response_url}, in the channel. Only URLs under the
 * configured prefix ({@code https://hooks.slack.com/} by default) are posted to: a reply URL comes
 * from the queue, and the relay never sends requests to a host it was not meant to.
 */
public final class SlackReplies implements ChatReplies {
    private final Supplier<HttpClient> http;
    private final String allowedPrefix;

    public SlackReplies(Supplier<HttpClient> http, String allowedPrefix) {
        this.http = http;
        this.allowedPrefix = allowedPrefix;
    }

    @Override
    public void post(String replyUrl, Outcome outcome) {
        if (replyUrl == null || !replyUrl.startsWith(allowedPrefix)) {
            Log.warn("reply not posted: the reply URL is not under " + allowedPrefix);
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("response_type", "in_channel");
        body.put("replace_original", false);
        body.put("text", OutcomeText.chatLine(outcome));
        try {
            HttpResponse<Void> response = http.get().send(HttpRequest.newBuilder(URI.create(replyUrl))
                    .timeout(Duration.ofSeconds(3))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.write(Json.object(body)))).build(), HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() >= 300) {
                Log.warn("reply not accepted by Slack", "http_status", response.statusCode());
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            Log.warn("reply not posted: " + e.getClass().getSimpleName());
        }
    }
}
