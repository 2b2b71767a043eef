package com.composerelay.trigger;

import com.composerelay.codec.ComposeUpdateJson;
import com.composerelay.codec.Quoted;
import com.composerelay.core.CallerStatus;
import com.composerelay.core.ComposeUpdate;
import com.composerelay.core.Fingerprint;
import com.composerelay.core.InvalidRequest;
import com.composerelay.core.Invocation;
import com.composerelay.core.Outcome;
import com.composerelay.core.PhalaPassThrough;
import com.composerelay.core.Pipeline;
import com.composerelay.core.Relay;
import com.composerelay.core.RelayTokens;
import com.composerelay.core.StoreKeys;
import com.composerelay.core.TokenCheck;
import com.composerelay.core.Trigger;
import com.composerelay.log.Log;
import com.fasterxml.jackson.jr.stree.JrsObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
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

    private final TokenCheck tokens;
    private final PhalaPassThrough phala;
    private final Relay relay;
    private final Pipeline pipeline;
    private final Clock clock;

    public PhalaApiTrigger(TokenCheck tokens, PhalaPassThrough phala, Relay relay, Pipeline pipeline, Clock clock) {
        this.tokens = tokens;
        this.phala = phala;
        this.relay = relay;
        this.pipeline = pipeline;
        this.clock = clock;
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
        Instant startedAt = clock.instant();
        String method = request.method().toUpperCase(Locale.ROOT);
        String path = request.path();
        Matcher matcher = CVM_PATH.matcher(path);
        String cvmId = matcher.matches() ? decode(matcher.group(1)) : null;
        String suffix = matcher.matches() && matcher.group(2) != null ? matcher.group(2) : "";
        if (cvmId != null) {
            try {
                ComposeUpdate.checkCvmId(cvmId);
            } catch (InvalidRequest problem) {
                return PhalaApiAnswers.detail(400, problem.getMessage());
            }
        }
        TokenCheck.Verdict verdict;
        try {
            verdict = tokens.check(request.header("X-API-Key"), cvmId);
        } catch (RelayTokens.Unavailable e) {
            Log.warn("relay tokens not readable: " + e.getMessage(), "request_id", requestId);
            return PhalaApiAnswers.detail(503, "the relay could not read its tokens; try again later");
        }
        String name;
        switch (verdict) {
            case TokenCheck.Verdict.Unknown unknown -> {
                Log.info("Phala API request refused: no valid relay token", "request_id", requestId);
                return PhalaApiAnswers.detail(401, "Invalid API key: the relay takes a relay token (crt_…) in X-API-Key");
            }
            case TokenCheck.Verdict.OutOfScope out -> {
                Log.info("Phala API request refused: the token does not cover this CVM", "request_id", requestId,
                        "actor", "token:" + out.name());
                return PhalaApiAnswers.detail(403, cvmId == null ? "this relay token may not use this operation"
                        : "this relay token may not update or read this CVM");
            }
            case TokenCheck.Verdict.Allowed allowed -> name = allowed.name();
        }
        Call call = new Call(request, invocation, requestId, method, cvmId, suffix, "token:" + name, startedAt);
        String operation = method + " " + (cvmId == null ? path : "/api/v1/cvms/{cvm_id}" + suffix);
        return switch (operation) {
            case "GET /api/v1/cvms/{cvm_id}", "POST /api/v1/cvms/{cvm_id}/compose_file/provision" -> passThrough(call);
            case "PATCH /api/v1/cvms/{cvm_id}/compose_file" -> commit(call);
            case "PATCH /api/v1/cvms/{cvm_id}" -> deploy(call);
            default -> PhalaApiAnswers.detail(403, "the relay does not forward " + method + " " + Quoted.clip(path, 80)
                    + ": it forwards GET /cvms/{cvm_id}, POST /cvms/{cvm_id}/compose_file/provision, PATCH"
                    + " /cvms/{cvm_id}/compose_file and PATCH /cvms/{cvm_id} only");
        };
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

    /** The CLI's deploy ({@code PATCH /cvms/{id}}): a JSON object passed through, with an outcome. */
    private JrsObject deploy(Call call) {
        String body;
        try {
            body = PhalaApiAnswers.jsonObject(call.request()).text();
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
        Outcome.Facts before = new Outcome.Facts(call.requestId(), call.requestId(), Trigger.PHALA_API, call.cvmId(), null,
                0, null, null, call.startedAt(), call.startedAt()).withActor(call.actor());
        Pipeline.Request request = new Pipeline.Request(call.invocation(), key(call.request(), call.requestId()),
                fingerprint, before, () -> {
                    Relay.Call answered = forward(call, "PATCH", suffix, body);
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
