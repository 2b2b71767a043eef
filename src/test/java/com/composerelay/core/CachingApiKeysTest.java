package com.composerelay.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.composerelay.support.MutableClock;
import com.composerelay.support.RecordingMetrics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class CachingApiKeysTest {
    private final MutableClock clock = new MutableClock();
    private final Deque<String> stored = new ArrayDeque<>(List.of("key-1", "key-2", "key-3"));
    private int fetches;
    private final RecordingMetrics metrics = new RecordingMetrics();
    private final CachingApiKeys keys = new CachingApiKeys(() -> {
        fetches++;
        return stored.poll();
    }, Duration.ofMinutes(5), clock, metrics);

    @Test
    void countsEachReadAsACacheHitOrMiss() throws Exception {
        keys.current();
        keys.current();
        clock.advance(Duration.ofMinutes(5));
        keys.current();
        keys.refresh("key-2");
        keys.refresh("key-2");

        assertThat(metrics.recorded()).containsExactly(
                "ApiKeyCacheMiss", "ApiKeyCacheHit", "ApiKeyCacheMiss", "ApiKeyCacheMiss", "ApiKeyCacheHit");
    }

    @Test
    void countsAFailedReadAsAMissAndAPrefetchNotAtAll() {
        RecordingMetrics counted = new RecordingMetrics();
        CachingApiKeys empty = new CachingApiKeys(() -> "", Duration.ofMinutes(5), clock, counted);
        empty.prefetch();
        assertThatThrownBy(empty::current).isInstanceOf(ApiKeys.KeyUnavailable.class);

        assertThat(counted.recorded()).containsExactly("ApiKeyCacheMiss");
    }

    @Test
    void cachesTheKeyAcrossWarmInvocations() throws Exception {
        assertThat(keys.current()).isEqualTo("key-1");
        clock.advance(Duration.ofMinutes(4));
        assertThat(keys.current()).isEqualTo("key-1");
        assertThat(fetches).isEqualTo(1);
    }

    @Test
    void fetchesAgainAfterTheTtl() throws Exception {
        keys.current();
        clock.advance(Duration.ofMinutes(5));
        assertThat(keys.current()).isEqualTo("key-2");
        assertThat(fetches).isEqualTo(2);
    }

    @Test
    void refreshFetchesOnlyWhenTheRefusedKeyIsStillCached() throws Exception {
        assertThat(keys.current()).isEqualTo("key-1");
        assertThat(keys.refresh("key-1")).isEqualTo("key-2");
        // A second request that was refused with the old key gets the new one without a fetch.
        assertThat(keys.refresh("key-1")).isEqualTo("key-2");
        assertThat(fetches).isEqualTo(2);
    }

    @Test
    void forgetMakesTheNextCallFetch() throws Exception {
        keys.current();
        keys.forget();
        assertThat(keys.current()).isEqualTo("key-2");
    }

    @Test
    void rejectsAnEmptySecret() {
        CachingApiKeys empty = new CachingApiKeys(() -> "  ", Duration.ofMinutes(5), clock);
        assertThatThrownBy(empty::current).isInstanceOf(ApiKeys.KeyUnavailable.class)
                .hasMessage("the API key secret is empty");
    }

    @Test
    void prefetchedKeyServesTheFirstRequestWithoutAnotherFetch() throws Exception {
        keys.prefetch();
        assertThat(fetches).isEqualTo(1);
        assertThat(keys.current()).isEqualTo("key-1");
        assertThat(fetches).isEqualTo(1);
    }

    @Test
    void aFailedPrefetchIsLeftForTheFirstRequestToReadAgain() throws Exception {
        Deque<String> answers = new ArrayDeque<>(List.of("", "key-after-outage"));
        CachingApiKeys flaky = new CachingApiKeys(answers::poll, Duration.ofMinutes(5), clock);

        flaky.prefetch();

        assertThat(flaky.current()).isEqualTo("key-after-outage");
    }
}
