package com.composerelay.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An HTTP request as API Gateway's HTTP API hands it to a Lambda integration with payload format
 * 2.0: header names lower-cased and repeats joined by commas, the {@code Cookie} header moved to
 * {@code cookies}, query and path parameters URL-decoded, the body as text for {@code text/*},
 * JSON, XML and JavaScript, base64 otherwise (as AWS does, form posts included).
 */
public final class HttpApiEvent {
    /** The account the local API belongs to and the IAM caller it reports (LocalStack's default account). */
    public static final String LOCAL_ACCOUNT = "000000000000";
    public static final String LOCAL_CALLER_ARN = "arn:aws:iam::" + LOCAL_ACCOUNT + ":user/local-developer";
    public static final String LOCAL_ACCESS_KEY = "AKIA0000LOCALDEVELOP";
    public static final String LOCAL_USER_ID = "AIDA0000LOCALDEVELOP";
    public static final String API_ID = "local";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    /** Connection-level headers: they end at API Gateway's edge and never reach the function. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "upgrade", "http2-settings",
            "te", "trailer", "transfer-encoding", "proxy-connection", "proxy-authorization");
    private static final Set<String> TEXT_TYPES = Set.of("application/json", "application/xml", "application/javascript");

    /**
     * What arrived: method, raw path and query (still percent-encoded; query null when none), the header
     * lines in order with names as sent, the body, and where it came from (client address, server port).
     */
    public record Request(String method, String rawPath, String rawQuery, List<Map.Entry<String, String>> headers,
                          byte[] body, String protocol, String sourceIp, int serverPort) {}

    private HttpApiEvent() {}

    /** The event for a request on the route picked for it, with this request id, received at {@code now}. */
    public static String of(Request request, HttpApiRoutes.Match match, String requestId, Instant now) {
        ObjectNode event = MAPPER.createObjectNode();
        String routeKey = match.route().routeKey();
        Map<String, String> headers = headers(request);
        List<String> cookies = cookies(request);
        event.put("version", "2.0");
        event.put("routeKey", routeKey);
        event.put("rawPath", request.rawPath());
        event.put("rawQueryString", request.rawQuery() == null ? "" : request.rawQuery());
        if (!cookies.isEmpty()) {
            ArrayNode array = event.putArray("cookies");
            cookies.forEach(array::add);
        }
        ObjectNode headerNode = event.putObject("headers");
        headers.forEach(headerNode::put);
        Map<String, String> query = queryParameters(request.rawQuery());
        if (!query.isEmpty()) {
            ObjectNode node = event.putObject("queryStringParameters");
            query.forEach(node::put);
        }
        event.set("requestContext", requestContext(request, routeKey, headers, requestId, now, match.route().iam()));
        if (!match.pathParameters().isEmpty()) {
            ObjectNode node = event.putObject("pathParameters");
            match.pathParameters().forEach(node::put);
        }
        boolean base64 = false;
        if (request.body().length > 0) {
            String text = textOrNull(request.body(), headers.get("content-type"));
            base64 = text == null;
            event.put("body", base64 ? Base64.getEncoder().encodeToString(request.body()) : text);
        }
        event.put("isBase64Encoded", base64);
        try {
            return MAPPER.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A request id shaped like API Gateway's ({@code Jb1fHgq7IAMEVfA=}): 11 random bytes in base64. */
    public static String newRequestId() {
        byte[] bytes = new byte[11];
        ThreadLocalRandom.current().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static ObjectNode requestContext(Request request, String routeKey, Map<String, String> headers,
                                             String requestId, Instant now, boolean iam) {
        ObjectNode context = MAPPER.createObjectNode();
        String host = headers.getOrDefault("host", "127.0.0.1");
        String domainName = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1) : host.split(":", 2)[0];
        context.put("accountId", LOCAL_ACCOUNT);
        context.put("apiId", API_ID);
        if (iam) {
            // SigV4 is not checked here: every request on an AWS_IAM route comes from this one local caller.
            ObjectNode caller = context.putObject("authorizer").putObject("iam");
            caller.put("accessKey", LOCAL_ACCESS_KEY);
            caller.put("accountId", LOCAL_ACCOUNT);
            caller.put("callerId", LOCAL_USER_ID);
            caller.putNull("cognitoIdentity");
            caller.putNull("principalOrgId");
            caller.put("userArn", LOCAL_CALLER_ARN);
            caller.put("userId", LOCAL_USER_ID);
        }
        context.put("domainName", domainName);
        context.put("domainPrefix", domainName.split("\\.", 2)[0]);
        ObjectNode http = context.putObject("http");
        http.put("method", request.method().toUpperCase(Locale.ROOT));
        http.put("path", request.rawPath());
        http.put("protocol", request.protocol());
        http.put("sourceIp", request.sourceIp());
        http.put("userAgent", headers.getOrDefault("user-agent", ""));
        context.put("requestId", requestId);
        context.put("routeKey", routeKey);
        context.put("stage", "$default");
        context.put("time", TIME.format(now));
        context.put("timeEpoch", now.toEpochMilli());
        return context;
    }

    /** Names lower-cased, repeats joined by commas, cookies and hop-by-hop headers left out, API Gateway's own added. */
    private static Map<String, String> headers(Request request) {
        Map<String, List<String>> byName = new TreeMap<>();
        for (Map.Entry<String, String> header : request.headers()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (!name.equals("cookie") && !HOP_BY_HOP.contains(name)) {
                byName.computeIfAbsent(name, n -> new ArrayList<>()).add(header.getValue());
            }
        }
        List<String> forwardedFor = byName.computeIfAbsent("x-forwarded-for", n -> new ArrayList<>());
        forwardedFor.add(request.sourceIp());
        byName.put("x-forwarded-port", List.of(String.valueOf(request.serverPort())));
        byName.put("x-forwarded-proto", List.of("http"));
        byName.putIfAbsent("x-amzn-trace-id", List.of(traceId()));
        Map<String, String> joined = new LinkedHashMap<>();
        byName.forEach((name, values) -> joined.put(name, String.join(",", values)));
        return joined;
    }

    private static List<String> cookies(Request request) {
        List<String> cookies = new ArrayList<>();
        for (Map.Entry<String, String> header : request.headers()) {
            if (header.getKey().equalsIgnoreCase("cookie")) {
                for (String cookie : header.getValue().split(";")) {
                    if (!cookie.isBlank()) {
                        cookies.add(cookie.strip());
                    }
                }
            }
        }
        return cookies;
    }

    /** Decoded as a form is ('+' is a space); a repeated name's values joined by commas. */
    private static Map<String, String> queryParameters(String rawQuery) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = formDecode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : formDecode(pair.substring(equals + 1));
            parameters.merge(name, value, (a, b) -> a + "," + b);
        }
        return parameters;
    }

    private static String formDecode(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return raw;
        }
    }

    /** The body as text if its type is one API Gateway passes as text and it is valid UTF-8, else null. */
    static String textOrNull(byte[] body, String contentType) {
        if (contentType == null) {
            return null;
        }
        String mime = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!mime.startsWith("text/") && !TEXT_TYPES.contains(mime)) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException notUtf8) {
            return null;
        }
    }

    /** An X-Ray trace header like API Gateway adds: {@code Root=1-<epoch seconds hex>-<96 random bits hex>}. */
    private static String traceId() {
        byte[] random = new byte[12];
        ThreadLocalRandom.current().nextBytes(random);
        return "Root=1-" + Long.toHexString(Instant.now().getEpochSecond()) + "-" + HexFormat.of().formatHex(random);
    }
}
