package com.composerelay.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The HttpApi routes of one function as the built template declares them, and the one API Gateway's
 * HTTP APIs would pick for a request: a full match first (a literal segment before a path variable,
 * a named method before {@code ANY}), then routes ending in a greedy {@code {proxy+}} (the longest
 * literal start first), then {@code $default}; none matching is API Gateway's 404.
 */
public final class HttpApiRoutes {
    /** Authorizer names as SAM writes them in {@code Auth.Authorizer}. */
    public static final String AWS_IAM = "AWS_IAM";
    public static final String NONE = "NONE";
    static final String ANY = "ANY";
    static final String DEFAULT_ROUTE = "$default";

    /**
     * One route: its method ({@code ANY} for all), path template ({@code /cvms/{cvm_id}/compose_file},
     * {@code /api/v1/{proxy+}}) and authorizer; method and path both null for {@code $default}.
     */
    public record Route(String method, String path, String authorizer) {
        public Route {
            if ((method == null) != (path == null)) {
                throw new IllegalArgumentException("a route has both a method and a path, or neither ($default)");
            }
            method = method == null ? null : method.toUpperCase(Locale.ROOT);
            authorizer = authorizer == null ? NONE : authorizer;
        }

        /** As API Gateway writes it in {@code routeKey}: {@code PATCH /cvms/{cvm_id}/compose_file}, or {@code $default}. */
        public String routeKey() {
            return method == null ? DEFAULT_ROUTE : method + " " + path;
        }

        public boolean iam() {
            return AWS_IAM.equals(authorizer);
        }
    }

    /** The route picked for a request, with the path parameters it gives (URL-decoded, as API Gateway passes them). */
    public record Match(Route route, Map<String, String> pathParameters) {}

    private enum Kind { LITERAL, VARIABLE, GREEDY }

    private record Segment(Kind kind, String text) {}

    private record Parsed(Route route, List<Segment> segments) {
        boolean greedy() {
            return !segments.isEmpty() && segments.getLast().kind() == Kind.GREEDY;
        }
    }

    /** Most specific first: segment by segment, a literal before a variable before a greedy one; then a named method before ANY. */
    private static final Comparator<Parsed> SPECIFICITY = HttpApiRoutes::compareSegments;

    private final List<Route> routes;
    private final List<Parsed> parsed = new ArrayList<>();

    public HttpApiRoutes(List<Route> routes) {
        this.routes = List.copyOf(routes);
        for (Route route : this.routes) {
            parsed.add(new Parsed(route, route.path() == null ? List.of() : parse(route.path())));
        }
    }

    /**
     * The {@code Type: HttpApi} events of a function in the template, each with its authorizer: the
     * event's {@code Auth.Authorizer}, else the API's {@code DefaultAuthorizer}, else none.
     */
    public static HttpApiRoutes of(SamTemplate template, String functionLogicalId) {
        List<Route> routes = new ArrayList<>();
        template.resource(functionLogicalId).path("Properties").path("Events").properties().forEach(event -> {
            if (!"HttpApi".equals(event.getValue().path("Type").asText())) {
                return;
            }
            JsonNode properties = event.getValue().path("Properties");
            String authorizer = properties.path("Auth").path("Authorizer").asText(null);
            if (authorizer == null) {
                authorizer = defaultAuthorizer(template, properties.path("ApiId"));
            }
            routes.add(new Route(properties.path("Method").asText(null), properties.path("Path").asText(null), authorizer));
        });
        return new HttpApiRoutes(routes);
    }

    private static String defaultAuthorizer(SamTemplate template, JsonNode apiId) {
        JsonNode auth = apiId.has("Ref")
                ? template.resource(apiId.get("Ref").asText()).path("Properties").path("Auth")
                : template.root().path("Globals").path("HttpApi").path("Auth"); // the implicit API
        return auth.path("DefaultAuthorizer").asText(NONE);
    }

    public List<Route> routes() {
        return routes;
    }

    /** The route API Gateway would pick for this method and raw (still percent-encoded) path, if any. */
    public Optional<Match> select(String method, String rawPath) {
        String requestMethod = method.toUpperCase(Locale.ROOT);
        List<String> requestSegments = segments(rawPath);
        return parsed.stream()
                .filter(p -> p.route().method() != null)
                .filter(p -> p.route().method().equals(requestMethod) || p.route().method().equals(ANY))
                .flatMap(p -> Stream.ofNullable(parameters(p.segments(), requestSegments))
                        .map(parameters -> new Candidate(p, parameters)))
                .min(Comparator.comparing(Candidate::parsed, SPECIFICITY))
                .map(c -> new Match(c.parsed().route(), c.parameters()))
                .or(() -> parsed.stream().filter(p -> p.route().method() == null).findFirst()
                        .map(p -> new Match(p.route(), Map.of())));
    }

    private record Candidate(Parsed parsed, Map<String, String> parameters) {}

    private static int compareSegments(Parsed a, Parsed b) {
        if (a.greedy() != b.greedy()) {
            return a.greedy() ? 1 : -1;
        }
        for (int i = 0; i < Math.min(a.segments().size(), b.segments().size()); i++) {
            int byKind = a.segments().get(i).kind().compareTo(b.segments().get(i).kind());
            if (byKind != 0) {
                return byKind;
            }
        }
        boolean aAny = a.route().method().equals(ANY);
        boolean bAny = b.route().method().equals(ANY);
        return Boolean.compare(aAny, bAny);
    }

    /** The path parameters if the route's segments match the request's, else null. */
    private static Map<String, String> parameters(List<Segment> route, List<String> request) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < route.size(); i++) {
            Segment segment = route.get(i);
            if (segment.kind() == Kind.GREEDY) {
                String rest = String.join("/", request.subList(Math.min(i, request.size()), request.size()));
                if (rest.isEmpty()) {
                    return null;
                }
                parameters.put(segment.text(), decode(rest));
                return parameters;
            }
            if (i >= request.size()) {
                return null;
            }
            String value = decode(request.get(i));
            switch (segment.kind()) {
                case LITERAL -> {
                    if (!segment.text().equals(value)) {
                        return null;
                    }
                }
                case VARIABLE -> {
                    if (value.isEmpty()) {
                        return null;
                    }
                    parameters.put(segment.text(), value);
                }
                case GREEDY -> throw new AssertionError();
            }
        }
        return route.size() == request.size() ? parameters : null;
    }

    private static List<Segment> parse(String path) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("route path must start with '/': " + path);
        }
        List<Segment> segments = new ArrayList<>();
        List<String> parts = segments(path);
        for (int i = 0; i < parts.size(); i++) {
            String part = parts.get(i);
            if (part.startsWith("{") && part.endsWith("+}")) {
                if (i != parts.size() - 1) {
                    throw new IllegalArgumentException("a greedy path variable must end the path: " + path);
                }
                segments.add(new Segment(Kind.GREEDY, part.substring(1, part.length() - 2)));
            } else if (part.startsWith("{") && part.endsWith("}")) {
                segments.add(new Segment(Kind.VARIABLE, part.substring(1, part.length() - 1)));
            } else {
                segments.add(new Segment(Kind.LITERAL, part));
            }
        }
        return segments;
    }

    /** "/" is no segment; "/a/b" is [a, b]; "/a/" is [a, ""] (a trailing slash is a path of its own). */
    private static List<String> segments(String path) {
        String rest = path.startsWith("/") ? path.substring(1) : path;
        return rest.isEmpty() ? List.of() : List.of(rest.split("/", -1));
    }

    /** Percent-decoding of a path: '+' stays '+' (it means a space only in forms and query strings). */
    static String decode(String raw) {
        try {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return raw;
        }
    }
}
