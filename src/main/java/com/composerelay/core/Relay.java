package com.composerelay.core;

import com.composerelay.core.Outcome.Accepted;
import com.composerelay.core.Outcome.Failed;
import com.composerelay.core.Outcome.Failure;
import com.composerelay.core.Outcome.Rejected;
import com.composerelay.core.Outcome.Rejection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Forwards one compose update to Phala and decides its outcome: takes the key, sends the PATCH,
 * refreshes the key once on 401, retries what may pass with backoff, and never runs past the
 * deadline. It does not publish: the trigger knows whether an outcome is final for its caller.
 * {@link #call} applies the same rules to any of Phala's calls (the whole update's provision and CVM read).
 */
public final class Relay {

    /** Pauses between attempts; tests pass one that does not really sleep. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /**
     * @param attemptTimeout the longest one PATCH may take
     * @param reserve time kept back before the deadline to publish the outcome and answer
     * @param minAttemptTime an attempt is not started with less than this left
     */
    public record Timing(Duration attemptTimeout, Duration reserve, Duration minAttemptTime) {}

    private final ApiKeys apiKeys;
    private final PhalaApi phala;
    private final RetryPolicy retryPolicy;
    private final Timing timing;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Metrics metrics;

    public Relay(ApiKeys apiKeys, PhalaApi phala, RetryPolicy retryPolicy, Timing timing, Clock clock, Sleeper sleeper) {
        this(apiKeys, phala, retryPolicy, timing, clock, sleeper, Metrics.none());
    }

    /** The same, reporting each request's exchange times with Phala to {@code metrics}. */
    public Relay(ApiKeys apiKeys, PhalaApi phala, RetryPolicy retryPolicy, Timing timing, Clock clock, Sleeper sleeper,
                 Metrics metrics) {
        this.apiKeys = apiKeys;
        this.phala = phala;
        this.retryPolicy = retryPolicy;
        this.timing = timing;
        this.clock = clock;
        this.sleeper = sleeper;
        this.metrics = metrics;
    }

    public Outcome relay(RelayRequest request) {
        ComposeUpdate update = request.update();
        Call call = call(request.deadline(), (key, timeout) -> phala.patchComposeFile(update, key, timeout));
        Outcome.Facts facts = new Outcome.Facts(request.requestId(), request.correlationId(), request.trigger(),
                update.cvmId(), update.composeHash(), call.attempts(), call.lastStatus(), call.phalaRequestId(),
                request.startedAt(), clock.instant()).withActor(request.actor());
        return call.outcome(facts);
    }

    /** One exchange with Phala: a PATCH, a provision, a CVM read. */
    @FunctionalInterface
    public interface Exchange {
        PhalaAnswer send(String apiKey, Duration timeout) throws PhalaApi.Timeout, PhalaApi.Unreachable;
    }

    /**
     * How one call to Phala ended after its attempts: succeeded, or {@code failure} or {@code rejection}
     * says why not, with {@code error} in words. {@code last} is Phala's last answer, whatever its
     * status (the successful one, the refusal), or null when none came; {@code lastStatus} is null when
     * the last attempt got no answer.
     */
    public record Call(Outcome.Failure failure, Rejection rejection, String error, PhalaAnswer last, Integer lastStatus,
                       int attempts, String phalaRequestId, Duration took) {
        public boolean succeeded() {
            return failure == null && rejection == null;
        }

        /** Phala's successful answer, or null when the call did not succeed. */
        public PhalaAnswer answer() {
            return succeeded() ? last : null;
        }

        /** The outcome this call decides, with {@code facts}. */
        public Outcome outcome(Outcome.Facts facts) {
            if (succeeded()) {
                return new Accepted(facts);
            }
            return failure != null ? new Failed(facts, failure, error) : new Rejected(facts, rejection, error);
        }
    }

    /**
     * Calls Phala with the same rules as the PATCH: the key (refreshed once on 401), retries of what
     * may pass with backoff, never past {@code deadline} less the reserve.
     */
    public Call call(Instant deadline, Exchange exchange) {
        Attempts attempts = new Attempts(deadline, exchange);
        Call call = attempts.run();
        if (!attempts.exchangeTimes.isEmpty()) {
            metrics.phalaExchanges(List.copyOf(attempts.exchangeTimes));
        }
        return call;
    }

    /** The state of one call's attempts. */
    private final class Attempts {
        private final Exchange send;
        private final Instant lastMoment;
        private int attempts;
        private Integer lastStatus;
        private String phalaRequestId;
        private Failure failure;
        private String error;
        /** Phala's last answer, whatever its status; null when none came. */
        private PhalaAnswer lastAnswer;
        /** How long each attempt's exchange with Phala took, answered or not; the metrics' only source. */
        private final List<Duration> exchangeTimes = new ArrayList<>();

        private final Instant began = clock.instant();

        Attempts(Instant deadline, Exchange send) {
            this.send = send;
            this.lastMoment = deadline.minus(timing.reserve());
        }

        Call run() {
            if (timeLeft().compareTo(timing.minAttemptTime()) < 0) {
                return failed(Failure.NO_TIME_LEFT,
                        "too little time left before the Lambda deadline to call Phala (" + timeLeft().toMillis() + " ms)");
            }
            String key;
            try {
                key = apiKeys.current();
            } catch (ApiKeys.KeyUnavailable e) {
                return failed(Failure.KEY_UNAVAILABLE, "the Phala API key could not be read: " + e.getMessage());
            }
            boolean refreshed = false;
            while (true) {
                Duration left = timeLeft();
                if (left.compareTo(timing.minAttemptTime()) < 0) {
                    return failure == null
                            ? failed(Failure.NO_TIME_LEFT, "too little time left before the Lambda deadline to call Phala"
                                    + " after reading the API key (" + left.toMillis() + " ms)")
                            : failed(failure, error + "; no time left before the Lambda deadline");
                }
                attempts++;
                Duration timeout = left.compareTo(timing.attemptTimeout()) < 0 ? left : timing.attemptTimeout();
                PhalaAnswer answer;
                try {
                    answer = exchange(key, timeout);
                } catch (PhalaApi.Timeout e) {
                    lastStatus = null;
                    failure = Failure.PHALA_TIMEOUT;
                    error = "Phala did not answer within " + timeout.toMillis() + " ms";
                    if (!pauseBeforeRetry(Optional.empty())) {
                        return gaveUp();
                    }
                    continue;
                } catch (PhalaApi.Unreachable e) {
                    lastStatus = null;
                    failure = Failure.PHALA_UNREACHABLE;
                    error = "Phala could not be reached: " + e.getMessage();
                    if (!pauseBeforeRetry(Optional.empty())) {
                        return gaveUp();
                    }
                    continue;
                }
                lastStatus = answer.status();
                lastAnswer = answer;
                if (answer.requestId() != null) {
                    phalaRequestId = answer.requestId();
                }
                if (answer.isSuccess()) {
                    return end(null, null, null);
                }
                if (answer.status() == 401) {
                    if (refreshed) {
                        return failed(Failure.KEY_REFUSED,
                                "Phala refused the relay's API key (401) even after fetching it anew" + detail(answer));
                    }
                    // One attempt more with the key read anew (a rotation), whatever the attempts left.
                    failure = Failure.KEY_REFUSED;
                    error = "Phala refused the relay's API key (401)" + detail(answer);
                    refreshed = true;
                    try {
                        key = apiKeys.refresh(key);
                    } catch (ApiKeys.KeyUnavailable e) {
                        return failed(Failure.KEY_UNAVAILABLE,
                                "Phala refused the API key (401) and it could not be read anew: " + e.getMessage());
                    }
                    continue;
                }
                if (answer.isRetryable()) {
                    failure = Failure.PHALA_UNAVAILABLE;
                    error = "Phala answered " + answer.status() + detail(answer);
                    if (!pauseBeforeRetry(answer.retryAfter())) {
                        return gaveUp();
                    }
                    continue;
                }
                if (answer.status() >= 400 && answer.status() < 500) {
                    return rejected(Rejection.PHALA_REFUSED, "Phala answered " + answer.status() + detail(answer));
                }
                String where = answer.location() == null ? "" : " to " + answer.location();
                return rejected(Rejection.PHALA_UNEXPECTED, answer.status() >= 300 && answer.status() < 400
                        ? "Phala answered a redirect " + answer.status() + where + ", which the relay does not follow"
                        : "Phala answered an unexpected status " + answer.status() + detail(answer));
            }
        }

        /** One exchange, its time noted whatever its end. */
        private PhalaAnswer exchange(String key, Duration timeout) throws PhalaApi.Timeout, PhalaApi.Unreachable {
            Instant sent = clock.instant();
            try {
                return send.send(key, timeout);
            } finally {
                exchangeTimes.add(Duration.between(sent, clock.instant()));
            }
        }

        /** Waits before the next attempt; false when no attempt may follow (count or deadline). */
        private boolean pauseBeforeRetry(Optional<Duration> retryAfter) {
            if (!retryPolicy.mayRetryAfter(attempts)) {
                error = error + " (gave up after " + attempts + (attempts == 1 ? " attempt)" : " attempts)");
                return false;
            }
            Duration delay = retryPolicy.delayAfter(attempts, retryAfter);
            if (delay.plus(timing.minAttemptTime()).compareTo(timeLeft()) > 0) {
                error = error + "; the next attempt (in " + delay.toMillis()
                        + " ms) would pass the Lambda deadline, so the relay stopped after "
                        + attempts + (attempts == 1 ? " attempt" : " attempts");
                return false;
            }
            try {
                sleeper.sleep(delay);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                error = error + "; interrupted while waiting to retry";
                return false;
            }
        }

        private Call gaveUp() {
            return failed(failure, error);
        }

        private Duration timeLeft() {
            Duration left = Duration.between(clock.instant(), lastMoment);
            return left.isNegative() ? Duration.ZERO : left;
        }

        private Call failed(Failure reason, String message) {
            return end(reason, null, message);
        }

        /** A final refusal: Phala's answer is the last one, {@link Call#last()}. */
        private Call rejected(Rejection reason, String message) {
            return end(null, reason, message);
        }

        private Call end(Failure reason, Rejection rejection, String message) {
            return new Call(reason, rejection, message, lastAnswer, lastStatus, attempts, phalaRequestId,
                    Duration.between(began, clock.instant()));
        }
    }

    private static String detail(PhalaAnswer answer) {
        return answer.detail() == null || answer.detail().isBlank() ? "" : ": " + answer.detail();
    }
}
