package com.composerelay.trigger;

import com.composerelay.codec.ComposeUpdateJson;
import com.composerelay.core.ComposeUpdate;
import com.composerelay.core.Fingerprint;
import com.composerelay.core.InvalidRequest;
import com.composerelay.core.Outcome;
import com.composerelay.core.PhalaAnswer;
import com.composerelay.core.PhalaPassThrough;
import com.composerelay.core.Relay;
import com.composerelay.core.RelayRequest;
import com.composerelay.core.RelayTokens;
import com.composerelay.core.TokenCheck;
import com.composerelay.core.Trigger;
import com.composerelay.json.Json;
import com.composerelay.log.Log;
import com.fasterxml.jackson.jr.stree.JrsObject;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The relay's Phala-compatible API ({@code /api/v1/…}): what Phala's own CLI and SDKs call, with a
 * relay token in {@code X-API-Key} instead of the Phala key. The compose update's two calls, the
 * CVM read and the CLI's deploy PATCH are forwarded with the real key, under the relay's rules
 * (retries, deadline, idempotency and an outcome with the token's name for what changes a CVM);
 * answers keep Phala's statuses and error shapes ({@code {"detail": …}}), so the clients print
 * their usual messages. Anything else is refused (403), and nothing is forwarded without a token
 * for the CVM (401 unknown, 403 another CVM).
 */
public final class PhalaApiTrigger {
    private static final Pattern CVM_PATH = Pattern.compile("/api/v1/cvms/([^/]+)(/compose_file(?:/provision)?)?/?");
    /** The largest JSON body the relay forwards. */
    static final int MAX_BODY = 256 * 1024;

    private final TokenCheck tokens;
    private final PhalaPassThrough phala;
    private final Relay relay;
    private final Delivery delivery;

    public PhalaApiTrigger(TokenCheck tokens, PhalaPassThrough phala, Relay relay, Delivery delivery) {
        this.tokens = tokens;
        this.phala = phala;
        this.relay = relay;
        this.delivery = delivery;
    }

    /** True for a path of this API. */
    static boolean serves(String path) {
        return path.equals("/api/v1") || path.startsWith("/api/v1/");
    }

    JrsObject handle(HttpRequestEvent request, Instant deadline, String lambdaRequestId) {
        // The relay's own answers carry a request id too, as Phala's do (Phala's keep Phala's).
        String requestId = request.requestId() != null ? request.requestId() : lambdaRequestId;
        return HttpRequestEvent.withHeaderIfAbsent(answer(request, deadline, lambdaRequestId), "X-Request-ID", requestId);
    }

    private JrsObject answer(HttpRequestEvent request, Instant deadline, String lambdaRequestId) {
        Instant startedAt = delivery.clock().instant();
        String method = request.method().toUpperCase(Locale.ROOT);
        String path = request.path();
        Matcher matcher = CVM_PATH.matcher(path);
        String cvmId = matcher.matches() ? decode(matcher.group(1)) : null;
        String suffix = matcher.matches() && matcher.group(2) != null ? matcher.group(2) : "";
        String requestId = request.requestId() != null ? request.requestId() : lambdaRequestId;
        if (cvmId != null) {
            try {
                ComposeUpdate.checkCvmId(cvmId);
            } catch (InvalidRequest problem) {
                return detail(400, problem.getMessage());
            }
        }

        TokenCheck.Verdict verdict;
        try {
            verdict = tokens.check(request.header("X-API-Key"), cvmId);
        } catch (RelayTokens.Unavailable e) {
            Log.warn("relay tokens not readable: " + e.getMessage(), "request_id", requestId);
            return detail(503, "the relay could not read its tokens; try again later");
        }
        String name;
        switch (verdict) {
            case TokenCheck.Verdict.Unknown unknown -> {
                Log.info("Phala API request refused: no valid relay token", "request_id", requestId);
                return detail(401, "Invalid API key: the relay takes a relay token (crt_…) in X-API-Key");
            }
            case TokenCheck.Verdict.OutOfScope out -> {
                Log.info("Phala API request refused: the token does not cover this CVM", "request_id", requestId,
                        "actor", "token:" + out.name());
                return detail(403, cvmId == null ? "this relay token may not use this operation"
                        : "this relay token may not update or read this CVM");
            }
            case TokenCheck.Verdict.Allowed allowed -> name = allowed.name();
        }
        String actor = "token:" + name;
        String operation = method + " " + (cvmId == null ? path : "/api/v1/cvms/{cvm_id}" + suffix);
        switch (operation) {
            case "GET /api/v1/cvms/{cvm_id}", "POST /api/v1/cvms/{cvm_id}/compose_file/provision" -> {
                return passThrough(request, method, cvmId, suffix, deadline, requestId);
            }
            case "PATCH /api/v1/cvms/{cvm_id}/compose_file" -> {
                return commit(request, cvmId, deadline, requestId, startedAt, actor);
            }
            case "PATCH /api/v1/cvms/{cvm_id}" -> {
                return deploy(request, cvmId, deadline, requestId, startedAt, actor);
            }
            default -> {
                return detail(403, "the relay does not forward " + method + " " + Dispatcher.clip(path, 80)
                        + ": it forwards GET /cvms/{cvm_id}, POST /cvms/{cvm_id}/compose_file/provision, PATCH"
                        + " /cvms/{cvm_id}/compose_file and PATCH /cvms/{cvm_id} only");
            }
        }
    }

    /** A read (the CVM) or a provision: forwarded with the relay's retries, answered as Phala answered; no outcome. */
    private JrsObject passThrough(HttpRequestEvent request, String method, String cvmId, String suffix, Instant deadline,
                                  String requestId) {
        String body = null;
        if (method.equals("POST")) {
            try {
                body = jsonObject(request).text();
            } catch (InvalidRequest problem) {
                return detail(400, problem.getMessage());
            }
        }
        String sent = body;
        String version = request.header("X-Phala-Version");
        Relay.Call call = relay.call(deadline, (key, timeout) -> phala.forward(method, cvmId, suffix, sent, version, key,
                timeout));
        return asPhalaAnswered(call);
    }

    /** The compose update's commit: the relay's PATCH, with its validation, idempotency and outcome. */
    private JrsObject commit(HttpRequestEvent request, String cvmId, Instant deadline, String requestId,
                             Instant startedAt, String actor) {
        ComposeUpdate update;
        try {
            update = ComposeUpdateJson.read(jsonObject(request).tree(), cvmId);
        } catch (InvalidRequest problem) {
            return detail(400, problem.getMessage());
        }
        RelayRequest relayed = new RelayRequest(requestId, requestId, Trigger.PHALA_API, update, startedAt, deadline, actor);
        String sent = ComposeUpdateJson.write(update);
        String version = request.header("X-Phala-Version");
        return once(relayed.requestId(), key(request, requestId), Fingerprint.of(update), deadline,
                () -> relay.call(deadline, (key, timeout) -> phala.forward("PATCH", cvmId, "/compose_file", sent, version,
                        key, timeout)),
                call -> call.outcome(facts(relayed.requestId(), cvmId, update.composeHash(), call, startedAt, actor)),
                cvmId, startedAt, actor);
    }

    /** The CLI's deploy ({@code PATCH /cvms/{id}}): a JSON object passed through, with an outcome. */
    private JrsObject deploy(HttpRequestEvent request, String cvmId, Instant deadline, String requestId,
                             Instant startedAt, String actor) {
        String body;
        try {
            body = jsonObject(request).text();
        } catch (InvalidRequest problem) {
            return detail(400, problem.getMessage());
        }
        String version = request.header("X-Phala-Version");
        String fingerprint = Fingerprint.sha256Hex((cvmId + "\n" + body).getBytes(StandardCharsets.UTF_8));
        return once(requestId, key(request, requestId), fingerprint, deadline,
                () -> relay.call(deadline, (key, timeout) -> phala.forward("PATCH", cvmId, "", body, version, key, timeout)),
                call -> call.outcome(facts(requestId, cvmId, null, call, startedAt, actor)), cvmId, startedAt, actor);
    }

    /**
     * Runs a call that changes a CVM once per key, publishes its outcome, and answers as Phala did;
     * a duplicate gets the recorded status without a second call.
     */
    private JrsObject once(String requestId, String key, String fingerprint, Instant deadline,
                           java.util.function.Supplier<Relay.Call> work,
                           java.util.function.Function<Relay.Call, Outcome> outcomeOf,
                           String cvmId, Instant startedAt, String actor) {
        AtomicReference<Relay.Call> made = new AtomicReference<>();
        OnceOnly.Result result = delivery.onceOnly().run(requestId, fingerprint, deadline, key, () -> {
            Relay.Call call = work.get();
            made.set(call);
            return outcomeOf.apply(call);
        }, error -> new Outcome.Failed(new Outcome.Facts(requestId, requestId, Trigger.PHALA_API, cvmId, null, 0, null,
                null, startedAt, delivery.clock().instant()).withActor(actor), Outcome.Failure.IDEMPOTENCY_UNAVAILABLE, error),
                outcome -> made.get() != null && made.get().last() != null && made.get().lastStatus() != null
                        ? made.get().last().status() : HttpAnswers.statusOf(outcome),
                // A duplicate gets Phala's own answer again (the CLI needs the deploy's correlation_id).
                outcome -> Json.asText(bodyOf(made.get() == null ? null : asPhalaAnswered(made.get())), "{}"));
        return switch (result) {
            case OnceOnly.Result.Decided decided -> {
                delivery.publish(decided.outcome());
                yield made.get() == null ? detail(HttpAnswers.statusOf(decided.outcome()), decided.outcome().error())
                        : asPhalaAnswered(made.get());
            }
            case OnceOnly.Result.Replayed replayed -> HttpRequestEvent.response(replayed.callerStatus(),
                    replayed.outcomeJson(), Map.of("Idempotent-Replayed", "true"));
            case OnceOnly.Result.Busy busy -> detail(409, busy.message());
            case OnceOnly.Result.Conflict conflict -> detail(409, conflict.message());
        };
    }

    /**
     * The idempotency key of a call that changes a CVM: the client's {@code Idempotency-Key} if it sent
     * one, else this HTTP request's own id. Not the content: Phala's clients send no key, and the same
     * compose sent again later (a rollback, a re-pull) must be deployed again, not answered from memory.
     */
    private static String key(HttpRequestEvent request, String requestId) {
        String header = request.header("Idempotency-Key");
        return "phala-api:" + (header != null && !header.isBlank() && header.length() <= 255 ? header : "request:" + requestId);
    }

    private static JrsValue bodyOf(JrsObject response) {
        return response == null ? null : response.get("body");
    }

    private static Outcome.Facts facts(String requestId, String cvmId, String composeHash, Relay.Call call,
                                       Instant startedAt, String actor) {
        return new Outcome.Facts(requestId, requestId, Trigger.PHALA_API, cvmId, composeHash, call.attempts(),
                call.lastStatus(), call.phalaRequestId(), startedAt, startedAt.plus(call.took())).withActor(actor);
    }

    /** Phala's last answer as it gave it (the key taken out); the relay's own words when none came. */
    private static JrsObject asPhalaAnswered(Relay.Call call) {
        PhalaAnswer last = call.lastStatus() == null ? null : call.last();
        if (last == null) {
            int status = call.failure() == Outcome.Failure.PHALA_TIMEOUT || call.failure() == Outcome.Failure.NO_TIME_LEFT
                    ? 504 : call.failure() == Outcome.Failure.KEY_UNAVAILABLE ? 503 : 502;
            return detail(status, call.error());
        }
        String body = last.value(PhalaPassThrough.RAW_BODY);
        Map<String, String> headers = new LinkedHashMap<>();
        if (last.requestId() != null) {
            headers.put("X-Request-ID", last.requestId());
        }
        if (last.status() == 401) {
            // The relay's own key was refused, even read anew: the client's token was fine.
            return detail(502, "Phala refused the relay's API key (401); the relay's operator must check it");
        }
        return HttpRequestEvent.response(last.status(), body == null || body.isBlank() ? "{}" : body, headers);
    }

    /** A JSON object body within the bound: as sent (what is forwarded) and parsed. */
    private record Body(String text, JrsValue tree) {}

    private static Body jsonObject(HttpRequestEvent request) throws InvalidRequest {
        byte[] raw = request.rawBody();
        if (raw.length > MAX_BODY) {
            throw new InvalidRequest("body", "must be at most " + MAX_BODY + " bytes");
        }
        String text = new String(raw, StandardCharsets.UTF_8);
        JrsValue tree;
        try {
            tree = Json.parse(text);
        } catch (Json.Malformed e) {
            throw new InvalidRequest("body", e.getMessage());
        }
        if (!tree.isObject()) {
            throw new InvalidRequest("body", "must be a JSON object");
        }
        return new Body(text, tree);
    }

    /** An answer in Phala's error shape. */
    static JrsObject detail(int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("detail", message);
        return HttpRequestEvent.response(status, Json.write(Json.object(body)), Map.of());
    }

    private static String decode(String segment) {
        try {
            return java.net.URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return segment;
        }
    }
}
