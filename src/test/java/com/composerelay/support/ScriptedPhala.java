package com.composerelay.support;

import com.composerelay.core.ComposeUpdate;
import com.composerelay.core.PhalaAnswer;
import com.composerelay.core.PhalaApi;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/** A Phala stand-in that gives the answers a test scripts, in order, and records every call. */
public final class ScriptedPhala implements PhalaApi {

    /** One recorded call. */
    public record Call(ComposeUpdate update, String apiKey, Duration timeout) {}

    /** One scripted step: an answer, or a failure, taking {@code takes} of the clock. */
    public sealed interface Step {}
    public record Answer(PhalaAnswer answer) implements Step {}
    public record TimesOut() implements Step {}
    public record Unreachable() implements Step {}

    private final Deque<Step> steps = new ArrayDeque<>();
    private final List<Call> calls = new ArrayList<>();
    private final MutableClock clock;

    public ScriptedPhala(MutableClock clock) {
        this.clock = clock;
    }

    public static PhalaAnswer status(int status) {
        return new PhalaAnswer(status, null, "phala-req-" + status, Optional.empty(), null);
    }

    public ScriptedPhala then(int status) {
        steps.add(new Answer(status(status)));
        return this;
    }

    public ScriptedPhala then(PhalaAnswer answer) {
        steps.add(new Answer(answer));
        return this;
    }

    public ScriptedPhala thenTimeout() {
        steps.add(new TimesOut());
        return this;
    }

    public ScriptedPhala thenUnreachable() {
        steps.add(new Unreachable());
        return this;
    }

    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    @Override
    public synchronized PhalaAnswer patchComposeFile(ComposeUpdate update, String apiKey, Duration timeout)
            throws PhalaApi.Timeout, PhalaApi.Unreachable {
        calls.add(new Call(update, apiKey, timeout));
        Step step = steps.isEmpty() ? new Answer(status(202)) : steps.poll();
        return switch (step) {
            case Answer a -> a.answer();
            case TimesOut t -> {
                clock.advance(timeout);
                throw new PhalaApi.Timeout("no whole answer within " + timeout.toMillis() + " ms");
            }
            case Unreachable u -> throw new PhalaApi.Unreachable("connection refused");
        };
    }
}
