package com.composerelay.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private static RetryPolicy policy(double random) {
        return new RetryPolicy(4, Duration.ofSeconds(1), Duration.ofSeconds(20), () -> random);
    }

    @Test
    void backsOffExponentiallyWithEqualJitter() {
        // Lowest jitter: half of 1 s, 2 s, 4 s, 8 s.
        assertThat(policy(0.0).delayAfter(1, Optional.empty())).isEqualTo(Duration.ofMillis(500));
        assertThat(policy(0.0).delayAfter(2, Optional.empty())).isEqualTo(Duration.ofMillis(1000));
        assertThat(policy(0.0).delayAfter(3, Optional.empty())).isEqualTo(Duration.ofMillis(2000));
        // Highest jitter: (almost) the whole backoff.
        assertThat(policy(0.999).delayAfter(3, Optional.empty())).isEqualTo(Duration.ofMillis(3998));
    }

    @Test
    void capsBackoffAtMaxDelay() {
        assertThat(policy(0.999).delayAfter(10, Optional.empty())).isEqualTo(Duration.ofMillis(19990));
        assertThat(policy(0.999).delayAfter(200, Optional.empty())).isEqualTo(Duration.ofMillis(19990));
    }

    @Test
    void honoursRetryAfterExactly() {
        assertThat(policy(0.5).delayAfter(1, Optional.of(Duration.ofSeconds(7)))).isEqualTo(Duration.ofSeconds(7));
        assertThat(policy(0.5).delayAfter(1, Optional.of(Duration.ofSeconds(-3)))).isEqualTo(Duration.ZERO);
    }

    @Test
    void allowsRetriesUpToMaxAttempts() {
        RetryPolicy p = policy(0);
        assertThat(p.mayRetryAfter(1)).isTrue();
        assertThat(p.mayRetryAfter(3)).isTrue();
        assertThat(p.mayRetryAfter(4)).isFalse();
    }
}
