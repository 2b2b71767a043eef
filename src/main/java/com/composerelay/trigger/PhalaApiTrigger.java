package com.composerelay.trigger;

import com.composerelay.codec.ComposeUpdateJson;
import com.composerelay.codec.Quoted;
import com.composerelay.core.CallerStatus;
import com.composerelay.core.ComposeUpdate;
import com.composerelay.core.Fingerprint;
import com.composerelay.core.InvalidRequest;
import com.composerelay.core.Invocation;
import com.composerelay.core.Outcome;
import com.composerelay.core.PhalaFleet;
import com.composerelay.core.PhalaPassThrough;
import com.composerelay.core.Pipeline;
import com.composerelay.core.Relay;
import com.composerelay.core.RelayToken;
import com.composerelay.core.RelayTokens;
import com.composerelay.core.StoreKeys;
import com.composerelay.core.StoreUnavailable;
import com.composerelay.core.TokenCheck;
import com.composerelay.core.TokenRevocations;
import com.composerelay.core.TokenScope;
import com.composerelay.core.Trigger;
import com.composerelay.json.Json;
import com.composerelay.log.Log;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.util.ArrayList;
import java.util.List;
import com.fasterxml.jackson.jr.stree.JrsObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The relay's Phala-compatible API ({@code /api/v1/…}): what Phala's own CLI and SDKs call, with a
 * relay token in {@code X-API-Key} instead of the Phala key. The compose update's two calls, the
 * CVM read and the CLI's deploy PATCH are forwarded with the real key, under the relay's rules
 * (retries, deadline, idempotency and an outcome with the token's name for what changes a CVM);
 * answers keep Phala's statuses and error shapes ({@code {"detail": …}}), so the clients print
 * their usual messages. Anything else is refused (403), and nothing is forwarded without a live token
 * for the CVM (401 unknown, expired or revoked; 403 another CVM, or outside the token's scopes, which
 * the unified PATCH checks per field). {@code DELETE /tokens/self} revokes the calling token, never forwarded.
 */
public final class PhalaApiTrigger {
    private static final Pattern SELF_PATH = Pattern.compile("/api/v1/tokens/self/?");
    private static final Pattern CVM_PATH = Pattern.compile(
            "/api/v1/cvms/([^/]+)(/compose_file(?:/provision)?|/state|/revisions/([^/]+)/redeploy)?/?");
    private static final Pattern APP_REVISIONS_PATH = Pattern.compile("/api/v1/apps/([^/]+)/revisions/?");
    private static final Pattern STATUS_BATCH_PATH = Pattern.compile("/api/v1/status/batch/?");
    /** A revision id or an app id in a path: what Phala's ids are made of. */
    private static final Pattern PATH_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final Pattern STATUS = Pattern.compile("[a-z_]{1,32}");
    /** An app id in a path: its hex, with or without {@code app_}. */
    private static final Pattern APP_ID = Pattern.compile("(app_)?[0-9a-fA-F]{1,64}");

    private final TokenCheck tokens;
    private final TokenRevocations revocations;
    private final PhalaPassThrough phala;
    private final Relay relay;
    private final Pipeline pipeline;
    private final Clock clock;
    private final PhalaStateWatch stateWatch;

    public PhalaApiTrigger(TokenCheck tokens, TokenRevocations revocations, PhalaPassThrough phala, Relay relay,
                           Pipeline pipeline, Clock clock) {
        this(tokens, revocations, phala, relay, pipeline, clock, Thread::sleep);
    }

    /** @param sleeper how the state watch waits between its reads of Phala */
    public PhalaApiTrigger(TokenCheck tokens, TokenRevocations revocations, PhalaPassThrough phala, Relay relay,
                           Pipeline pipeline, Clock clock, Relay.Sleeper sleeper) {
        this.tokens = tokens;
        this.revocations = revocations;
        this.phala = phala;
        this.relay = relay;
        this.pipeline = pipeline;
        this.clock = clock;
        this.stateWatch = new PhalaStateWatch(relay, phala, sleeper, clock);
    }

    /** One call of this API: what it is, for whom, and the request it came in. */
    private record Call(HttpRequestEvent request, Invocation invocation, String requestId, String method, String cvmId,
                        String suffix, String actor, Instant startedAt) {
        String version() {
            return request.header("X-Phala-Version");
        }
    }

    JrsObject handle(HttpRequestEvent request, Invocation invocation) {
        // The relay's own answers carry a request id too, as Phala's do (Phala's keep Phala's).
        String requestId = request.requestId() != null ? request.requestId() : invocation.requestId();
        return HttpRequestEvent.withHeaderIfAbsent(answer(request, invocation, requestId), "X-Request-ID", requestId);
    }

    private JrsObject answer(HttpRequestEvent request, Invocation invocation, String requestId) {
        var badHeader = CallerHeaders.problem(request); // first: nothing forwarded, no claim taken
        if (badHeader.isPresent()) {
            return PhalaApiAnswers.detail(400, badHeader.get());
        }
        Instant startedAt = clock.instant();
        String method = request.method().toUpperCase(Locale.ROOT);
        String path = request.path();
        Matcher matcher = CVM_PATH.matcher(path);
        String cvmId = matcher.matches() ? decode(matcher.group(1)) : null;
        String suffix = matcher.matches() && matcher.group(2) != null ? matcher.group(2) : "";
        String revisionId = matcher.matches() && matcher.group(3) != null ? decode(matcher.group(3)) : null;
        Matcher app = APP_REVISIONS_PATH.matcher(path);
        String appId = app.matches() ? decode(app.group(1)) : null;
        if (cvmId != null) {
            try {
                ComposeUpdate.checkCvmId(cvmId);
            } catch (InvalidRequest problem) {
                return PhalaApiAnswers.detail(400, problem.getMessage());
            }
        }
        if (revisionId != null && !PATH_ID.matcher(revisionId).matches()) {
            return PhalaApiAnswers.detail(400, "revision_id: must be 1 to 128 of A-Z a-z 0-9 _ -");
        }
        if (appId != null && !APP_ID.matcher(appId).matches()) {
            return PhalaApiAnswers.detail(400, "app_id: must be an app id: its hex (1 to 64 hex digits), with or"
                    + " without app_");
        }
        // Routes about several CVMs or an app check the token's list themselves.
        boolean listed = appId != null || STATUS_BATCH_PATH.matcher(path).matches();
        // DELETE /tokens/self is the relay's own (never forwarded: it would revoke the relay's Phala key).
        boolean self = method.equals("DELETE") && SELF_PATH.matcher(path).matches();
        TokenCheck.Verdict verdict;
        try {
            verdict = self || listed ? tokens.self(request.header("X-API-Key"))
                    : tokens.check(request.header("X-API-Key"), cvmId);
        } catch (RelayTokens.Unavailable e) {
            Log.warn("relay tokens not readable: " + e.getMessage(), "request_id", requestId);
            return PhalaApiAnswers.detail(503, "the relay could not read its tokens; try again later");
        } catch (StoreUnavailable e) {
            // Fail closed: a token whose revocation cannot be checked is not used.
            Log.warn("relay token revocations not readable: " + e.getMessage(), "request_id", requestId);
            return PhalaApiAnswers.detail(503, "the relay could not check whether this relay token was revoked"
                    + " (its table is unavailable); nothing was forwarded, try again later");
        }
        RelayToken token;
        switch (verdict) {
            case TokenCheck.Verdict.Unknown unknown -> {
                Log.info("Phala API request refused: no valid relay token", "request_id", requestId);
                return PhalaApiAnswers.detail(401, "Invalid API key: the relay takes a relay token (crt_…) in X-API-Key");
            }
            case TokenCheck.Verdict.Expired expired -> {
                Log.info("Phala API request refused: the relay token expired", "request_id", requestId,
                        "actor", "token:" + expired.token().name());
                return PhalaApiAnswers.detail(401, "Invalid API key: relay token " + expired.token().name() + " expired at "
                        + expired.token().expiresAt() + "; ask for a new one");
            }
            case TokenCheck.Verdict.Revoked revoked -> {
                Log.info("Phala API request refused: the relay token was revoked", "request_id", requestId,
                        "actor", "token:" + revoked.token().name());
                return PhalaApiAnswers.detail(401, "Invalid API key: relay token " + revoked.token().name() + " was revoked");
            }
            case TokenCheck.Verdict.OutOfScope out -> {
                Log.info("Phala API request refused: the token does not cover this CVM", "request_id", requestId,
                        "actor", "token:" + out.name());
                return PhalaApiAnswers.detail(403, cvmId == null ? "this relay token may not use this operation"
                        : "this relay token may not update or read this CVM");
            }
            case TokenCheck.Verdict.Unresolved unresolved -> {
                return unresolved(unresolved, requestId);
            }
            case TokenCheck.Verdict.Allowed allowed -> token = allowed.token();
        }
        if (self) {
            return revokeSelf(token, requestId);
        }
        Call call = new Call(request, invocation, requestId, method, cvmId, suffix, "token:" + token.name(), startedAt);
        String operation = method + " " + (cvmId != null ? "/api/v1/cvms/{cvm_id}"
                + (revisionId != null ? "/revisions/{revision_id}/redeploy" : suffix)
                : appId != null ? "/api/v1/apps/{app_id}/revisions" : listed ? "/api/v1/status/batch" : path);
        return switch (operation) {
            case "GET /api/v1/cvms/{cvm_id}" -> scoped(call, token, TokenScope.READ, "read this CVM", this::passThrough);
            case "POST /api/v1/cvms/{cvm_id}/compose_file/provision" ->
                    scoped(call, token, TokenScope.DEPLOY, "provision a compose", this::passThrough);
            case "PATCH /api/v1/cvms/{cvm_id}/compose_file" ->
                    scoped(call, token, TokenScope.DEPLOY, "update this CVM's compose", this::commit);
            case "PATCH /api/v1/cvms/{cvm_id}" -> deploy(call, token);
            case "GET /api/v1/cvms/{cvm_id}/state" -> scoped(call, token, TokenScope.READ, "read this CVM's state",
                    this::state);
            case "POST /api/v1/cvms/{cvm_id}/revisions/{revision_id}/redeploy" -> scoped(call, token, TokenScope.DEPLOY,
                    "redeploy a revision on this CVM", c -> redeploy(c, revisionId));
            case "POST /api/v1/status/batch" -> scoped(call, token, TokenScope.READ, "read CVMs' status",
                    c -> statusBatch(c, token));
            case "GET /api/v1/apps/{app_id}/revisions" -> scoped(call, token, TokenScope.READ, "read an app's revisions",
                    c -> appRevisions(c, token, appId));
            default -> PhalaApiAnswers.detail(403, "the relay does not forward " + method + " " + Quoted.clip(path, 80)
                    + ": it forwards GET /cvms/{cvm_id}, GET /cvms/{cvm_id}/state, POST /cvms/{cvm_id}/compose_file/provision,"
                    + " PATCH /cvms/{cvm_id}/compose_file, PATCH /cvms/{cvm_id}, POST"
                    + " /cvms/{cvm_id}/revisions/{revision_id}/redeploy, POST /status/batch and GET"
                    + " /apps/{app_id}/revisions only (and answers DELETE /tokens/self itself)");
        };
    }

    /** {@code route} if the token's scopes include {@code needed}, else 403 naming the scope, nothing forwarded. */
    private static JrsObject scoped(Call call, RelayToken token, TokenScope needed, String what,
                                    java.util.function.Function<Call, JrsObject> route) {
        return PhalaApiScopes.route(token, needed, what).map(refused -> outOfScope(call, refused))
                .orElseGet(() -> route.apply(call));
    }

    private static JrsObject outOfScope(Call call, String detail) {
        Log.info("Phala API request refused: outside the relay token's scopes", "request_id", call.requestId(),
                "actor", call.actor());
        return PhalaApiAnswers.detail(403, detail);
    }

    /**
     * {@code DELETE /tokens/self}: records the calling token as revoked in the relay's table, which every
     * use of a token reads, so it holds at once on every instance; 204. Never forwarded to Phala.
     */
    private JrsObject revokeSelf(RelayToken token, String requestId) {
        if (!revocations.durable()) {
            return PhalaApiAnswers.detail(501, "the relay cannot revoke tokens without its table (IDEMPOTENCY_TABLE_NAME):"
                    + " ask the relay's operator to remove relay token " + token.name() + " from the tokens secret");
        }
        Instant until;
        try {
            until = revocations.revoke(token);
        } catch (StoreUnavailable e) {
            Log.warn("relay token revocation not recorded: " + e.getMessage(), "request_id", requestId,
                    "actor", "token:" + token.name());
            return PhalaApiAnswers.detail(503, "the relay could not record the revocation (its table is unavailable);"
                    + " the token still works, try again later");
        }
        Log.info("relay token revoked by its holder", "request_id", requestId, "actor", "token:" + token.name(),
                "kept_until", until.toString());
        return PhalaApiAnswers.noContent();
    }

    private static JrsObject unresolved(TokenCheck.Verdict.Unresolved unresolved, String requestId) {
        Log.warn("Phala API request not checked: " + unresolved.why(), "request_id", requestId,
                "actor", "token:" + unresolved.name());
        return PhalaApiAnswers.detail(503, "the relay could not match this CVM against the relay token's ids ("
                + unresolved.why() + "); nothing was forwarded, try again later");
    }

    /**
     * {@code GET /cvms/{id}/state}: with {@code target}, the SDKs' watch (server-sent events, ended
     * within API Gateway's window, {@link PhalaStateWatch}); without, Phala's state as it answers it.
     */
    private JrsObject state(Call call) {
        String target = call.request().query("target");
        if (target == null) {
            return passThrough(call);
        }
        if (!STATUS.matcher(target).matches()) {
            return PhalaApiAnswers.detail(400, "target: must be a CVM status such as running (1 to 32 of a-z _)");
        }
        String interval = call.request().query("interval");
        int seconds = PhalaStateWatch.DEFAULT_INTERVAL_SECONDS;
        if (interval != null) {
            if (!interval.matches("[0-9]{1,2}") || Integer.parseInt(interval) < 2 || Integer.parseInt(interval) > 60) {
                return PhalaApiAnswers.detail(400, "interval: must be 2 to 60 seconds");
            }
            seconds = Integer.parseInt(interval);
        }
        return stateWatch.watch(call.cvmId(), target, seconds, call.version(), call.invocation());
    }

    /** {@code POST /status/batch}: every vm_uuid asked for must be the token's (in any id form), else 403 naming them. */
    private JrsObject statusBatch(Call call, RelayToken token) {
        List<String> vmUuids = new ArrayList<>();
        try {
            JrsValue body = PhalaApiAnswers.jsonObject(call.request()).tree();
            JrsValue list = body.path("vm_uuids");
            if (!list.isArray() || list.size() < 1 || list.size() > PhalaFleet.MAX_CVMS) {
                throw new InvalidRequest("vm_uuids", "must be a list of 1 to " + PhalaFleet.MAX_CVMS + " CVM UUIDs");
            }
            for (int i = 0; i < list.size(); i++) {
                JrsValue item = list.get(i);
                if (!Json.isText(item) || !PATH_ID.matcher(Json.text(item)).matches()) {
                    throw new InvalidRequest("vm_uuids[" + i + "]", "must be a CVM UUID (1 to 128 of A-Z a-z 0-9 _ -)");
                }
                if (vmUuids.contains(Json.text(item))) {
                    throw new InvalidRequest("vm_uuids[" + i + "]", "is listed twice");
                }
                vmUuids.add(Json.text(item));
            }
        } catch (InvalidRequest problem) {
            return PhalaApiAnswers.detail(400, problem.getMessage());
        }
        List<String> refused = new ArrayList<>();
        for (String vmUuid : vmUuids) {
            switch (tokens.covers(token, vmUuid)) {
                case TokenCheck.Verdict.Unresolved unresolved -> {
                    return unresolved(unresolved, call.requestId());
                }
                case TokenCheck.Verdict.Allowed allowed -> { }
                default -> refused.add(vmUuid);
            }
        }
        if (!refused.isEmpty()) {
            return outOfScope(call, "this relay token may not read these CVMs: " + String.join(", ", refused));
        }
        String body = Json.write(Json.object(Map.of("vm_uuids", vmUuids)));
        Relay.Call answered = relay.call(call.invocation().deadline(), (key, timeout) -> phala.forwardPath("POST",
                "/api/v1/status/batch", body, call.version(), key, timeout));
        return PhalaApiAnswers.response(PhalaApiAnswers.phalaAnswered(answered, answered.outcome(facts(call, null, answered))));
    }

    /** {@code GET /apps/{app_id}/revisions}: the token must list the app (its app_id, in either form) or every CVM. */
    private JrsObject appRevisions(Call call, RelayToken token, String appId) {
        if (!token.covers(List.of(appId))) {
            return outOfScope(call, "this relay token may not read app " + appId + ": list its app_id in the token");
        }
        StringBuilder query = new StringBuilder();
        for (String name : new String[] {"page", "page_size"}) {
            String value = call.request().query(name);
            if (value == null) {
                continue;
            }
            int max = name.equals("page") ? 100_000 : PhalaFleet.MAX_PAGE_SIZE;
            if (!value.matches("[0-9]{1,6}") || Integer.parseInt(value) < 1 || Integer.parseInt(value) > max) {
                return PhalaApiAnswers.detail(400, name + ": must be a whole number from 1 to " + max);
            }
            query.append(query.isEmpty() ? "?" : "&").append(name).append('=').append(Integer.parseInt(value));
        }
        String target = "/api/v1/apps/" + appId + "/revisions" + query;
        Relay.Call answered = relay.call(call.invocation().deadline(), (key, timeout) -> phala.forwardPath("GET", target,
                null, call.version(), key, timeout));
        return PhalaApiAnswers.response(PhalaApiAnswers.phalaAnswered(answered, answered.outcome(facts(call, null, answered))));
    }

    /** {@code POST /cvms/{id}/revisions/{revision_id}/redeploy}: a rollback by a client, an update with an outcome. */
    private JrsObject redeploy(Call call, String revisionId) {
        String suffix = "/revisions/" + revisionId + "/redeploy";
        String fingerprint = Fingerprint.sha256Hex((call.cvmId() + "\n" + suffix).getBytes(StandardCharsets.UTF_8));
        return changing(call, "POST", fingerprint, suffix, null, null);
    }

    /** A read (the CVM) or a provision: forwarded with the relay's retries, answered as Phala answered; no outcome. */
    private JrsObject passThrough(Call call) {
        String body = null;
        if (call.method().equals("POST")) {
            try {
                body = PhalaApiAnswers.jsonObject(call.request()).text();
            } catch (InvalidRequest problem) {
                return PhalaApiAnswers.detail(400, problem.getMessage());
            }
        }
        Relay.Call answered = forward(call, call.method(), call.suffix(), body);
        return PhalaApiAnswers.response(PhalaApiAnswers.phalaAnswered(answered, answered.outcome(facts(call, null, answered))));
    }

    /** The compose update's commit: the relay's PATCH, with its validation, idempotency and outcome. */
    private JrsObject commit(Call call) {
        ComposeUpdate update;
        try {
            update = ComposeUpdateJson.read(PhalaApiAnswers.jsonObject(call.request()).tree(), call.cvmId());
        } catch (InvalidRequest problem) {
            return PhalaApiAnswers.detail(400, problem.getMessage());
        }
        return changing(call, Fingerprint.of(update), "/compose_file", ComposeUpdateJson.write(update), update.composeHash());
    }

    /**
     * The unified update ({@code PATCH /cvms/{id}}, the CLI's deploy): a JSON object passed through, with an
     * outcome, once every field is within the token's scopes ({@link PhalaApiScopes#unifiedPatch}).
     */
    private JrsObject deploy(Call call, RelayToken token) {
        // Headers that change what Phala does with the PATCH: passed on, they would be dropped, and a
        // prepare-only request applied. Refused by name until the relay forwards them.
        for (String header : new String[] {"X-Prepare-Only", "X-Compose-Hash", "X-Transaction-Hash"}) {
            if (call.request().header(header) != null) {
                return PhalaApiAnswers.detail(400, header + ": the relay does not forward it, so this PATCH would not"
                        + " do what it asks (a prepare-only update would be applied); send the PATCH without it");
            }
        }
        String body;
        try {
            PhalaApiAnswers.Body parsed = PhalaApiAnswers.jsonObject(call.request());
            Optional<String> refused = PhalaApiScopes.unifiedPatch(token, parsed.tree());
            if (refused.isPresent()) {
                return outOfScope(call, refused.get());
            }
            body = parsed.text();
        } catch (InvalidRequest problem) {
            return PhalaApiAnswers.detail(400, problem.getMessage());
        }
        String fingerprint = Fingerprint.sha256Hex((call.cvmId() + "\n" + body).getBytes(StandardCharsets.UTF_8));
        return changing(call, fingerprint, "", body, null);
    }

    /**
     * A PATCH that changes a CVM, through the pipeline: once per key, its outcome published, answered as
     * Phala answered; a duplicate gets the recorded answer (the CLI needs the deploy's correlation_id).
     */
    private JrsObject changing(Call call, String fingerprint, String suffix, String body, String composeHash) {
        return changing(call, "PATCH", fingerprint, suffix, body, composeHash);
    }

    private JrsObject changing(Call call, String method, String fingerprint, String suffix, String body,
                               String composeHash) {
        Outcome.Facts before = new Outcome.Facts(call.requestId(), call.requestId(), Trigger.PHALA_API, call.cvmId(), null,
                0, null, null, call.startedAt(), call.startedAt()).withActor(call.actor());
        Pipeline.Request request = new Pipeline.Request(call.invocation(), key(call.request(), call.requestId()),
                fingerprint, before, () -> {
                    Relay.Call answered = forward(call, method, suffix, body);
                    Outcome outcome = answered.outcome(facts(call, composeHash, answered));
                    return new Pipeline.Done(outcome, PhalaApiAnswers.phalaAnswered(answered, outcome));
                }, null, false);
        return switch (pipeline.handle(request)) {
            case Pipeline.Result.Decided decided -> decided.outcome() instanceof Outcome.Failed f
                    && f.reason() == Outcome.Failure.IDEMPOTENCY_UNAVAILABLE
                    ? PhalaApiAnswers.detail(CallerStatus.of(f), f.error()) : PhalaApiAnswers.response(decided.reply());
            case Pipeline.Result.Redeliver held -> throw new IllegalStateException("an HTTP request is never redelivered");
            case Pipeline.Result.Replayed replayed -> HttpRequestEvent.response(replayed.reply().status(),
                    replayed.reply().body(), Map.of("Idempotent-Replayed", "true"));
            case Pipeline.Result.Busy busy -> PhalaApiAnswers.detail(409, busy.message());
            case Pipeline.Result.Conflict conflict -> PhalaApiAnswers.detail(409, conflict.message());
        };
    }

    /** Forwards one call to Phala with the real key, under the relay's rules (retries, deadline, redaction). */
    private Relay.Call forward(Call call, String method, String suffix, String body) {
        String version = call.version();
        return relay.call(call.invocation().deadline(), (key, timeout) -> phala.forward(method, call.cvmId(), suffix, body,
                version, key, timeout));
    }

    /**
     * The idempotency key of a call that changes a CVM: the client's {@code Idempotency-Key} if it sent
     * one, else this HTTP request's own id. Not the content: Phala's clients send no key, and the same
     * compose sent again later (a rollback, a re-pull) must be deployed again, not answered from memory.
     */
    private static String key(HttpRequestEvent request, String requestId) {
        String header = request.header("Idempotency-Key");
        return StoreKeys.REQUEST_PHALA_API.of(header != null && !header.isBlank() && header.length() <= 255 ? header : "request:" + requestId);
    }

    private static Outcome.Facts facts(Call call, String composeHash, Relay.Call answered) {
        return new Outcome.Facts(call.requestId(), call.requestId(), Trigger.PHALA_API, call.cvmId(), composeHash,
                answered.attempts(), answered.lastStatus(), answered.phalaRequestId(), call.startedAt(),
                call.startedAt().plus(answered.took())).withActor(call.actor());
    }

    private static String decode(String segment) {
        try {
            return java.net.URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return segment;
        }
    }
}
