package com.composerelay.trigger;

import com.composerelay.codec.Quoted;
import com.composerelay.core.Invocation;
import com.composerelay.json.Json;
import com.fasterxml.jackson.jr.stree.JrsObject;
import com.composerelay.log.Log;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Tells the kind of event from its payload and, for an HTTP request, its route ({@link HttpRoutes},
 * decided once), and hands it to the trigger for that route. A signed route whose secret is not
 * configured answers 404, as if it were not there.
 */
public final class Dispatcher {
    private static final int MAX_KEYS_NAMED = 10;

    /** The triggers of the routes that are on; a signed route that is off is empty. */
    public record Triggers(ApiGatewayTrigger api, SqsTrigger sqs, Optional<SlackCommandTrigger> slack,
                           Optional<HookTrigger> hook, Optional<PhalaEventsTrigger> phalaEvents,
                           Optional<PhalaApiTrigger> phalaApi, Optional<RolloutApiTrigger> rollouts,
                           Optional<RolloutTaskTrigger> rolloutTasks,
                           Optional<SlackInteractionsTrigger> slackInteractions) {
        public Triggers(ApiGatewayTrigger api, SqsTrigger sqs, Optional<SlackCommandTrigger> slack,
                        Optional<HookTrigger> hook, Optional<PhalaEventsTrigger> phalaEvents,
                        Optional<PhalaApiTrigger> phalaApi, Optional<RolloutApiTrigger> rollouts,
                        Optional<RolloutTaskTrigger> rolloutTasks) {
            this(api, sqs, slack, hook, phalaEvents, phalaApi, rollouts, rolloutTasks, Optional.empty());
        }

        public Triggers(ApiGatewayTrigger api, SqsTrigger sqs, Optional<SlackCommandTrigger> slack,
                        Optional<HookTrigger> hook, Optional<PhalaEventsTrigger> phalaEvents,
                        Optional<PhalaApiTrigger> phalaApi) {
            this(api, sqs, slack, hook, phalaEvents, phalaApi, Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    private final Triggers triggers;

    public Dispatcher(Triggers triggers) {
        this.triggers = triggers;
    }

    public JrsValue dispatch(JrsValue event, Invocation invocation) {
        if (isSqs(event)) {
            if (triggers.rolloutTasks().isPresent() && triggers.rolloutTasks().get().accepts(event)) {
                return triggers.rolloutTasks().get().handle(event, invocation);
            }
            return triggers.sqs().handle(event, invocation);
        }
        if (Json.asText(event.path("version"), "").equals("2.0") && Json.has(event.path("requestContext"), "http")) {
            return http(new HttpRequestEvent(event, PayloadFormat.HTTP_API_V2), invocation);
        }
        if (Json.isText(event.path("httpMethod")) && Json.has(event, "requestContext")) {
            return http(new HttpRequestEvent(event, PayloadFormat.REST_API_V1), invocation);
        }
        String what = describe(event);
        Log.error("event refused: unrecognised " + what, null);
        throw new UnrecognisedEvent("unrecognised event: " + what + "; the relay accepts API Gateway (HTTP API "
                + "payload 2.0, REST API proxy) and SQS events; nothing was forwarded");
    }

    private JrsObject http(HttpRequestEvent request, Invocation invocation) {
        return switch (HttpRoutes.decide(request)) {
            case HttpRoutes.Decision.Answer answer -> answer.answer();
            case HttpRoutes.Decision.Found found -> switch (found.route()) {
                case COMPOSE_FILE, UPDATES -> triggers.api().handle(request, found, invocation);
                case SLACK_COMMAND -> triggers.slack().map(t -> t.handle(request, invocation)).orElseGet(Dispatcher::off);
                case SLACK_INTERACTIONS -> triggers.slackInteractions().map(t -> t.handle(request, invocation))
                        .orElseGet(Dispatcher::off);
                case CI_HOOK -> triggers.hook().map(t -> t.handle(request, invocation)).orElseGet(Dispatcher::off);
                case PHALA_EVENTS -> triggers.phalaEvents().map(t -> t.handle(request, invocation))
                        .orElseGet(Dispatcher::off);
                case PHALA_API -> triggers.phalaApi().map(t -> t.handle(request, invocation)).orElseGet(() ->
                        PhalaApiAnswers.detail(404, "the relay's Phala-compatible API is not configured (RELAY_TOKENS_SECRET_ID)"));
                case ROLLOUTS, ROLLOUT, ROLLOUT_CANCEL, ROLLOUT_RESUME -> triggers.rollouts()
                        .map(t -> t.http(request, found, invocation)).orElseGet(() -> HttpRequestEvent.error(404,
                                "rollouts are not configured on this relay (ROLLOUT_STATE_MACHINE_ARN)"));
            };
        };
    }

    private static JrsObject off() {
        return HttpRequestEvent.error(404, "this route is not configured on this relay");
    }

    private static boolean isSqs(JrsValue event) {
        JrsValue records = event.path("Records");
        return records.isArray() && records.size() > 0
                && "aws:sqs".equals(Json.asText(records.get(0).path("eventSource"), null));
    }

    /** Names what arrived: its source, its records' source, or its top-level keys. */
    static String describe(JrsValue event) {
        if (!event.isObject()) {
            return "a JSON " + Json.kind(event).toLowerCase(java.util.Locale.ROOT) + " instead of an event object";
        }
        if (Json.isText(event.path("source"))) {
            return "event with source '" + clip(Json.text(event.get("source"))) + "'";
        }
        JrsValue first = event.path("Records").path(0);
        String recordSource = Json.asText(first.path("eventSource"), Json.asText(first.path("EventSource"), null));
        if (recordSource != null) {
            return "event with records from '" + clip(recordSource) + "'";
        }
        List<String> keys = new ArrayList<>();
        event.fieldNames().forEachRemaining(k -> keys.add(clip(k)));
        if (keys.isEmpty()) {
            return "empty event object";
        }
        String named = String.join(", ", keys.subList(0, Math.min(keys.size(), MAX_KEYS_NAMED)));
        return "event with top-level keys [" + named + (keys.size() > MAX_KEYS_NAMED ? ", ..." : "") + "]";
    }

    private static String clip(String text) {
        return Quoted.clip(text, 64);
    }
}
