package com.composerelay.core;

import com.composerelay.core.Outcome.Rejection;
import com.composerelay.core.WholeProgress.Stop;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The whole update, from an app compose and secret names to a committed update: the env values
 * read (only under the guard's prefix) and sealed for the CVM, the provision, the commit, each with
 * the PATCH's rules ({@link Relay#call}); then, when asked, the first check of the watch queued. It
 * decides one outcome and never publishes: the trigger does, as for the PATCH form.
 */
public final class WholeUpdates {
    /** The settings of the watch. */
    public record Watching(boolean always, Duration timeout, Duration interval) {}

    /**
     * Where a watched update is watched to its end: a one-CVM rollout on the rollout state machine
     * ({@link Rollouts#watch}). Says how its start went, for the outcome.
     */
    public interface UpdateWatch {
        /** False when the relay has nothing to watch with (no rollout state machine). */
        boolean configured();

        String start(Outcome.Facts facts, String hashBefore);

        static UpdateWatch none() {
            return new UpdateWatch() {
                @Override
                public boolean configured() {
                    return false;
                }

                @Override
                public String start(Outcome.Facts facts, String hashBefore) {
                    return "not scheduled: the relay has no rollout state machine";
                }
            };
        }
    }

    private static final Pattern HASH = Pattern.compile("(0x)?[0-9a-fA-F]{1,128}");

    private final Relay relay;
    private final PhalaProvisioning phala;
    private final PhalaApi commit;
    private final EnvStep envStep;
    private final SecretGuard guard;
    private final UpdateWatch watch;
    private final Watching watching;
    private final Clock clock;

    public WholeUpdates(Relay relay, PhalaProvisioning phala, PhalaApi commit, EnvSecrets secrets, EnvSealer sealer,
                        SecretGuard guard, UpdateWatch watch, Watching watching, Clock clock) {
        this.relay = relay;
        this.phala = phala;
        this.commit = commit;
        this.envStep = new EnvStep(relay, phala, secrets, sealer, clock);
        this.guard = guard;
        this.watch = watch;
        this.watching = watching;
        this.clock = clock;
    }

    public Outcome run(WholeRequest request) {
        return new Run(request).run();
    }

    /**
     * A whole update's env and provision steps without its commit (a rollout's prepare task): the
     * hash to commit and the env sealed for the CVM, or the outcome that stopped it.
     */
    public sealed interface Prepared {
        /** Ready to commit: {@code encryptedEnv} null when the update leaves the env as it is. */
        record Ready(String composeHash, String encryptedEnv, String appId) implements Prepared {}

        /** Stopped before the commit, with the outcome that says why. */
        record Stopped(Outcome outcome) implements Prepared {}
    }

    /** The env and provision steps of {@code request} (not the commit; never watched). */
    public Prepared prepare(WholeRequest request) {
        Run run = new Run(request);
        try {
            run.guardSecrets();
            String encryptedEnv = run.update.env().isEmpty() ? null : run.sealEnv();
            String hash = run.provision(encryptedEnv != null);
            return new Prepared.Ready(hash, encryptedEnv, run.progress.appId());
        } catch (Stop stop) {
            return new Prepared.Stopped(stop.outcome());
        }
    }

    /** The commit step alone of {@code request}, with what {@link #prepare} made (a rollout's lead CVM). */
    public Outcome commit(WholeRequest request, Prepared.Ready ready) {
        Run run = new Run(request);
        run.progress.composeHash(ready.composeHash());
        run.progress.appId(ready.appId());
        try {
            run.commit(ready.composeHash(), ready.encryptedEnv());
        } catch (Stop stop) {
            return stop.outcome();
        }
        return new Outcome.Accepted(run.progress.facts());
    }

    /** Whether this request's update is watched to the end. */
    public boolean watched(WholeUpdate update) {
        return update.watch() || watching.always();
    }

    /** One request's steps and what they found. */
    private final class Run {
        private final WholeRequest request;
        private final WholeUpdate update;
        private final List<String> allowed;
        private final WholeProgress progress;
        /** The hash the CVM ran before, when the env step read it. */
        private String hashBefore;

        Run(WholeRequest request) {
            this.request = request;
            this.update = request.update();
            this.allowed = new ArrayList<>(update.appCompose().allowedEnvs());
            List<String> added = new ArrayList<>();
            for (String name : update.env().keySet()) {
                if (!allowed.contains(name)) {
                    allowed.add(name);
                    added.add(name);
                }
            }
            this.progress = new WholeProgress(request, added, clock);
        }

        Outcome run() {
            try {
                requireQueueIfWatched();
                guardSecrets();
                String encryptedEnv = update.env().isEmpty() ? null : sealEnv();
                String hash = provision(encryptedEnv != null);
                commit(hash, encryptedEnv);
            } catch (Stop stop) {
                return stop.outcome();
            }
            return accepted();
        }

        /** A watched update needs the rollout state machine it is watched on. */
        private void requireQueueIfWatched() throws Stop {
            if (watched(update) && !watch.configured()) {
                throw new Stop(new Outcome.Rejected(progress.facts(), Rejection.INVALID_REQUEST, "wait: the relay has no"
                        + " rollout state machine (ROLLOUT_STATE_MACHINE_ARN) to watch the update with; leave wait out"));
            }
        }

        /** Each secret named for the env must be one the guard lets this CVM read. */
        private void guardSecrets() throws Stop {
            try {
                for (Map.Entry<String, EnvValue> entry : update.env().entrySet()) {
                    if (entry.getValue() instanceof EnvValue.FromSecret ref) {
                        guard.check(entry.getKey(), ref.secretId(), update.cvmId());
                    }
                }
            } catch (InvalidRequest problem) {
                throw new Stop(new Outcome.Rejected(progress.facts(), Rejection.INVALID_REQUEST, problem.getMessage()));
            }
        }

        /** The env step: the env sealed for the CVM, and the hash the CVM ran before kept for the watch. */
        private String sealEnv() throws Stop {
            EnvStep.Sealed sealed = envStep.seal(request, progress);
            hashBefore = sealed.hashBefore();
            return sealed.encryptedEnv();
        }

        /** The provision step: Phala provisions the app compose and answers the compose hash to commit. */
        private String provision(boolean withEnv) throws Stop {
            Instant began = clock.instant();
            Relay.Call provision = relay.call(request.deadline(), (key, timeout) -> phala.provision(update.cvmId(),
                    update.appCompose(), allowed, withEnv, key, timeout));
            progress.note(provision);
            if (!provision.succeeded()) {
                throw progress.stop(provision.outcome(progress.facts()), "provision", provision, began);
            }
            PhalaAnswer provisioned = provision.answer();
            progress.appId(provisioned.value(PhalaProvisioning.APP_ID));
            String hash = provisioned.value(PhalaProvisioning.COMPOSE_HASH);
            if (hash == null || !HASH.matcher(hash).matches()) {
                throw progress.stop(new Outcome.Rejected(progress.facts(), Rejection.PHALA_UNEXPECTED,
                        "Phala's provision answered " + provisioned.status() + " without a compose_hash in hex"),
                        "provision", provision, began);
            }
            progress.composeHash(hash);
            if ("false".equals(provisioned.value(PhalaProvisioning.COMPOSE_HASH_REGISTERED))) {
                throw progress.stop(new Outcome.Rejected(progress.facts(), Rejection.ONCHAIN_REGISTRATION_REQUIRED,
                        "the CVM uses an on-chain KMS and the new compose hash is not registered on chain: register "
                                + OnChainWording.registration(provisioned) + " in the app's KMS contract, then send"
                                + " the request again"),
                        "provision", provision, began);
            }
            progress.ok("provision", provision, began);
            return hash;
        }

        /** The commit step: the compose hash (and the sealed env) PATCHed, Phala's 465-468 told as on-chain rules. */
        private void commit(String hash, String encryptedEnv) throws Stop {
            Instant began = clock.instant();
            ComposeUpdate patch;
            try {
                patch = encryptedEnv != null
                        ? ComposeUpdate.of(update.cvmId(), hash, CallerValue.given(encryptedEnv),
                                CallerValue.given(List.copyOf(update.env().keySet())), CallerValue.given(true))
                        : ComposeUpdate.of(update.cvmId(), hash, CallerValue.absent(), CallerValue.absent(),
                                CallerValue.absent());
            } catch (InvalidRequest e) {
                throw progress.stop(new Outcome.Rejected(progress.facts(), Rejection.INVALID_REQUEST, e.getMessage()),
                        "commit", 0, null, "rejected", began);
            }
            Relay.Call committed = relay.call(request.deadline(), (key, timeout) -> commit.patchComposeFile(patch, key, timeout));
            progress.note(committed);
            if (!committed.succeeded()) {
                Outcome outcome = committed.outcome(progress.facts());
                Integer status = committed.lastStatus();
                if (committed.rejection() == Rejection.PHALA_REFUSED && status != null && status >= 465 && status <= 468) {
                    outcome = new Outcome.Rejected(progress.facts(), Rejection.ONCHAIN_REGISTRATION_REQUIRED,
                            OnChainWording.commitRefused(status, committed.last(), progress.composeHash(),
                                    progress.appId()));
                }
                throw progress.stop(outcome, "commit", committed, began);
            }
            progress.ok("commit", committed, began);
        }

        /** The update committed: accepted, with the watch started when it is watched. */
        private Outcome accepted() {
            Outcome.Facts facts = progress.facts();
            if (watched(update)) {
                facts = facts.withWhole(facts.whole().withWatch(startWatch(facts)));
            }
            return new Outcome.Accepted(facts);
        }

        /** Starts the watch: a one-CVM rollout that checks the CVM until it runs the update, or gives up. */
        private String startWatch(Outcome.Facts facts) {
            return watch.start(facts, hashBefore);
        }
    }
}
