package com.composerelay.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One rollout as the relay keeps it: its waves and each CVM's state, what it needs to roll a CVM
 * back, and how it ended. A state machine execution named by {@link #rolloutId} drives it; each
 * task the machine sends reads this record, does its Phala step and writes it back.
 *
 * @param status {@code starting} (recorded, execution not yet started), {@code running},
 *     {@code paused}, or a final status ({@link #FINAL})
 * @param fingerprint what the request was, so that a key reused for another request is refused
 * @param executionInput the state machine's input, kept so that a retried start sends the same
 * @param apps each app's prepared update: its lead CVM (provisioned and committed) and new hash
 * @param cancel null, or {@code rollback} / {@code keep} once a cancel was asked for
 * @param pauseToken the task token of a pause waiting for approval, or null
 * @param failure what ended the rollout ({@code cvm_id}, reason), or null
 * @param rollbackAt when the rollback began, or null
 * @param watch set for the one-CVM rollout that watches a whole update ({@code wait}) to its end;
 *     null for a rollout asked for
 * @param release set for a rollout of a release channel (an image pushed, a deploy or a rollback
 *     from chat): what it releases and the change it makes to the compose; null otherwise
 */
public record Rollout(String rolloutId, String status, String fingerprint, String composeHash, Trigger trigger,
                      String actor, String replyUrl, Instant startedAt, Instant endedAt, List<Wave> waves,
                      Map<String, App> apps, String cancel, String pauseToken, Integer pausedAfter, Failure failure,
                      Instant rollbackAt, String executionInput, long version, Watch watch, Release release) {

    public static final List<String> FINAL = List.of("completed", "failed", "rolled_back", "rollback_failed", "cancelled");

    public Rollout {
        waves = List.copyOf(waves);
        apps = new TreeMap<>(apps);
    }

    /** A rollout asked for (no watch). */
    public Rollout(String rolloutId, String status, String fingerprint, String composeHash, Trigger trigger,
                   String actor, String replyUrl, Instant startedAt, Instant endedAt, List<Wave> waves,
                   Map<String, App> apps, String cancel, String pauseToken, Integer pausedAfter, Failure failure,
                   Instant rollbackAt, String executionInput, long version) {
        this(rolloutId, status, fingerprint, composeHash, trigger, actor, replyUrl, startedAt, endedAt, waves, apps,
                cancel, pauseToken, pausedAfter, failure, rollbackAt, executionInput, version, null, null);
    }

    /** A rollout asked for, or a watch (no release). */
    public Rollout(String rolloutId, String status, String fingerprint, String composeHash, Trigger trigger,
                   String actor, String replyUrl, Instant startedAt, Instant endedAt, List<Wave> waves,
                   Map<String, App> apps, String cancel, String pauseToken, Integer pausedAfter, Failure failure,
                   Instant rollbackAt, String executionInput, long version, Watch watch) {
        this(rolloutId, status, fingerprint, composeHash, trigger, actor, replyUrl, startedAt, endedAt, waves, apps,
                cancel, pauseToken, pausedAfter, failure, rollbackAt, executionInput, version, watch, null);
    }

    /**
     * What a release channel's rollout releases: the channel; {@code kind} {@code push} (an image pushed
     * to ECR), {@code deploy} (a tag deployed from chat) or {@code rollback}; the repository, tag and
     * digest, and the image as pinned ({@code <registry>/<repository>@<digest>}), for a push or a deploy;
     * for a rollback, the rollout it undoes and the revision it goes back to; and each line of the
     * compose file it changes.
     */
    public record Release(String channel, String kind, String repository, String tag, String digest, String image,
                          String rollbackOf, String revision, List<LineChange> changes) {
        public Release {
            changes = List.copyOf(changes);
        }
    }

    /** One line of the compose file changed by a release: its number (from 1), before and after. */
    public record LineChange(int line, String before, String after) {}

    /** The same rollout, releasing {@code newRelease}. */
    public Rollout withRelease(Release newRelease) {
        return new Rollout(rolloutId, status, fingerprint, composeHash, trigger, actor, replyUrl, startedAt, endedAt,
                waves, apps, cancel, pauseToken, pausedAfter, failure, rollbackAt, executionInput, version, watch, newRelease);
    }

    /**
     * What a whole update's watch carries to its final outcome: the update's request and correlation
     * ids, how long it may take, and whether the CVM must be seen restarting first (the hash is unchanged).
     */
    public record Watch(String requestId, String correlationId, int timeoutSeconds, boolean needsProgress) {}

    public boolean watches() {
        return watch != null;
    }

    /** One wave: its number (from 1), status and CVMs, and when its CVMs were committed. */
    public record Wave(int number, String status, Instant committedAt, List<Target> cvms, String approvedBy) {
        public Wave {
            cvms = List.copyOf(cvms);
        }

        /** A wave not approved (yet). */
        public Wave(int number, String status, Instant committedAt, List<Target> cvms) {
            this(number, status, committedAt, cvms, null);
        }

        public Wave with(String newStatus, Instant newCommittedAt, List<Target> newCvms) {
            return new Wave(number, newStatus, newCommittedAt, newCvms, approvedBy);
        }

        /** The same wave, its pause approved by {@code actor}. */
        public Wave approvedBy(String actor) {
            return new Wave(number, status, committedAt, cvms, actor);
        }
    }

    /**
     * One CVM of the rollout.
     *
     * @param status {@code pending}, {@code updating}, {@code healthy}, {@code failed},
     *     {@code rolling_back}, {@code rolled_back}, {@code rollback_failed}
     * @param revisionBefore the revision it ran before it was first changed (what a rollback redeploys)
     */
    public record Target(String cvmId, String status, String error, String vmUuid, String appId, String hashBefore,
                         String revisionBefore) {
        public Target {
            error = Outcome.clip(error, 500);
        }

        public Target withStatus(String newStatus, String newError) {
            return new Target(cvmId, newStatus, newError, vmUuid, appId, hashBefore, revisionBefore);
        }

        public Target read(String newVmUuid, String newAppId, String newHashBefore) {
            return new Target(cvmId, status, error, newVmUuid, newAppId, newHashBefore, revisionBefore);
        }

        public Target withRevisionBefore(String revision) {
            return new Target(cvmId, status, error, vmUuid, appId, hashBefore, revision);
        }

        /** Whether the rollout changed this CVM (committed or redeployed to the new revision). */
        public boolean changed() {
            return !"pending".equals(status);
        }
    }

    /** An app's update, prepared once: the lead CVM it was provisioned on and the hash to run. */
    public record App(String appId, String leadCvmId, String composeHash) {}

    /** What failed a rollout: the CVM (or null for an alarm, a cancel) and why. */
    public record Failure(String cvmId, String reason) {
        public Failure {
            reason = Outcome.clip(reason, Outcome.MAX_ERROR);
        }
    }

    public boolean ended() {
        return FINAL.contains(status);
    }

    public Optional<Wave> wave(int number) {
        return waves.stream().filter(w -> w.number() == number).findFirst();
    }

    public List<Target> targets() {
        List<Target> all = new ArrayList<>();
        waves.forEach(w -> all.addAll(w.cvms()));
        return all;
    }

    public Rollout withWave(Wave wave) {
        List<Wave> list = new ArrayList<>(waves);
        list.replaceAll(w -> w.number() == wave.number() ? wave : w);
        return new Rollout(rolloutId, status, fingerprint, composeHash, trigger, actor, replyUrl, startedAt, endedAt,
                list, apps, cancel, pauseToken, pausedAfter, failure, rollbackAt, executionInput, version, watch, release);
    }

    /** Every CVM passed through {@code change}, wave by wave. */
    public Rollout mapTargets(java.util.function.UnaryOperator<Target> change) {
        List<Wave> list = new ArrayList<>();
        for (Wave w : waves) {
            list.add(w.with(w.status(), w.committedAt(), w.cvms().stream().map(change).toList()));
        }
        return new Rollout(rolloutId, status, fingerprint, composeHash, trigger, actor, replyUrl, startedAt, endedAt,
                list, apps, cancel, pauseToken, pausedAfter, failure, rollbackAt, executionInput, version, watch, release);
    }

    public Rollout withStatus(String newStatus) {
        return new Rollout(rolloutId, newStatus, fingerprint, composeHash, trigger, actor, replyUrl, startedAt, endedAt,
                waves, apps, cancel, pauseToken, pausedAfter, failure, rollbackAt, executionInput, version, watch, release);
    }

    public Rollout withApps(Map<String, App> newApps, String newComposeHash) {
        return new Rollout(rolloutId, status, fingerprint, newComposeHash, trigger, actor, replyUrl, startedAt, endedAt,
                waves, newApps, cancel, pauseToken, pausedAfter, failure, rollbackAt, executionInput, version, watch, release);
    }

    public Rollout withCancel(String newCancel) {
        return new Rollout(rolloutId, status, fingerprint, composeHash, trigger, actor, replyUrl, startedAt, endedAt,
                waves, apps, newCancel, pauseToken, pausedAfter, failure, rollbackAt, executionInput, version, watch, release);
    }

    public Rollout paused(String token, Integer afterWave) {
        return new Rollout(rolloutId, token == null ? "running" : "paused", fingerprint, composeHash, trigger, actor,
                replyUrl, startedAt, endedAt, waves, apps, cancel, token, afterWave, failure, rollbackAt, executionInput, version, watch, release);
    }

    public Rollout withFailure(Failure newFailure) {
        return new Rollout(rolloutId, status, fingerprint, composeHash, trigger, actor, replyUrl, startedAt, endedAt,
                waves, apps, cancel, pauseToken, pausedAfter, newFailure, rollbackAt, executionInput, version, watch, release);
    }

    public Rollout ended(String finalStatus, Instant at) {
        return new Rollout(rolloutId, finalStatus, fingerprint, composeHash, trigger, actor, replyUrl, startedAt, at,
                waves, apps, cancel, null, null, failure, rollbackAt, executionInput, version, watch, release);
    }

    public Rollout rollingBack(Instant at) {
        return new Rollout(rolloutId, status, fingerprint, composeHash, trigger, actor, replyUrl, startedAt, endedAt,
                waves, apps, cancel, pauseToken, pausedAfter, failure, at, executionInput, version, watch, release);
    }

    /** The same rollout as stored at {@code newVersion}. */
    public Rollout atVersion(long newVersion) {
        return new Rollout(rolloutId, status, fingerprint, composeHash, trigger, actor, replyUrl, startedAt, endedAt,
                waves, apps, cancel, pauseToken, pausedAfter, failure, rollbackAt, executionInput, newVersion, watch, release);
    }
}
