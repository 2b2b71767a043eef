package com.composerelay.codec;

import com.composerelay.core.Outcome;
import com.composerelay.json.Json;
import com.fasterxml.jackson.jr.stree.JrsObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An outcome as an Amazon Q Developer in chat applications (formerly AWS Chatbot) custom
 * notification, so a Slack or Teams channel subscribed through it shows a tidy card: version
 * {@code 1.0}, source {@code custom}, a markdown title and description, and the correlation id as
 * {@code metadata.threadId}, so the outcomes of one update stay in one thread. Every value the card
 * shows is {@link Quoted#mrkdwn quoted}: a cvm_id or an error cannot mention a channel or add a line.
 */
public final class ChatbotNotificationJson {
    private ChatbotNotificationJson() {}

    public static JrsObject tree(Outcome outcome) {
        Outcome.Facts f = outcome.facts();
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("version", "1.0");
        n.put("source", "custom");
        n.put("id", f.requestId());
        Map<String, Object> content = new LinkedHashMap<>();
        n.put("content", content);
        content.put("textType", "client-markdown");
        content.put("title", emoji(outcome) + " " + Quoted.mrkdwn(OutcomeText.title(outcome)));
        content.put("description", OutcomeText.chatLine(outcome));
        List<Object> keywords = new ArrayList<>();
        content.put("keywords", keywords);
        keywords.add(outcome.status());
        keywords.add(f.trigger().wire());
        if (f.cvmId() != null) {
            keywords.add(Quoted.mrkdwn(f.cvmId()));
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        n.put("metadata", metadata);
        metadata.put("threadId", f.correlationId());
        metadata.put("summary", Quoted.mrkdwn(OutcomeText.title(outcome)));
        metadata.put("eventType", "ComposeUpdate");
        List<Object> related = new ArrayList<>();
        metadata.put("relatedResources", related);
        if (f.cvmId() != null) {
            related.add(f.cvmId());
        }
        Map<String, Object> context = new LinkedHashMap<>();
        metadata.put("additionalContext", context);
        context.put("status", outcome.status());
        context.put("trigger", f.trigger().wire());
        put(context, "cvm_id", f.cvmId());
        put(context, "compose_hash", f.composeHash());
        put(context, "request_id", f.requestId());
        put(context, "phala_request_id", f.phalaRequestId());
        return Json.object(n);
    }

    private static String emoji(Outcome outcome) {
        return switch (outcome) {
            case Outcome.Accepted a -> ":arrows_counterclockwise:";
            case Outcome.Completed c -> ":white_check_mark:";
            case Outcome.Rejected r -> ":x:";
            case Outcome.Failed f -> ":warning:";
        };
    }

    private static void put(Map<String, Object> node, String name, String value) {
        if (value != null) {
            node.put(name, Quoted.mrkdwn(value));
        }
    }
}
