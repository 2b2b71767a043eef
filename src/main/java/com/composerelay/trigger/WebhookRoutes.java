package com.composerelay.trigger;

import com.fasterxml.jackson.jr.stree.JrsObject;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The signed routes beside the PATCH route: {@code POST /slack/command}, {@code POST
 * /hooks/compose-update}, {@code POST /phala/events}, and the Phala-compatible API under
 * {@code /api/v1} (relay tokens). A route whose secret is not configured answers 404, as if it
 * were not there.
 */
public record WebhookRoutes(Optional<SlackCommandTrigger> slack, Optional<HookTrigger> hook,
                            Optional<PhalaEventsTrigger> phala, Optional<PhalaApiTrigger> phalaApi) {

    public static WebhookRoutes none() {
        return new WebhookRoutes(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** The answer of the route the event is for, or empty when it is for none of them. */
    public Optional<JrsObject> handle(JrsValue event, PayloadFormat format, Instant deadline,
                                       String lambdaRequestId) {
        HttpRequestEvent request = new HttpRequestEvent(event, format);
        String path = request.path();
        if (PhalaApiTrigger.serves(path)) {
            return Optional.of(phalaApi.map(t -> t.handle(request, deadline, lambdaRequestId)).orElseGet(() ->
                    PhalaApiTrigger.detail(404, "the relay's Phala-compatible API is not configured (RELAY_TOKENS_SECRET_ID)")));
        }
        if (path.endsWith("/slack/command")) {
            return Optional.of(post(request).orElseGet(() -> slack.map(t -> t.handle(request, deadline)).orElseGet(WebhookRoutes::off)));
        }
        if (path.endsWith("/hooks/compose-update")) {
            return Optional.of(post(request).orElseGet(() -> hook.map(t -> t.handle(request, deadline, lambdaRequestId))
                    .orElseGet(WebhookRoutes::off)));
        }
        if (path.endsWith("/phala/events")) {
            return Optional.of(post(request).orElseGet(() -> phala.map(t -> t.handle(request, deadline))
                    .orElseGet(WebhookRoutes::off)));
        }
        return Optional.empty();
    }

    private static Optional<JrsObject> post(HttpRequestEvent request) {
        if (request.method().equalsIgnoreCase("POST")) {
            return Optional.empty();
        }
        return Optional.of(HttpRequestEvent.error(405, "method " + request.method() + " is not allowed: use POST",
                Map.of("Allow", "POST")));
    }

    private static JrsObject off() {
        return HttpRequestEvent.error(404, "this route is not configured on this relay");
    }
}
