package com.composerelay.trigger;

import com.fasterxml.jackson.jr.stree.JrsObject;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The signed routes beside the PATCH route: {@code POST /slack/command}, {@code POST
 * /hooks/compose-update} and {@code POST /phala/events}. A route whose secret is not configured
 * answers 404, as if it were not there.
 */
public record WebhookRoutes(Optional<SlackCommandTrigger> slack, Optional<HookTrigger> hook,
                            Optional<PhalaEventsTrigger> phala) {

    public static WebhookRoutes none() {
        return new WebhookRoutes(Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** The answer of the route the event is for, or empty when it is for none of them. */
    public Optional<JrsObject> handle(JrsValue event, PayloadFormat format, Instant deadline,
                                       String lambdaRequestId) {
        HttpRequestEvent request = new HttpRequestEvent(event, format);
        String path = request.path();
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
