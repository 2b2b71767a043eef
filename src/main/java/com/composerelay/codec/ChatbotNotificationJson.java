package com.composerelay.codec;

import com.composerelay.json.Json;
import com.composerelay.json.ObjectNode;
import com.composerelay.core.Outcome;

/**
 * An outcome as an Amazon Q Developer in chat applications (formerly AWS Chatbot) custom
 * notification, so a Slack or Teams channel subscribed through it shows a tidy card: version
 * {@code 1.0}, source {@code custom}, a markdown title and description, and the correlation id as
 * {@code metadata.threadId}, so the outcomes of one update stay in one thread. Every value the card
 * shows is {@link Quoted#mrkdwn quoted}: a cvm_id or an error cannot mention a channel or add a line.
 */
public final class ChatbotNotificationJson {
    private ChatbotNotificationJson() {}

    public static ObjectNode tree(Outcome outcome) {
        Outcome.Facts f = outcome.facts();
        ObjectNode n = Json.object();
        n.put("version", "1.0");
        n.put("source", "custom");
        n.put("id", f.requestId());
        ObjectNode content = n.putObject("content");
        content.put("textType", "client-markdown");
        content.put("title", emoji(outcome) + " " + Quoted.mrkdwn(OutcomeText.title(outcome)));
        content.put("description", OutcomeText.chatLine(outcome));
        var keywords = content.putArray("keywords");
        keywords.add(outcome.status());
        keywords.add(f.trigger().wire());
        if (f.cvmId() != null) {
            keywords.add(Quoted.mrkdwn(f.cvmId()));
        }
        ObjectNode metadata = n.putObject("metadata");
        metadata.put("threadId", f.correlationId());
        metadata.put("summary", Quoted.mrkdwn(OutcomeText.title(outcome)));
        metadata.put("eventType", "ComposeUpdate");
        var related = metadata.putArray("relatedResources");
        if (f.cvmId() != null) {
            related.add(f.cvmId());
        }
        ObjectNode context = metadata.putObject("additionalContext");
        context.put("status", outcome.status());
        context.put("trigger", f.trigger().wire());
        put(context, "cvm_id", f.cvmId());
        put(context, "compose_hash", f.composeHash());
        put(context, "request_id", f.requestId());
        put(context, "phala_request_id", f.phalaRequestId());
        return n;
    }

    private static String emoji(Outcome outcome) {
        return switch (outcome) {
            case Outcome.Accepted a -> ":arrows_counterclockwise:";
            case Outcome.Completed c -> ":white_check_mark:";
            case Outcome.Rejected r -> ":x:";
            case Outcome.Failed f -> ":warning:";
        };
    }

    private static void put(ObjectNode node, String name, String value) {
        if (value != null) {
            node.put(name, Quoted.mrkdwn(value));
        }
    }
}
