package com.composerelay.trigger;

import com.composerelay.json.Json;
import com.fasterxml.jackson.jr.stree.JrsObject;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The relay's HTTP routes, decided here once per request from its path and method: the route and
 * its {@code cvm_id}, or the answer to a path no route serves (404) or a method the route does not
 * take (405). A stage prefix before a route's path (a REST API's {@code /prod/…}) is allowed.
 */
final class HttpRoutes {
    private HttpRoutes() {}

    enum Route {
        /** {@code PATCH /cvms/{cvm_id}/compose_file} (IAM). */
        COMPOSE_FILE,
        /** {@code POST /cvms/{cvm_id}/updates} (IAM): the whole update. */
        UPDATES,
        /** {@code POST /slack/command}. */
        SLACK_COMMAND,
        /** {@code POST /slack/interactions}: the buttons of a rollout's card. */
        SLACK_INTERACTIONS,
        /** {@code POST /hooks/compose-update}. */
        CI_HOOK,
        /** {@code POST /phala/events}. */
        PHALA_EVENTS,
        /** {@code /api/v1/…}: the Phala-compatible API (its operations are told apart by its trigger). */
        PHALA_API,
        /** {@code POST /rollouts} (IAM): a rollout started. */
        ROLLOUTS,
        /** {@code GET /rollouts/{rollout_id}} (IAM). */
        ROLLOUT,
        /** {@code POST /rollouts/{rollout_id}/cancel} (IAM). */
        ROLLOUT_CANCEL,
        /** {@code POST /rollouts/{rollout_id}/resume} (IAM). */
        ROLLOUT_RESUME
    }

    /** A route found, or the answer that ends the request here. */
    sealed interface Decision {
        /** @param cvmId the path's id: the {@code cvm_id}, or for the rollout routes the {@code rollout_id} */
        record Found(Route route, String cvmId) implements Decision {}

        record Answer(JrsObject answer) implements Decision {}
    }

    private static final Pattern COMPOSE_FILE = Pattern.compile("(?:.*/)?cvms/([^/]*)/compose_file/?");
    private static final Pattern UPDATES = Pattern.compile("(?:.*/)?cvms/([^/]*)/updates/?");
    private static final Pattern ROLLOUTS = Pattern.compile("(?:.*/)?rollouts/?");
    private static final Pattern ROLLOUT = Pattern.compile("(?:.*/)?rollouts/([^/]+)/?");
    private static final Pattern ROLLOUT_ACTION = Pattern.compile("(?:.*/)?rollouts/([^/]+)/(cancel|resume)/?");

    static Decision decide(HttpRequestEvent request) {
        String path = request.path();
        if (path.equals("/api/v1") || path.startsWith("/api/v1/")) {
            return new Decision.Found(Route.PHALA_API, null);
        }
        if (path.endsWith("/slack/command")) {
            return post(request, Route.SLACK_COMMAND);
        }
        if (path.endsWith("/slack/interactions")) {
            return post(request, Route.SLACK_INTERACTIONS);
        }
        if (path.endsWith("/hooks/compose-update")) {
            return post(request, Route.CI_HOOK);
        }
        if (path.endsWith("/phala/events")) {
            return post(request, Route.PHALA_EVENTS);
        }
        if (path.contains("rollouts") && !COMPOSE_FILE.matcher(path).matches() && !UPDATES.matcher(path).matches()) {
            Decision rollout = rolloutRoute(request, path);
            if (rollout != null) {
                return rollout;
            }
        }
        return iamRoute(request, path);
    }

    /** The IAM routes: {@code cvm_id} as API Gateway matched it, else from the path. */
    private static Decision iamRoute(HttpRequestEvent request, String path) {
        String cvmId = Json.text(request.event().path("pathParameters").path("cvm_id"));
        Matcher updates = UPDATES.matcher(path);
        boolean whole = updates.matches();
        if (cvmId == null) {
            Matcher composeFile = COMPOSE_FILE.matcher(path);
            cvmId = composeFile.matches() ? composeFile.group(1) : whole ? updates.group(1) : null;
        }
        if (cvmId == null) {
            return new Decision.Answer(HttpRequestEvent.error(404, "no such route: the relay serves PATCH"
                    + " /cvms/{cvm_id}/compose_file and POST /cvms/{cvm_id}/updates"));
        }
        String allowed = whole ? "POST" : "PATCH";
        String method = request.method();
        if (!allowed.equalsIgnoreCase(method)) {
            return new Decision.Answer(HttpRequestEvent.error(405, "method " + (method.isEmpty() ? "(none)" : method)
                    + " is not allowed: use " + (whole ? "POST /cvms/{cvm_id}/updates" : "PATCH /cvms/{cvm_id}/compose_file"),
                    Map.of("Allow", allowed)));
        }
        return new Decision.Found(whole ? Route.UPDATES : Route.COMPOSE_FILE, cvmId);
    }

    /** The rollout routes, or null when the path is none of them. */
    private static Decision rolloutRoute(HttpRequestEvent request, String path) {
        if (ROLLOUTS.matcher(path).matches()) {
            return post(request, Route.ROLLOUTS);
        }
        Matcher action = ROLLOUT_ACTION.matcher(path);
        if (action.matches()) {
            Decision posted = post(request, "cancel".equals(action.group(2)) ? Route.ROLLOUT_CANCEL : Route.ROLLOUT_RESUME);
            return posted instanceof Decision.Found f ? new Decision.Found(f.route(), action.group(1)) : posted;
        }
        Matcher one = ROLLOUT.matcher(path);
        if (one.matches()) {
            if (request.method().equalsIgnoreCase("GET")) {
                return new Decision.Found(Route.ROLLOUT, one.group(1));
            }
            return new Decision.Answer(HttpRequestEvent.error(405, "method " + request.method()
                    + " is not allowed: use GET", Map.of("Allow", "GET")));
        }
        return null;
    }

    private static Decision post(HttpRequestEvent request, Route route) {
        if (request.method().equalsIgnoreCase("POST")) {
            return new Decision.Found(route, null);
        }
        return new Decision.Answer(HttpRequestEvent.error(405, "method " + request.method() + " is not allowed: use POST",
                Map.of("Allow", "POST")));
    }
}
