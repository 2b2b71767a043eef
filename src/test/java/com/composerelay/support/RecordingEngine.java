package com.composerelay.support;

import com.composerelay.core.RolloutEngine;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A state machine that records what the relay asked of it: starts and task answers. */
public final class RecordingEngine implements RolloutEngine {
    /** One call: {@code start}, {@code success} or {@code failure}, with its name or token and its text. */
    public record Call(String kind, String nameOrToken, String text, String cause) {}

    public final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile boolean down;

    public void goDown() {
        down = true;
    }

    @Override
    public boolean configured() {
        return true;
    }

    @Override
    public void start(String rolloutId, String input) throws Unavailable {
        if (down) {
            throw new Unavailable("StartExecution: ServiceUnavailable (test)");
        }
        calls.add(new Call("start", rolloutId, input, null));
    }

    @Override
    public boolean succeed(String taskToken, String output) throws Unavailable {
        if (down) {
            throw new Unavailable("SendTaskSuccess: ServiceUnavailable (test)");
        }
        calls.add(new Call("success", taskToken, output, null));
        return true;
    }

    @Override
    public boolean fail(String taskToken, String error, String cause) throws Unavailable {
        if (down) {
            throw new Unavailable("SendTaskFailure: ServiceUnavailable (test)");
        }
        calls.add(new Call("failure", taskToken, error, cause));
        return true;
    }
}
