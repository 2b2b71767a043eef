package com.composerelay.aws;

import com.composerelay.core.Invocation;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;

/**
 * Bounds each AWS call by the Lambda deadline: its {@code apiCallTimeout} (which covers the SDK's
 * own retries) is what is left of the invocation less {@code reserve}, at most {@link #LONGEST}. A
 * stalled endpoint then fails the call in time for the relay to release its claim, publish and
 * answer, instead of the function timing out with an idempotency claim left in progress.
 *
 * @param reserve what a call leaves of the invocation: the deadline reserve for calls made before
 *     the PATCH (so the outcome can still be published), {@link #ANSWER_MARGIN} for calls after it
 */
public record AwsCallDeadline(Clock clock, Duration reserve) {
    /** The bound of a call made outside an invocation (start-up work, priming), or with more time left. */
    public static final Duration LONGEST = Duration.ofSeconds(10);
    /** What a call made after the PATCH leaves of the invocation: time to write the answer. */
    public static final Duration ANSWER_MARGIN = Duration.ofMillis(200);
    private static final Duration SHORTEST = Duration.ofMillis(1);

    /** The {@code apiCallTimeout} for a call starting now. */
    public Duration timeout() {
        return Invocation.current()
                .map(invocation -> invocation.timeLeft(clock.instant()).minus(reserve))
                .map(left -> left.compareTo(SHORTEST) < 0 ? SHORTEST : left.compareTo(LONGEST) > 0 ? LONGEST : left)
                .orElse(LONGEST);
    }

    /** For a request builder's {@code overrideConfiguration(...)}. */
    public Consumer<AwsRequestOverrideConfiguration.Builder> bound() {
        Duration timeout = timeout();
        return o -> o.apiCallTimeout(timeout);
    }
}
