package com.composerelay.core;

import com.composerelay.core.Rollout.Target;
import com.composerelay.core.Rollout.Wave;
import com.composerelay.core.RolloutTask.Answer;
import com.composerelay.core.RolloutTask.Retry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The relay's side of a rollout: each task the state machine sends, done with the relay's rules
 * for every Phala call ({@link Relay#call}: the key, retries, the deadline, redaction). A task is
 * idempotent: it reads the rollout's record, skips what was done, and writes what it did, so a
 * task delivered twice never commits or redeploys a CVM twice. No task waits: the machine's
 * {@code Wait} states do.
 */
public final class RolloutTasks {
    /** What the tasks need of the rollout's request, read back from the body it was created with. */
    public record Plan(AppCompose appCompose, Map<String, EnvValue> env, Duration waveTimeout) {}

    /** Reads a stored request body into its plan. */
    @FunctionalInterface
    public interface PlanReader {
        Plan read(String body) throws InvalidRequest;
    }

    /** Publishes a watched whole update's final outcome, once (the relay's {@link FinalOutcomes}). */
    @FunctionalInterface
    public interface UpdateEnds {
        void publish(Outcome outcome, Instant holdUntil) throws StoreUnavailable;
    }

    /** A watch's reason when its CVM did not run the update in time (the outcome's failure tells it apart). */
    static final String NOT_HEALTHY_WITHIN = "not healthy within ";
    static final String ROLLOUT_FAILED = "RolloutFailed";
    /** Statuses of a CVM that is down for good unless an update is in progress. */
    private static final java.util.Set<String> STOPPED = java.util.Set.of("stopped", "error", "shutdown");
    static final String ROLLBACK_FAILED = "RollbackFailed";
    static final String CANCELLED = "RolloutCancelled";
    static final String CANCELLED_KEEP = "RolloutCancelledKeep";
    private static final int REVISION_PAGE_SIZE = 100;
    private static final int MAX_REVISION_PAGES = 20;

    private final RolloutStore store;
    private final Relay relay;
    private final PhalaFleet fleet;
    private final PhalaProvisioning cvms;
    private final java.util.function.Supplier<WholeUpdates> wholeUpdates;
    private final PlanReader planReader;
    private final Locks locks;
    private final RolloutReports reports;
    private final Clock clock;
    private final Relay.Sleeper sleeper;
    private final UpdateEnds updateEnds;
    /**
     * The version of each rollout this instance last read or wrote: a task's writes start from it
     * (conditioned on its version, so a stale one only costs a read).
     */
    private final Map<String, Rollout> lastSeen = new java.util.concurrent.ConcurrentHashMap<>();

    public RolloutTasks(RolloutStore store, Relay relay, PhalaFleet fleet, PhalaProvisioning cvms,
                        java.util.function.Supplier<WholeUpdates> wholeUpdates, PlanReader planReader, Locks locks,
                        RolloutReports reports, Clock clock, Relay.Sleeper sleeper) {
        this(store, relay, fleet, cvms, wholeUpdates, planReader, locks, reports, clock, sleeper, (outcome, hold) -> {
            throw new IllegalStateException("this relay publishes no watched update's outcome");
        });
    }

    /** @param updateEnds publishes the final outcome of a whole update watched as a one-CVM rollout */
    public RolloutTasks(RolloutStore store, Relay relay, PhalaFleet fleet, PhalaProvisioning cvms,
                        java.util.function.Supplier<WholeUpdates> wholeUpdates, PlanReader planReader, Locks locks,
                        RolloutReports reports, Clock clock, Relay.Sleeper sleeper, UpdateEnds updateEnds) {
        this.updateEnds = updateEnds;
        this.store = store;
        this.relay = relay;
        this.fleet = fleet;
        this.cvms = cvms;
        this.wholeUpdates = wholeUpdates;
        this.planReader = planReader;
        this.locks = locks;
        this.reports = reports;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** Does {@code task} and says what to answer the machine. */
    public Answer run(RolloutTask task, Invocation invocation) throws Retry {
        try {
            Rollout rollout = store.find(task.rolloutId())
                    .orElseThrow(() -> new Retry("no rollout " + task.rolloutId() + " is recorded"));
            seen(rollout);
            Instant deadline = invocation.deadline();
            return switch (task.kind()) {
                case "prepare" -> prepare(rollout, deadline);
                case "snapshot" -> snapshot(rollout, task.wave(), deadline);
                case "commit" -> commit(rollout, task.wave(), deadline);
                case "check" -> check(rollout, task.wave(), "bake".equals(task.phase()), deadline);
                case "wave_done" -> waveDone(rollout, task.wave());
                case "pause" -> pause(rollout, task.wave(), task.token());
                case "rollback" -> rollback(rollout, deadline);
                case "rollback_check" -> rollbackCheck(rollout, deadline);
                case "finish" -> rollout.watches() ? finishWatch(rollout, task, deadline) : finish(rollout, task);
                default -> throw new IllegalArgumentException("unknown task " + task.kind());
            };
        } catch (StoreUnavailable e) {
            throw new Retry(e.getMessage());
        }
    }

    // ---- prepare: each CVM read (vm_uuid, app, hash it runs), then each app provisioned and sealed once

    private Answer prepare(Rollout rollout, Instant deadline) throws StoreUnavailable, Retry {
        Plan plan = rollout.watches() ? null : plan(rollout);
        Rollout current = rollout;
        for (Target t : rollout.targets()) {
            if (t.vmUuid() != null) {
                continue;
            }
            Relay.Call read = relay.call(deadline, (key, timeout) -> cvms.readCvm(t.cvmId(), key, timeout));
            if (!read.succeeded()) {
                return failTarget(current.rolloutId(), t.cvmId(), "the CVM could not be read: " + read.error());
            }
            PhalaAnswer a = read.answer();
            String vmUuid = a.value(PhalaProvisioning.VM_UUID);
            String appId = a.value(PhalaProvisioning.APP_ID);
            if ((vmUuid == null || appId == null) && !current.watches()) {
                return failTarget(current.rolloutId(), t.cvmId(),
                        "Phala's read of the CVM gave no vm_uuid or app_id, which a rollout needs");
            }
            String hash = a.value(PhalaProvisioning.COMPOSE_HASH);
            // A watch knows the hash from before its commit; its read now may already show the new one.
            boolean watch = current.watches();
            current = update(current.rolloutId(), r -> r.mapTargets(x -> x.cvmId().equals(t.cvmId())
                    ? x.read(vmUuid, appId != null ? appId : x.appId(), watch ? x.hashBefore() : hash) : x));
        }
        if (current.watches()) {
            return success("{}"); // committed by the whole update itself: nothing to provision
        }
        Map<String, Rollout.App> apps = new LinkedHashMap<>(current.apps());
        String firstHash = current.composeHash();
        for (Target t : current.targets()) {
            if (apps.containsKey(t.appId())) {
                continue;
            }
            WholeUpdate update = new WholeUpdate(t.cvmId(), plan.appCompose(), plan.env(), false);
            WholeUpdates.Prepared prepared = wholeUpdates.get().prepare(wholeRequest(current, update, deadline));
            if (prepared instanceof WholeUpdates.Prepared.Stopped stopped) {
                return failTarget(current.rolloutId(), t.cvmId(), "the update could not be prepared: "
                        + stopped.outcome().error());
            }
            WholeUpdates.Prepared.Ready ready = (WholeUpdates.Prepared.Ready) prepared;
            if (ready.encryptedEnv() != null) {
                store.putSealedEnv(current.rolloutId(), t.appId(), ready.encryptedEnv());
            }
            apps.put(t.appId(), new Rollout.App(t.appId(), t.cvmId(), ready.composeHash()));
            if (firstHash == null) {
                firstHash = ready.composeHash();
            }
            Map<String, Rollout.App> done = Map.copyOf(apps);
            String hash = firstHash;
            current = update(current.rolloutId(), r -> r.withApps(done, hash));
        }
        return success("{}");
    }

    // ---- snapshot: the revision each CVM of the wave runs, for the way back

    private Answer snapshot(Rollout rollout, int wave, Instant deadline) throws StoreUnavailable, Retry {
        if (rollout.watches()) {
            return success("{}"); // a watch stops on failure: nothing to roll back to
        }
        Wave w = wave(rollout, wave);
        Map<String, PhalaAnswer> pages = new java.util.HashMap<>();
        for (Target t : w.cvms()) {
            if (t.revisionBefore() != null || t.changed()) {
                continue;
            }
            String revision;
            try {
                revision = revisionOf(t.appId(), t.vmUuid(), t.hashBefore(), deadline, pages);
            } catch (CallFailed e) {
                return failTarget(rollout.rolloutId(), t.cvmId(), "its revisions could not be read: " + e.getMessage());
            }
            if (revision == null) {
                return failTarget(rollout.rolloutId(), t.cvmId(), "no revision of app " + t.appId()
                        + " records the compose hash the CVM runs (" + t.hashBefore()
                        + "), so it could not be rolled back; it was not changed");
            }
            update(rollout.rolloutId(), r -> r.mapTargets(x -> x.cvmId().equals(t.cvmId())
                    ? x.withRevisionBefore(revision) : x));
        }
        return success("{}");
    }

    // ---- commit: the app's lead CVM committed (its provision), the others redeployed to its new revision

    private Answer commit(Rollout rollout, int wave, Instant deadline) throws StoreUnavailable, Retry {
        if (rollout.watches()) {
            return success("{}");
        }
        Plan plan = plan(rollout);
        Wave w = wave(rollout, wave);
        List<Target> ordered = new ArrayList<>();
        w.cvms().stream().filter(t -> isLead(rollout, t)).forEach(ordered::add);
        w.cvms().stream().filter(t -> !isLead(rollout, t)).forEach(ordered::add);
        Map<String, String> newRevisions = new java.util.HashMap<>();
        for (Target t : ordered) {
            if (t.changed()) {
                continue;
            }
            String lock = StoreKeys.ROLLOUT_STEP.of(rollout.rolloutId() + ":commit:" + t.cvmId());
            Locks.Taken taken = locks.take(lock, deadline);
            if (taken == Locks.Taken.HELD) {
                throw new Retry("the commit of " + t.cvmId() + " is in progress in another delivery");
            }
            String error = null;
            if (taken == Locks.Taken.TAKEN) {
                error = isLead(rollout, t) ? commitLead(rollout, t, plan, deadline)
                        : redeployNew(rollout, t, deadline, newRevisions);
                if (error == null || !error.startsWith(RETRY)) {
                    locks.done(lock);
                } else {
                    locks.free(lock);
                    throw new Retry(error.substring(RETRY.length()));
                }
            }
            String failed = error;
            Instant now = clock.instant();
            update(rollout.rolloutId(), r -> {
                Wave current = wave(r, wave);
                Rollout next = r.withWave(current.with("updating",
                        current.committedAt() != null ? current.committedAt() : now, current.cvms()));
                return next.mapTargets(x -> x.cvmId().equals(t.cvmId())
                        ? x.withStatus(failed == null ? "updating" : "failed", failed) : x);
            });
            if (failed != null) {
                return fail(rollout.rolloutId(), ROLLOUT_FAILED, t.cvmId(), failed);
            }
        }
        return success("{}");
    }

    private static final String RETRY = "retry:";

    private String commitLead(Rollout rollout, Target t, Plan plan, Instant deadline) throws StoreUnavailable {
        Rollout.App app = rollout.apps().get(t.appId());
        String sealed = plan.env().isEmpty() ? null : store.sealedEnv(rollout.rolloutId(), t.appId()).orElse(null);
        if (!plan.env().isEmpty() && sealed == null) {
            return "the env sealed for app " + t.appId() + " is no longer recorded";
        }
        WholeUpdate update = new WholeUpdate(t.cvmId(), plan.appCompose(), plan.env(), false);
        Outcome outcome = wholeUpdates.get().commit(wholeRequest(rollout, update, deadline),
                new WholeUpdates.Prepared.Ready(app.composeHash(), sealed, t.appId()));
        return outcome instanceof Outcome.Accepted ? null : "the commit failed: " + outcome.error();
    }

    /** Another CVM of the app: Phala's revision made by the lead's commit, redeployed on it (env included). */
    private String redeployNew(Rollout rollout, Target t, Instant deadline, Map<String, String> newRevisions) {
        Rollout.App app = rollout.apps().get(t.appId());
        Target lead = rollout.targets().stream().filter(x -> x.cvmId().equals(app.leadCvmId())).findFirst().orElseThrow();
        String revision = newRevisions.get(t.appId());
        try {
            for (int attempt = 0; attempt < 5 && revision == null; attempt++) {
                revision = revisionOf(t.appId(), lead.vmUuid(), app.composeHash(), deadline, new java.util.HashMap<>());
                if (revision == null) {
                    sleeper.sleep(Duration.ofSeconds(1));
                }
            }
        } catch (CallFailed e) {
            return "the app's revisions could not be read: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return RETRY + "interrupted";
        }
        if (revision == null) {
            return RETRY + "Phala lists no revision of app " + t.appId() + " with hash " + app.composeHash() + " yet";
        }
        String rev = revision;
        newRevisions.put(t.appId(), rev);
        Relay.Call call = relay.call(deadline, (key, timeout) -> fleet.redeploy(t.cvmId(), rev, key, timeout));
        return call.succeeded() ? null : "the redeploy of revision " + rev + " failed: " + call.error();
    }

    // ---- check: one status/batch for the wave, each CVM's hash confirmed once

    private Answer check(Rollout rollout, int wave, boolean bake, Instant deadline) throws StoreUnavailable, Retry {
        if (rollout.cancel() != null) {
            return cancelled(rollout);
        }
        Duration waveTimeout = waveTimeout(rollout);
        Wave w = wave(rollout, wave);
        Health health;
        try {
            health = health(w.cvms(), t -> rollout.apps().get(t.appId()).composeHash(), "healthy", bake, deadline);
        } catch (CallFailed e) {
            if (timedOut(w.committedAt(), waveTimeout)) {
                return failCvm(rollout, ROLLOUT_FAILED, "failed", w.cvms().get(0).cvmId(), NOT_HEALTHY_WITHIN
                        + waveTimeout.toSeconds() + " s (the health could not be read: " + e.getMessage() + ")");
            }
            return success("{\"healthy\":false}");
        }
        Rollout saved = update(rollout.rolloutId(), r -> r.mapTargets(x -> health.status.containsKey(x.cvmId())
                && !"failed".equals(x.status()) ? x.withStatus(health.status.get(x.cvmId()), null) : x));
        if (health.broken != null) {
            return failCvm(saved, ROLLOUT_FAILED, "failed", health.broken, health.why);
        }
        if (bake && !health.all) {
            return failCvm(saved, ROLLOUT_FAILED, "failed", health.firstWaiting,
                    "not healthy after the bake: " + health.whyWaiting);
        }
        if (!health.all && timedOut(w.committedAt(), waveTimeout)) {
            return failCvm(saved, ROLLOUT_FAILED, "failed", health.firstWaiting, NOT_HEALTHY_WITHIN
                    + waveTimeout.toSeconds() + " s (" + health.whyWaiting + ")");
        }
        return success(health.all ? "{\"healthy\":true}" : "{\"healthy\":false}");
    }

    private Duration waveTimeout(Rollout rollout) throws StoreUnavailable, Retry {
        return rollout.watches() ? Duration.ofSeconds(rollout.watch().timeoutSeconds()) : plan(rollout).waveTimeout();
    }

    private boolean timedOut(Instant since, Duration timeout) {
        return since != null && clock.instant().isAfter(since.plus(timeout));
    }

    /** The state of some CVMs: healthy ones, the first broken one (boot error), the first still waiting. */
    private static final class Health {
        final Map<String, String> status = new LinkedHashMap<>();
        boolean all = true;
        String broken;
        String why;
        String firstWaiting;
        String whyWaiting;
    }

    private Health health(List<Target> targets, java.util.function.Function<Target, String> wantedHash, String okStatus,
                          boolean statusOnly, Instant deadline) throws CallFailed {
        Health health = new Health();
        if (targets.isEmpty()) {
            return health;
        }
        List<String> uuids = targets.stream().map(Target::vmUuid).filter(java.util.Objects::nonNull).toList();
        PhalaAnswer answer = null;
        if (!uuids.isEmpty()) {
            Relay.Call batch = relay.call(deadline, (key, timeout) -> fleet.statusBatch(uuids, key, timeout));
            if (!batch.succeeded()) {
                throw new CallFailed(batch.error());
            }
            answer = batch.answer();
            if (answer.value(PhalaFleet.PROBLEM) != null) {
                throw new CallFailed("Phala's status batch could not be read: " + answer.value(PhalaFleet.PROBLEM));
            }
        }
        for (Target t : targets) {
            String status;
            boolean inProgress;
            String bootError;
            String readHash = null;
            if (t.vmUuid() != null) {
                status = answer.value(PhalaFleet.key(t.vmUuid(), PhalaFleet.STATUS));
                inProgress = "true".equals(answer.value(PhalaFleet.key(t.vmUuid(), PhalaFleet.IN_PROGRESS)));
                bootError = answer.value(PhalaFleet.key(t.vmUuid(), PhalaFleet.BOOT_ERROR));
            } else {
                // A watched CVM whose read gave no vm_uuid (an older API version): its read alone tells.
                Relay.Call read = relay.call(deadline, (key, timeout) -> cvms.readCvm(t.cvmId(), key, timeout));
                if (!read.succeeded()) {
                    throw new CallFailed(read.error());
                }
                status = read.answer().value(PhalaProvisioning.STATUS);
                inProgress = "true".equals(read.answer().value(PhalaProvisioning.IN_PROGRESS));
                readHash = read.answer().value(PhalaProvisioning.COMPOSE_HASH);
                bootError = !inProgress && status != null && STOPPED.contains(status) ? "the CVM is " + status : null;
            }
            if (bootError != null && !bootError.isBlank()) {
                health.all = false;
                if (health.broken == null) {
                    health.broken = t.cvmId();
                    health.why = "boot error: " + bootError;
                }
                continue;
            }
            boolean up = "running".equals(status) && !inProgress;
            boolean confirmed = okStatus.equals(t.status());
            // An update that keeps the hash (a new env only) is done only once the CVM was seen restarting.
            boolean mustSeeRestart = "updating".equals(t.status()) && ComposeHash.same(t.hashBefore(), wantedHash.apply(t));
            if (!up && mustSeeRestart) {
                health.status.put(t.cvmId(), "restarting");
            }
            if (up && mustSeeRestart) {
                health.all = false;
                if (health.firstWaiting == null) {
                    health.firstWaiting = t.cvmId();
                    health.whyWaiting = "running its old compose hash, not yet seen restarting with the new env";
                }
                continue;
            }
            if (up && !confirmed && readHash != null) {
                confirmed = ComposeHash.same(readHash, wantedHash.apply(t));
                if (!confirmed) {
                    status = status + " on hash " + readHash;
                }
            } else if (up && !confirmed && !statusOnly) {
                Relay.Call read = relay.call(deadline, (key, timeout) -> cvms.readCvm(t.cvmId(), key, timeout));
                if (!read.succeeded()) {
                    throw new CallFailed(read.error());
                }
                String hash = read.answer().value(PhalaProvisioning.COMPOSE_HASH);
                confirmed = ComposeHash.same(hash, wantedHash.apply(t));
                if (!confirmed) {
                    status = status + " on hash " + hash;
                }
            } else if (up && statusOnly) {
                confirmed = true;
            }
            if (up && confirmed) {
                health.status.put(t.cvmId(), okStatus);
            } else {
                health.all = false;
                if (health.firstWaiting == null) {
                    health.firstWaiting = t.cvmId();
                    health.whyWaiting = "status " + (status == null ? "unknown" : status)
                            + (inProgress ? ", in progress" : "");
                }
            }
        }
        return health;
    }

    // ---- wave_done and pause: reported once each

    private Answer waveDone(Rollout rollout, int wave) throws StoreUnavailable, Retry {
        Rollout saved = update(rollout.rolloutId(), r -> {
            Wave w = wave(r, wave);
            return r.withWave(w.with("completed", w.committedAt(), w.cvms()));
        });
        if (!saved.watches()) {
            reportOnce(saved, RolloutReports.Kind.WAVE, wave);
        }
        return success("{}");
    }

    private Answer pause(Rollout rollout, int wave, String token) throws StoreUnavailable, Retry {
        if (rollout.cancel() != null) {
            return cancelled(rollout);
        }
        Rollout saved = update(rollout.rolloutId(), r -> r.paused(token, wave));
        reportOnce(saved, RolloutReports.Kind.PAUSED, wave);
        return new Answer.Later();
    }

    // ---- rollback: every CVM the rollout changed back to the revision it ran before

    private Answer rollback(Rollout rollout, Instant deadline) throws StoreUnavailable, Retry {
        Instant now = clock.instant();
        Rollout current = update(rollout.rolloutId(), r -> r.rollbackAt() != null ? r.rollingBack(r.rollbackAt())
                .paused(null, null) : r.rollingBack(now).paused(null, null));
        String firstFailed = null;
        String why = null;
        for (Target t : current.targets()) {
            if (!t.changed() || "rolling_back".equals(t.status()) || "rolled_back".equals(t.status())
                    || "rollback_failed".equals(t.status())) {
                continue;
            }
            String lock = StoreKeys.ROLLOUT_STEP.of(rollout.rolloutId() + ":redeploy:" + t.cvmId());
            Locks.Taken taken = locks.take(lock, deadline);
            if (taken == Locks.Taken.HELD) {
                throw new Retry("the rollback of " + t.cvmId() + " is in progress in another delivery");
            }
            String error = null;
            if (taken == Locks.Taken.TAKEN) {
                if (t.revisionBefore() == null) {
                    error = "no revision was recorded to roll it back to";
                } else {
                    Relay.Call call = relay.call(deadline, (key, timeout) -> fleet.redeploy(t.cvmId(), t.revisionBefore(),
                            key, timeout));
                    error = call.succeeded() ? null : "the redeploy of revision " + t.revisionBefore() + " failed: "
                            + call.error();
                }
                locks.done(lock);
            }
            String failed = error;
            update(rollout.rolloutId(), r -> r.mapTargets(x -> x.cvmId().equals(t.cvmId())
                    ? x.withStatus(failed == null ? "rolling_back" : "rollback_failed", failed == null ? x.error() : failed)
                    : x));
            if (failed != null && firstFailed == null) {
                firstFailed = t.cvmId();
                why = failed;
            }
        }
        if (firstFailed != null) {
            return answerFailure(ROLLBACK_FAILED, firstFailed, why);
        }
        return success("{}");
    }

    private Answer rollbackCheck(Rollout rollout, Instant deadline) throws StoreUnavailable, Retry {
        Duration timeout = waveTimeout(rollout);
        List<Target> back = rollout.targets().stream().filter(t -> "rolling_back".equals(t.status())).toList();
        Health health;
        try {
            health = health(back, Target::hashBefore, "rolled_back", false, deadline);
        } catch (CallFailed e) {
            if (timedOut(rollout.rollbackAt(), timeout)) {
                return answerFailure(ROLLBACK_FAILED, null, "the health could not be read: " + e.getMessage());
            }
            return success("{\"healthy\":false}");
        }
        Rollout saved = update(rollout.rolloutId(), r -> r.mapTargets(x -> health.status.containsKey(x.cvmId())
                ? x.withStatus("rolled_back", x.error()) : x));
        if (health.broken != null) {
            markRollbackFailed(saved, health.broken, health.why);
            return answerFailure(ROLLBACK_FAILED, health.broken, health.why);
        }
        if (!health.all && timedOut(rollout.rollbackAt(), timeout)) {
            String why = "not back on its old compose within " + timeout.toSeconds() + " s ("
                    + health.whyWaiting + ")";
            markRollbackFailed(saved, health.firstWaiting, why);
            return answerFailure(ROLLBACK_FAILED, health.firstWaiting, why);
        }
        return success(health.all ? "{\"healthy\":true}" : "{\"healthy\":false}");
    }

    private void markRollbackFailed(Rollout rollout, String cvmId, String why) throws StoreUnavailable, Retry {
        update(rollout.rolloutId(), r -> r.mapTargets(x -> x.cvmId().equals(cvmId)
                ? x.withStatus("rollback_failed", why) : x));
    }

    // ---- finish: the final status, the CVMs given up, the final outcome published once

    private Answer finish(Rollout rollout, RolloutTask task) throws StoreUnavailable, Retry {
        if (!rollout.ended()) {
            String status = task.result() == null ? "failed" : task.result();
            boolean cancel = task.failureError() != null && task.failureError().startsWith(CANCELLED);
            // A cancel ends cancelled (rolled back or kept as asked; under on_failure stop, kept), unless its rollback failed.
            if (cancel && !"rollback_failed".equals(status)) {
                status = "cancelled";
            }
            Rollout.Failure failure = rollout.failure() != null ? rollout.failure() : failureOf(task);
            String finalStatus = status;
            Instant now = clock.instant();
            rollout = update(rollout.rolloutId(), r -> r.withFailure(r.failure() != null ? r.failure() : failure)
                    .ended(finalStatus, now));
        }
        for (Target t : rollout.targets()) {
            store.release(t.cvmId(), rollout.rolloutId());
        }
        Rollout.Release release = rollout.release();
        if (release != null && "completed".equals(rollout.status()) && !"rollback".equals(release.kind())) {
            store.putLastRelease(release.channel(), rollout.rolloutId()); // what a rollback of the channel undoes
        }
        reportOnce(rollout, RolloutReports.Kind.FINISHED, null);
        return success("{}");
    }

    /** The end of a watched whole update: its own final outcome ({@code completed} or {@code failed}), once. */
    private Answer finishWatch(Rollout rollout, RolloutTask task, Instant deadline) throws StoreUnavailable, Retry {
        Rollout ended = rollout;
        if (!rollout.ended()) {
            String status = "completed".equals(task.result()) ? "completed" : "failed";
            Rollout.Failure failure = rollout.failure() != null ? rollout.failure() : failureOf(task);
            Instant now = clock.instant();
            ended = update(rollout.rolloutId(), r -> r.withFailure(r.failure() != null ? r.failure() : failure)
                    .ended(status, now));
        }
        Rollout.Target cvm = ended.targets().get(0);
        Outcome.Facts facts = new Outcome.Facts(ended.watch().requestId(), ended.watch().correlationId(), Trigger.WATCH,
                cvm.cvmId(), ended.composeHash(), 0, null, null, ended.startedAt(), clock.instant())
                .withActor(ended.actor());
        Outcome outcome;
        if ("completed".equals(ended.status())) {
            outcome = new Outcome.Completed(facts, "watch");
        } else {
            String reason = ended.failure() == null ? "the watch ended without a reason" : ended.failure().reason();
            outcome = new Outcome.Failed(facts, reason.startsWith(NOT_HEALTHY_WITHIN)
                    ? Outcome.Failure.WATCH_TIMED_OUT : Outcome.Failure.CVM_NOT_RUNNING, reason.startsWith(NOT_HEALTHY_WITHIN)
                    ? "the CVM did not run the new compose within " + ended.watch().timeoutSeconds() + " s ("
                            + reason.substring(reason.indexOf('(') + 1).replaceAll("\\)$", "") + ")"
                    : "the CVM did not run the update: " + reason);
        }
        updateEnds.publish(outcome, deadline);
        return success("{}");
    }

    /** What the machine caught, in words, when no task recorded why the rollout failed. */
    static Rollout.Failure failureOf(RolloutTask task) {
        String error = task.failureError();
        if (error == null) {
            return null;
        }
        String cause = task.failureCause() == null ? "" : task.failureCause();
        return switch (error) {
            case "AlarmFired" -> new Rollout.Failure(null, "alarm in ALARM: " + cause);
            case "RolloutAborted" -> new Rollout.Failure(null, cause.isEmpty() ? "aborted at the pause" : cause);
            case "States.Timeout" -> new Rollout.Failure(null, "a step timed out (an approval not given in time,"
                    + " or a task not answered)");
            default -> new Rollout.Failure(null, error + (cause.isEmpty() ? "" : ": " + cause));
        };
    }

    // ---- helpers

    private Answer cancelled(Rollout rollout) throws StoreUnavailable, Retry {
        String reason = "cancelled";
        update(rollout.rolloutId(), r -> r.withFailure(r.failure() != null ? r.failure() : new Rollout.Failure(null, reason)));
        return new Answer.Failure("keep".equals(rollout.cancel()) ? CANCELLED_KEEP : CANCELLED, reason);
    }

    private Answer failTarget(String rolloutId, String cvmId, String reason) throws StoreUnavailable, Retry {
        return fail(rolloutId, ROLLOUT_FAILED, cvmId, reason);
    }

    private Answer fail(String rolloutId, String error, String cvmId, String reason) throws StoreUnavailable, Retry {
        update(rolloutId, r -> r.withFailure(r.failure() != null ? r.failure() : new Rollout.Failure(cvmId, reason)));
        return answerFailure(error, cvmId, reason);
    }

    private Answer failCvm(Rollout rollout, String error, String status, String cvmId, String reason)
            throws StoreUnavailable, Retry {
        update(rollout.rolloutId(), r -> {
            Rollout next = r.mapTargets(x -> x.cvmId().equals(cvmId) ? x.withStatus(status, reason) : x)
                    .withFailure(r.failure() != null ? r.failure() : new Rollout.Failure(cvmId, reason));
            for (Wave w : next.waves()) {
                if (w.cvms().stream().anyMatch(x -> x.cvmId().equals(cvmId))) {
                    next = next.withWave(w.with("failed", w.committedAt(), w.cvms()));
                }
            }
            return next;
        });
        return answerFailure(error, cvmId, reason);
    }

    private static Answer answerFailure(String error, String cvmId, String reason) {
        return new Answer.Failure(error, Outcome.clip((cvmId == null ? "" : cvmId + ": ") + reason, 32_000));
    }

    private static Answer success(String output) {
        return new Answer.Success(output);
    }

    private void reportOnce(Rollout rollout, RolloutReports.Kind kind, Integer wave) throws StoreUnavailable {
        String lock = StoreKeys.ROLLOUT_STEP.of(rollout.rolloutId() + ":report:" + kind.wire() + (wave == null ? "" : ":" + wave));
        if (locks.take(lock, clock.instant().plusSeconds(60)) == Locks.Taken.TAKEN) {
            reports.publish(new RolloutReports.Report(kind, rollout, wave));
            locks.done(lock);
        }
    }

    private boolean isLead(Rollout rollout, Target t) {
        Rollout.App app = rollout.apps().get(t.appId());
        return app != null && app.leadCvmId().equals(t.cvmId());
    }

    private Plan plan(Rollout rollout) throws StoreUnavailable, Retry {
        String body = store.requestBody(rollout.rolloutId())
                .orElseThrow(() -> new Retry("the request of rollout " + rollout.rolloutId() + " is not recorded"));
        try {
            return planReader.read(body);
        } catch (InvalidRequest e) {
            throw new IllegalStateException("a stored rollout request no longer reads: " + e.getMessage());
        }
    }

    private static Wave wave(Rollout rollout, int number) {
        return rollout.wave(number).orElseThrow(() -> new IllegalArgumentException("rollout " + rollout.rolloutId()
                + " has no wave " + number));
    }

    private WholeRequest wholeRequest(Rollout rollout, WholeUpdate update, Instant deadline) {
        return new WholeRequest(rollout.rolloutId(), rollout.rolloutId(), rollout.trigger(), update,
                clock.instant(), deadline, rollout.actor());
    }

    /**
     * The newest revision of {@code appId} for {@code vmUuid} when it has {@code hash}, else null:
     * pages through the app's revisions (newest first) until one has the CVM. Pages read are kept in
     * {@code pages} for the rest of the task: a wave's CVMs of one app cost one read.
     */
    private String revisionOf(String appId, String vmUuid, String hash, Instant deadline, Map<String, PhalaAnswer> pages)
            throws CallFailed {
        for (int page = 1; page <= MAX_REVISION_PAGES; page++) {
            int p = page;
            PhalaAnswer answer = pages.get(appId + "#" + page);
            if (answer == null) {
                Relay.Call call = relay.call(deadline, (key, timeout) -> fleet.revisions(appId, p, REVISION_PAGE_SIZE, key,
                        timeout));
                if (!call.succeeded()) {
                    throw new CallFailed(call.error());
                }
                answer = call.answer();
                pages.put(appId + "#" + page, answer);
            }
            if (answer.value(PhalaFleet.PROBLEM) != null) {
                throw new CallFailed("Phala's revisions could not be read: " + answer.value(PhalaFleet.PROBLEM));
            }
            // Newest first: the CVM's newest revision is on the first page that has it.
            String found = answer.value(PhalaFleet.key(vmUuid, PhalaFleet.REVISION_ID));
            if (found != null) {
                return ComposeHash.same(answer.value(PhalaFleet.key(vmUuid, PhalaFleet.COMPOSE_HASH)), hash) ? found : null;
            }
            String total = answer.value(PhalaFleet.TOTAL_PAGES);
            if (total == null || Integer.parseInt(total) <= page) {
                return null;
            }
        }
        return null;
    }

    /**
     * Changes and writes the rollout, from the version this task last read or wrote (one write, no
     * read, unless another writer came first: {@link RolloutStore#update}).
     */
    private Rollout update(String rolloutId, UnaryOperator<Rollout> change) throws StoreUnavailable, Retry {
        try {
            Rollout saved = store.update(rolloutId, lastSeen.get(rolloutId), change);
            seen(saved);
            return saved;
        } catch (RolloutStore.Changed e) {
            throw new Retry("rollout " + rolloutId + " kept changing under this task");
        }
    }

    /** Remembers the version of a rollout this instance last read or wrote (a few hundred at most). */
    private void seen(Rollout rollout) {
        if (lastSeen.size() > 256) {
            lastSeen.clear();
        }
        lastSeen.put(rollout.rolloutId(), rollout);
    }

    /** A Phala read that did not succeed, in words. */
    private static final class CallFailed extends Exception {
        CallFailed(String message) {
            super(message, null, false, false);
        }
    }
}
