package com.composerelay.startup;

import com.composerelay.core.Invocation;
import com.composerelay.trigger.Dispatcher;
import com.composerelay.aws.Priming;
import com.composerelay.core.CachingApiKeys;
import com.composerelay.json.Json;
import com.composerelay.log.Log;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * What SnapStart needs from the relay. Before the snapshot, the real code path is run once on a
 * sample request, so its classes are loaded and initialised in the snapshot. This parses an event,
 * validates it, builds and relays it, and serialises and publishes its outcome, but against
 * stand-ins: neither Phala, nor Secrets Manager, nor SNS is called, no connection is opened and
 * no TLS context made. After a restore, whatever a snapshot must not share is renewed: the cached
 * API key (read again before the restore ends) and the jitter's random seed.
 */
public final class SnapStartHooks implements Resource {
    /** The longest a restore waits for the key. */
    static final Duration KEY_READ_BOUND = Duration.ofSeconds(2);

    private final Dispatcher primingDispatcher;
    private final Priming aws;
    private final CachingApiKeys keys;
    private final ReseedableRandom jitter;
    private final boolean rolloutTasks;

    public SnapStartHooks(Dispatcher primingDispatcher, Priming aws, CachingApiKeys keys, ReseedableRandom jitter) {
        this(primingDispatcher, aws, keys, jitter, false);
    }

    /** @param rolloutTasks whether the priming dispatcher takes a rollout task from its task queue (rollouts on) */
    public SnapStartHooks(Dispatcher primingDispatcher, Priming aws, CachingApiKeys keys, ReseedableRandom jitter,
                          boolean rolloutTasks) {
        this.primingDispatcher = primingDispatcher;
        this.aws = aws;
        this.keys = keys;
        this.jitter = jitter;
        this.rolloutTasks = rolloutTasks;
    }

    /** Registers with the runtime; outside Lambda (no CRaC) the hooks simply never run. */
    public void register() {
        Core.getGlobalContext().register(this);
    }

    /** Primes, forgets the key, and says in one log line what was primed (an operator's proof that the hook ran). */
    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        List<JrsValue> responses = prime();
        keys.forget();
        Log.info("SnapStart: primed before the snapshot", "aws_calls", String.join(",", aws.answered()),
                "code_paths", responses.size());
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        keys.forget();
        jitter.reseed();
        // The key is read during the restore, as an on-demand start reads it during initialisation,
        // so the first request finds it; a slow read goes on in the background after the bound.
        Thread reader = Thread.ofPlatform().daemon().name("start-up-key").start(keys::prefetch);
        boolean read = false;
        try {
            read = reader.join(KEY_READ_BOUND);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Log.info("SnapStart: restored", "key_read", read ? "done" : "still running");
    }

    /**
     * Runs each AWS call against canned answers (with rollouts on, a task's table read and write and
     * its {@code SendTaskSuccess} too), then the HTTP and SQS paths through the stand-ins, and with
     * rollouts on a rollout task; returns the paths' responses.
     */
    public List<JrsValue> prime() {
        try {
            aws.secretsManager();
            aws.dynamoDb();
            aws.sns();
            aws.rollouts();
        } catch (RuntimeException e) {
            // Priming is an optimisation: a failure must never stop the snapshot.
            Log.warn("priming failed: " + e.getClass().getSimpleName());
        }
        return primeCode(rolloutTasks);
    }

    /**
     * Runs the HTTP and SQS paths once each through the stand-ins (Phala's request built, not sent;
     * outcomes rendered, not published), with their log lines rendered but not written: the
     * relay's own code, Jackson and the log are then loaded and initialised. Returns the two
     * responses, or none when priming failed. This is start-up work's code path: a rollout task's
     * is primed only before a snapshot ({@link #prime}), since on the initialisation vCPU it cost
     * the PATCH form's cold start more than it saved the first task (docs/PERFORMANCE-LOG.md,
     * 2026-12-07).
     */
    public List<JrsValue> primeCode() {
        return primeCode(false);
    }

    /** The code paths, and with {@code tasks} a rollout task (a wave's check) from the task queue too. */
    private List<JrsValue> primeCode(boolean tasks) {
        Invocation priming = new Invocation("priming", Instant.now().plusSeconds(10));
        try {
            return Log.muted(() -> {
                List<JrsValue> responses = new java.util.ArrayList<>(List.of(
                        primingDispatcher.dispatch(Json.parse(PrimingEvents.HTTP_API), priming),
                        primingDispatcher.dispatch(Json.parse(PrimingEvents.SQS), priming)));
                if (tasks) {
                    responses.add(primingDispatcher.dispatch(Json.parse(PrimingEvents.ROLLOUT_TASK), priming));
                }
                return List.copyOf(responses);
            });
        } catch (Exception e) {
            Log.warn("priming failed: " + e.getClass().getSimpleName());
            return List.of();
        }
    }
}
