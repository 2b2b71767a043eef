package com.composerelay.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rollouts as their callers see them: started once per key (the rollout id is derived from it and
 * names the state machine's execution, so a duplicate never starts a second one), read, cancelled,
 * resumed after a pause or aborted there.
 */
public final class Rollouts {
    /** The most CVMs one rollout takes. */
    public static final int MAX_TARGETS = 100;

    /** The waves of some targets and the state machine's input, decided once the targets are known. */
    public record Planned(List<List<String>> waves, String executionInput) {}

    /** Plans the waves of {@code targets} (in order) for rollout {@code rolloutId}. */
    @FunctionalInterface
    public interface Planner {
        Planned plan(List<String> targets, String rolloutId) throws InvalidRequest;
    }

    /**
     * A rollout asked for: its key and fingerprint, the body it is kept with, its targets (an app's
     * CVMs, or the CVMs listed), who asked and from where.
     */
    public record Start(String key, String fingerprint, String body, String appId, List<String> cvms, Trigger trigger,
                        String actor, String replyUrl, Planner planner, Rollout.Release release) {
        /** A start that releases nothing of a channel. */
        public Start(String key, String fingerprint, String body, String appId, List<String> cvms, Trigger trigger,
                     String actor, String replyUrl, Planner planner) {
            this(key, fingerprint, body, appId, cvms, trigger, actor, replyUrl, planner, null);
        }

        /** The same start, its outcomes also posted to the chat at {@code url}. */
        public Start withReplyUrl(String url) {
            return new Start(key, fingerprint, body, appId, cvms, trigger, actor, url, planner, release);
        }

        /** The same start, releasing {@code what} of a channel. */
        public Start withRelease(Rollout.Release what) {
            return new Start(key, fingerprint, body, appId, cvms, trigger, actor, replyUrl, planner, what);
        }

        /** The same start, its targets these CVMs as already listed (an app's, read just before): no second listing. */
        public Start withListedCvms(List<String> listed) {
            return new Start(key, fingerprint, body, null, List.copyOf(listed), trigger, actor, replyUrl, planner, release);
        }

        /** The same start, by {@code who} from {@code from}. */
        public Start by(Trigger from, String who) {
            return new Start(key, fingerprint, body, appId, cvms, from, who, replyUrl, planner, release);
        }
    }

    /** What asking for a rollout, a cancel or a resume came to. */
    public sealed interface Answer {
        /** The rollout as it stands; {@code created} false for a duplicate or a change to one that exists. */
        record Done(Rollout rollout, boolean created) implements Answer {}

        /** Refused: {@code status} is the HTTP status, {@code message} names the problem. */
        record Refused(int status, String message) implements Answer {}
    }

    private final RolloutStore store;
    private final RolloutEngine engine;
    private final RolloutReports reports;
    private final Relay relay;
    private final PhalaFleet fleet;
    private final Duration window;
    private final Clock clock;

    /** @param window how long a key names the same rollout after it ended (the idempotency window) */
    public Rollouts(RolloutStore store, RolloutEngine engine, RolloutReports reports, Relay relay, PhalaFleet fleet,
                    Duration window, Clock clock) {
        this.store = store;
        this.engine = engine;
        this.reports = reports;
        this.relay = relay;
        this.fleet = fleet;
        this.window = window;
        this.clock = clock;
    }

    /** The id a key's rollout gets: the key's hash; after an ended rollout older than the window, the next in line. */
    static String idOf(String key, int generation) {
        String seed = generation == 0 ? key : key + "#" + generation;
        return "ro_" + Fingerprint.sha256Hex(seed.getBytes(java.nio.charset.StandardCharsets.UTF_8)).substring(0, 24);
    }

    public Answer start(Start start, Invocation invocation) {
        if (!engine.configured()) {
            return new Answer.Refused(503, "rollouts need the rollout state machine (ROLLOUT_STATE_MACHINE_ARN), which"
                    + " this relay is not configured with");
        }
        try {
            Located located = locate(start.key());
            String id = located.id();
            Rollout existing = located.existing();
            if (existing != null) {
                if (!existing.fingerprint().equals(start.fingerprint())) {
                    return new Answer.Refused(422, "Idempotency-Key: was used for a different rollout ("
                            + existing.rolloutId() + ") within the idempotency window; use a new key");
                }
                if ("starting".equals(existing.status())) {
                    return begin(existing);
                }
                return new Answer.Done(existing, false);
            }
            return create(id, start, invocation.deadline());
        } catch (StoreUnavailable e) {
            return new Answer.Refused(503, "the rollout could not be recorded, so nothing was started: " + e.getMessage());
        }
    }

    /** The id a key's rollout has or would get, and that rollout when it has not ended or ended within the window. */
    private record Located(String id, Rollout existing) {}

    private Located locate(String key) throws StoreUnavailable {
        String id = null;
        Rollout existing = null;
        for (int generation = 0; generation < 50; generation++) {
            id = idOf(key, generation);
            Optional<Rollout> found = store.find(id);
            if (found.isEmpty()) {
                existing = null;
                break;
            }
            existing = found.get();
            if (!existing.ended() || existing.endedAt() == null
                    || clock.instant().isBefore(existing.endedAt().plus(window))) {
                break;
            }
        }
        return new Located(id, existing);
    }

    /**
     * The rollout a key names now (one that has not ended, or ended within the idempotency window),
     * as {@link #start} would answer a duplicate: a rollout whose execution a start left unstarted is
     * started now. Empty when a start with this key would make a new one.
     */
    public Optional<Answer> known(String key) throws StoreUnavailable {
        Rollout existing = locate(key).existing();
        if (existing == null) {
            return Optional.empty();
        }
        return Optional.of("starting".equals(existing.status()) ? begin(existing) : new Answer.Done(existing, false));
    }


    private Answer create(String id, Start start, Instant deadline) throws StoreUnavailable {
        List<String> targets = start.cvms();
        if (start.appId() != null) {
            Relay.Call call = relay.call(deadline, (key, timeout) -> fleet.appCvms(start.appId(), key, timeout));
            if (!call.succeeded()) {
                int status = call.rejection() != null ? 422 : 503;
                return new Answer.Refused(status, "targets.app_id: the app's CVMs could not be listed: " + call.error());
            }
            PhalaAnswer listed = call.answer();
            if ("true".equals(listed.value(PhalaFleet.TOO_MANY))) {
                return new Answer.Refused(400, "targets.app_id: app " + start.appId() + " has more than "
                        + MAX_TARGETS + " CVMs, more than one rollout takes; list them in targets.cvms in rollouts of"
                        + " at most " + MAX_TARGETS);
            }
            if (listed.value(PhalaFleet.PROBLEM) != null) {
                return new Answer.Refused(502, "targets.app_id: Phala's list of the app's CVMs could not be used: "
                        + listed.value(PhalaFleet.PROBLEM));
            }
            targets = PhalaFleet.list(listed.value(PhalaFleet.CVMS));
            if (targets.isEmpty()) {
                return new Answer.Refused(422, "targets.app_id: Phala lists no CVM of app " + start.appId());
            }
        }
        Planned planned;
        try {
            planned = start.planner().plan(targets, id);
        } catch (InvalidRequest e) {
            return new Answer.Refused(400, e.getMessage());
        }
        List<String> held = new ArrayList<>();
        for (String cvm : targets) {
            String holder = store.hold(cvm, id);
            if (!holder.equals(id)) {
                for (String taken : held) {
                    store.release(taken, id);
                }
                return new Answer.Refused(409, "targets: CVM " + cvm + " is in rollout " + holder
                        + ", which has not ended; cancel it or wait for it to end");
            }
            held.add(cvm);
        }
        List<Rollout.Wave> waves = new ArrayList<>();
        for (int i = 0; i < planned.waves().size(); i++) {
            waves.add(new Rollout.Wave(i + 1, "pending", null, planned.waves().get(i).stream()
                    .map(cvm -> new Rollout.Target(cvm, "pending", null, null, null, null, null)).toList()));
        }
        Rollout rollout = new Rollout(id, "starting", start.fingerprint(), null, start.trigger(), start.actor(),
                start.replyUrl(), clock.instant(), null, waves, Map.of(), null, null, null, null, null,
                planned.executionInput(), 0, null, start.release());
        if (!store.create(rollout, start.body())) {
            Rollout raced = store.find(id).orElseThrow(() -> new StoreUnavailable("rollout " + id + " vanished"));
            return new Answer.Done(raced, false);
        }
        return begin(rollout.atVersion(RolloutStore.FIRST_VERSION));
    }

    /** Starts the execution of a recorded rollout (again, when a start was cut short: same name, same input). */
    private Answer begin(Rollout rollout) throws StoreUnavailable {
        try {
            engine.start(rollout.rolloutId(), rollout.executionInput());
        } catch (RolloutEngine.Unavailable e) {
            return new Answer.Refused(503, "the rollout " + rollout.rolloutId() + " is recorded but its execution could"
                    + " not be started (" + e.getMessage() + "); send the same request again");
        }
        Rollout running;
        try {
            running = store.update(rollout.rolloutId(), rollout,
                    r -> "starting".equals(r.status()) ? r.withStatus("running") : r);
        } catch (RolloutStore.Changed e) {
            running = rollout.withStatus("running");
        }
        reports.publish(new RolloutReports.Report(RolloutReports.Kind.STARTED, running, null));
        return new Answer.Done(running, true);
    }

    /**
     * Watches a committed whole update to its end as a one-CVM rollout (waves {@code [1]}, stop on
     * failure, nothing left to commit): its checks run on the state machine, and its end publishes the
     * update's own final outcome ({@code completed} or {@code failed}). Says how that went, for the
     * update's outcome: {@code scheduled}, or why not. Keyed by the update's request id (the relay's:
     * an SQS message id, an API request id), never by the correlation id a caller may choose; and
     * {@code scheduled} only when this update's watch is recorded and its execution started.
     */
    public String watch(Outcome.Facts facts, String appId, String hashBefore, Duration interval, Duration timeout) {
        if (!engine.configured()) {
            return "not scheduled: the relay has no rollout state machine (ROLLOUT_STATE_MACHINE_ARN)";
        }
        if (facts.requestId() == null || facts.requestId().isBlank()) {
            return "not scheduled: the update has no request id to key its watch by";
        }
        String id = idOf("watch:" + facts.requestId() + ":" + facts.cvmId(), 0);
        long intervalSeconds = Math.max(1, interval.toSeconds());
        String input = "{\"rollout_id\":\"" + id + "\",\"strategy\":{\"check_interval_seconds\":" + intervalSeconds
                + ",\"bake_seconds\":0,\"has_alarms\":false,\"alarms\":[],\"on_failure\":\"stop\","
                + "\"approval_timeout_seconds\":60},\"waves\":[{\"number\":1,\"approve_after\":false}]}";
        boolean needsProgress = hashBefore != null && ComposeHash.same(hashBefore, facts.composeHash());
        Instant now = clock.instant();
        Rollout.Target target = new Rollout.Target(facts.cvmId(), "updating", null, null, appId, hashBefore, null);
        Rollout rollout = new Rollout(id, "starting", id, facts.composeHash(), facts.trigger(), facts.actor(), null,
                now, null, List.of(new Rollout.Wave(1, "updating", now, List.of(target))),
                appId == null ? Map.of() : Map.of(appId, new Rollout.App(appId, facts.cvmId(), facts.composeHash())),
                null, null, null, null, null, input, 0,
                new Rollout.Watch(facts.requestId(), facts.correlationId(), (int) Math.max(1, timeout.toSeconds()),
                        needsProgress));
        try {
            Rollout recorded = rollout.atVersion(RolloutStore.FIRST_VERSION);
            if (!store.create(rollout, "")) {
                // Recorded before: this update's own watch (a start cut short) is started again with the same
                // name and input; anything else under its id is not this update's, and is not reported as its watch.
                Optional<Rollout> before = store.find(id);
                if (before.isEmpty() || before.get().watch() == null
                        || !facts.requestId().equals(before.get().watch().requestId())) {
                    return "not scheduled: the watch " + id + " is recorded for another update";
                }
                if (!"starting".equals(before.get().status())) {
                    return "scheduled";
                }
                recorded = before.get();
            }
            engine.start(id, input);
            try {
                store.update(id, recorded, r -> "starting".equals(r.status()) ? r.withStatus("running") : r);
            } catch (RolloutStore.Changed e) {
                // Its execution has started: it changed it first.
            }
            return "scheduled";
        } catch (StoreUnavailable e) {
            return "not scheduled: " + e.getMessage();
        } catch (RolloutEngine.Unavailable e) {
            return "not scheduled: the watch's execution could not be started (" + e.getMessage() + ")";
        }
    }

    public Optional<Rollout> find(String rolloutId) throws StoreUnavailable {
        return store.find(rolloutId);
    }

    /** Cancels a rollout: rolled back unless {@code rollback} is false; a paused one is let go at its pause. */
    public Answer cancel(String rolloutId, boolean rollback, String actor) {
        try {
            Optional<Rollout> found = store.find(rolloutId);
            if (found.isEmpty()) {
                return new Answer.Refused(404, "no rollout " + rolloutId);
            }
            if (found.get().ended()) {
                return new Answer.Refused(409, "rollout " + rolloutId + " has ended (" + found.get().status() + ")");
            }
            String mode = rollback ? "rollback" : "keep";
            Rollout before = found.get();
            Rollout saved = save(rolloutId, r -> r.cancel() == null ? r.withCancel(mode).paused(null, null)
                    .withFailure(r.failure() != null ? r.failure() : new Rollout.Failure(null, "cancelled by "
                            + (actor == null ? "a caller" : actor))) : r);
            if (before.pauseToken() != null && saved.cancel().equals(mode)) {
                try {
                    engine.fail(before.pauseToken(), rollback ? RolloutTasks.CANCELLED : RolloutTasks.CANCELLED_KEEP,
                            "cancelled by " + (actor == null ? "a caller" : actor));
                } catch (RolloutEngine.Unavailable e) {
                    // Still paused: keep its token, so that the cancel sent again reaches the execution.
                    store.save(saved.paused(before.pauseToken(), before.pausedAfter()));
                    return new Answer.Refused(503, "the cancel is recorded, the paused execution could not be told: "
                            + e.getMessage() + "; send the cancel again");
                }
            }
            return new Answer.Done(saved, false);
        } catch (StoreUnavailable | RolloutStore.Changed e) {
            return new Answer.Refused(503, "the cancel could not be recorded: " + e.getMessage());
        }
    }

    /** Approves a paused rollout ({@code approve}) or aborts it at its pause, once. */
    public Answer decide(String rolloutId, boolean approve, String actor) {
        try {
            Optional<Rollout> found = store.find(rolloutId);
            if (found.isEmpty()) {
                return new Answer.Refused(404, "no rollout " + rolloutId);
            }
            Rollout before = found.get();
            if (!"paused".equals(before.status()) || before.pauseToken() == null) {
                return new Answer.Refused(409, "rollout " + rolloutId + " is " + before.status() + ", not paused");
            }
            String who = actor == null ? "a caller" : actor;
            Rollout.Wave pausedWave = before.pausedAfter() == null ? null : before.wave(before.pausedAfter()).orElse(null);
            Rollout saved = store.save(approve
                    ? (pausedWave == null ? before : before.withWave(pausedWave.approvedBy(who))).paused(null, null)
                    : before.paused(null, null).withFailure(new Rollout.Failure(null, "aborted at the pause after wave "
                            + before.pausedAfter() + " by " + who)));
            try {
                if (approve) {
                    engine.succeed(before.pauseToken(), "{\"approved\":true}");
                } else {
                    engine.fail(before.pauseToken(), "RolloutAborted", "aborted by " + who);
                }
            } catch (RolloutEngine.Unavailable e) {
                // Still paused: put the pause back as it was, so that the decision can be sent again.
                Rollout back = saved.paused(before.pauseToken(), before.pausedAfter()).withFailure(before.failure());
                store.save(pausedWave == null ? back : back.withWave(pausedWave));
                return new Answer.Refused(503, "the execution could not be told: " + e.getMessage()
                        + "; the rollout is still paused, send the decision again");
            }
            return new Answer.Done(saved, false);
        } catch (RolloutStore.Changed e) {
            return new Answer.Refused(409, "rollout " + rolloutId + " changed while this was decided; read it again");
        } catch (StoreUnavailable e) {
            return new Answer.Refused(503, "the decision could not be recorded: " + e.getMessage());
        }
    }

    private Rollout save(String rolloutId, java.util.function.UnaryOperator<Rollout> change)
            throws StoreUnavailable, RolloutStore.Changed {
        return store.update(rolloutId, null, change);
    }
}
