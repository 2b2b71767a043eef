package com.composerelay.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;

/**
 * One check of a watched update: reads the CVM once and either decides the final outcome
 * ({@code completed} when it runs the committed compose, {@code failed} when it stopped or the watch's
 * time is up) or queues the next check. Each check runs once whatever SQS redelivers, and the final
 * outcome is published once, whether the watch or Phala's webhook gets there first.
 */
public final class Watcher {
    /** States in which a CVM that is not being updated will not come to run the new compose. */
    private static final Set<String> STOPPED = Set.of("stopped", "error", "shutdown", "deleting", "deleted", "failed");

    /** What became of one check. */
    public enum Verdict {
        /** Decided (final outcome published, or published before) or the next check queued: the message is done. */
        DONE,
        /** This check ran before (a redelivery): nothing done. */
        SEEN,
        /** Could not be done now (the store or the queue is unavailable, or another delivery holds it): redeliver. */
        LATER,
        /** Not a check the relay queued (no such watch, or the wrong nonce): ignored, never retried. */
        FORGED
    }

    private final PhalaProvisioning phala;
    private final ApiKeys keys;
    private final Records registrations;
    private final Locks checks;
    private final FinalOutcomes finals;
    private final Publication publication;
    private final WatchQueue queue;
    private final Duration interval;
    private final Relay.Timing timing;
    private final Clock clock;

    public Watcher(PhalaProvisioning phala, ApiKeys keys, Records registrations, Locks checks, FinalOutcomes finals,
                   Publication publication, WatchQueue queue, Duration interval, Relay.Timing timing, Clock clock) {
        this.phala = phala;
        this.keys = keys;
        this.registrations = registrations;
        this.checks = checks;
        this.finals = finals;
        this.publication = publication;
        this.queue = queue;
        this.interval = interval;
        this.timing = timing;
        this.clock = clock;
    }

    public Verdict check(WatchCheck check, Instant deadline) {
        if (registrations.durable()) {
            try {
                if (!registrations.get(check.registrationKey()).filter(check.credential()::equals).isPresent()) {
                    return Verdict.FORGED;
                }
            } catch (StoreUnavailable e) {
                return Verdict.LATER;
            }
        }
        String key = StoreKeys.WATCH_CHECK.of(check.correlationId() + ":" + check.check());
        try {
            Locks.Taken taken = checks.take(key, deadline);
            if (taken == Locks.Taken.DONE) {
                return Verdict.SEEN;
            }
            if (taken == Locks.Taken.HELD) {
                return Verdict.LATER;
            }
        } catch (StoreUnavailable e) {
            return Verdict.LATER;
        }
        Verdict verdict = run(check, deadline);
        try {
            if (verdict == Verdict.DONE) {
                checks.done(key);
            } else {
                checks.free(key);
            }
        } catch (StoreUnavailable e) {
            // A redelivery finds the check in progress until the deadline, then runs it: the final lock still holds.
        }
        return verdict;
    }

    private Verdict run(WatchCheck check, Instant deadline) {
        Seen seen = read(check, deadline);
        Outcome outcome = null;
        boolean sawProgress = false;
        if (seen.answer != null && seen.answer.isSuccess()) {
            boolean inProgress = "true".equals(seen.answer.value(PhalaProvisioning.IN_PROGRESS));
            String status = seen.answer.value(PhalaProvisioning.STATUS);
            String hash = seen.answer.value(PhalaProvisioning.COMPOSE_HASH);
            sawProgress = inProgress || (status != null && !status.equals("running"));
            // An update that keeps the hash (new env only) is done only once the CVM was seen updating.
            boolean progressed = !check.needsProgress() || check.seenProgress() || sawProgress;
            if ("running".equals(status) && !inProgress && sameHash(hash, check.composeHash()) && progressed) {
                outcome = new Outcome.Completed(facts(check, seen), "watch");
            } else if (status != null && !inProgress && STOPPED.contains(status.toLowerCase(Locale.ROOT))) {
                outcome = new Outcome.Failed(facts(check, seen), Outcome.Failure.CVM_NOT_RUNNING,
                        "the CVM is " + status + " after the update (check " + check.check() + ")");
            }
        } else if (seen.answer != null && seen.answer.status() == 404) {
            outcome = new Outcome.Failed(facts(check, seen), Outcome.Failure.CVM_NOT_RUNNING,
                    "Phala answered 404 to the CVM's read: it is gone" + detail(seen.answer));
        }
        if (outcome == null && !clock.instant().isBefore(check.giveUpAt())) {
            outcome = new Outcome.Failed(facts(check, seen), Outcome.Failure.WATCH_TIMED_OUT,
                    "the CVM did not run the new compose within "
                            + Duration.between(check.startedAt(), check.giveUpAt()).toSeconds() + " s (" + check.check()
                            + (check.check() == 1 ? " check" : " checks") + "; last seen: " + seen.describe() + ")");
        }
        if (outcome != null) {
            try {
                // The update's chat, when it came from one and its thread is remembered (Phala's webhook is configured).
                finals.decide(outcome, deadline, publication.replyUrlOf(check.cvmId(), check.correlationId()));
                return Verdict.DONE;
            } catch (StoreUnavailable e) {
                return Verdict.LATER;
            }
        }
        try {
            queue.schedule(check.next(sawProgress), interval);
            return Verdict.DONE;
        } catch (WatchQueue.Unavailable e) {
            return Verdict.LATER;
        }
    }

    /** The CVM as one read found it: the answer, or why there was none. */
    private record Seen(PhalaAnswer answer, String problem) {
        String describe() {
            if (answer == null) {
                return problem;
            }
            if (!answer.isSuccess()) {
                return "Phala answered " + answer.status() + detail(answer);
            }
            String progress = "true".equals(answer.value(PhalaProvisioning.IN_PROGRESS)) ? ", update in progress" : "";
            return "status " + answer.value(PhalaProvisioning.STATUS) + progress + ", compose_hash "
                    + answer.value(PhalaProvisioning.COMPOSE_HASH);
        }
    }

    /** One read of the CVM: one attempt, the key refreshed for the next check if Phala refused it. */
    private Seen read(WatchCheck check, Instant deadline) {
        Duration left = Duration.between(clock.instant(), deadline.minus(timing.reserve()));
        if (left.compareTo(timing.minAttemptTime()) < 0) {
            return new Seen(null, "no time left to read the CVM");
        }
        Duration timeout = left.compareTo(timing.attemptTimeout()) < 0 ? left : timing.attemptTimeout();
        String key;
        try {
            key = keys.current();
        } catch (ApiKeys.KeyUnavailable e) {
            return new Seen(null, "the Phala API key could not be read: " + e.getMessage());
        }
        try {
            PhalaAnswer answer = phala.readCvm(check.cvmId(), key, timeout);
            if (answer.status() == 401) {
                try {
                    keys.refresh(key);
                } catch (ApiKeys.KeyUnavailable e) {
                    // the next check reads it again
                }
            }
            return new Seen(answer, null);
        } catch (PhalaApi.Timeout e) {
            return new Seen(null, "Phala did not answer within " + timeout.toMillis() + " ms");
        } catch (PhalaApi.Unreachable e) {
            return new Seen(null, "Phala could not be reached: " + e.getMessage());
        }
    }

    private Outcome.Facts facts(WatchCheck check, Seen seen) {
        PhalaAnswer answer = seen.answer;
        return new Outcome.Facts(check.requestId(), check.correlationId(), Trigger.WATCH, check.cvmId(),
                check.composeHash(), check.check(), answer == null ? null : answer.status(),
                answer == null ? null : answer.requestId(), check.startedAt(), clock.instant()).withActor(check.actor());
    }

    /** Compose hashes are equal whatever their case and {@code 0x} prefix. */
    static boolean sameHash(String a, String b) {
        return a != null && b != null && strip(a).equalsIgnoreCase(strip(b));
    }

    private static String strip(String hash) {
        return hash.startsWith("0x") || hash.startsWith("0X") ? hash.substring(2) : hash;
    }

    private static String detail(PhalaAnswer answer) {
        return answer.detail() == null || answer.detail().isBlank() ? "" : ": " + answer.detail();
    }
}
