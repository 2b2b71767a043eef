package com.composerelay.support;

import com.composerelay.core.AppCompose;
import com.composerelay.core.PhalaAnswer;
import com.composerelay.core.PhalaApi;
import com.composerelay.core.PhalaProvisioning;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Phala's provision and CVM read, scripted: each call takes the next scripted answer (or throws the
 * scripted failure), else the default (a provisioned {@link #HASH}; a running CVM with {@link #PUBKEY}).
 * Every call is recorded.
 */
public final class FakeProvisioning implements PhalaProvisioning {
    /** The hash the default provision answers. */
    public static final String HASH = "1111111111111111111111111111111111111111111111111111111111111111";
    public static final String APP_ID = "app_4f1e0c9d8b7a69584736251403f2e1d0c9b8a7f6";
    /** The vm_uuid every scripted CVM read gives. */
    public static final String VM_UUID = "5b1e7c3a9d2f4e6a8b0c1d2e3f4a5b6c";
    /** The public key of the receiver private key 01 02 … 20 (Phala's test vectors, docs/PHALA-FACTS.md). */
    public static final String PUBKEY = "07a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c";

    public record Provisioned(String cvmId, String composeJson, List<String> allowedEnvs, boolean updateEnvVars,
                              String apiKey) {}

    /** One scripted reply: an answer, or a failure to throw. */
    public sealed interface Reply {
        record Answer(PhalaAnswer answer) implements Reply {}

        record Timeout() implements Reply {}

        record Unreachable() implements Reply {}
    }

    public final List<Provisioned> provisions = new ArrayList<>();
    public final List<String> reads = new ArrayList<>();
    public final Deque<Reply> provisionReplies = new ArrayDeque<>();
    public final Deque<Reply> readReplies = new ArrayDeque<>();

    public static PhalaAnswer answer(int status, Map<String, String> values) {
        return new PhalaAnswer(status, status >= 400 ? "scripted " + status : null, "req-" + status, Optional.empty(), null,
                values);
    }

    public static Reply provisioned(String hash) {
        return new Reply.Answer(answer(200, Map.of(COMPOSE_HASH, hash, PhalaProvisioning.APP_ID, FakeProvisioning.APP_ID)));
    }

    /** A CVM read with this status, progress and hash, and the test env public key. */
    public static Reply cvm(String status, boolean inProgress, String hash) {
        Map<String, String> values = new HashMap<>();
        values.put(STATUS, status);
        values.put(IN_PROGRESS, String.valueOf(inProgress));
        values.put(COMPOSE_HASH, hash);
        values.put(ENV_PUBKEY, PUBKEY);
        values.put(PhalaProvisioning.VM_UUID, FakeProvisioning.VM_UUID);
        values.put(PhalaProvisioning.APP_ID, FakeProvisioning.APP_ID);
        return new Reply.Answer(answer(200, values));
    }

    public static Reply status(int status) {
        return new Reply.Answer(answer(status, Map.of()));
    }

    @Override
    public PhalaAnswer provision(String cvmId, AppCompose compose, List<String> allowedEnvs, boolean updateEnvVars,
                                 String apiKey, Duration timeout) throws PhalaApi.Timeout, PhalaApi.Unreachable {
        provisions.add(new Provisioned(cvmId, compose.json(), List.copyOf(allowedEnvs), updateEnvVars, apiKey));
        return reply(provisionReplies, provisioned(HASH));
    }

    @Override
    public PhalaAnswer readCvm(String cvmId, String apiKey, Duration timeout) throws PhalaApi.Timeout, PhalaApi.Unreachable {
        reads.add(cvmId);
        return reply(readReplies, cvm("running", false, HASH));
    }

    private static PhalaAnswer reply(Deque<Reply> script, Reply fallback) throws PhalaApi.Timeout, PhalaApi.Unreachable {
        Reply reply = script.isEmpty() ? fallback : script.poll();
        return switch (reply) {
            case Reply.Answer a -> a.answer();
            case Reply.Timeout t -> throw new PhalaApi.Timeout("scripted timeout");
            case Reply.Unreachable u -> throw new PhalaApi.Unreachable("scripted: connection refused");
        };
    }
}
