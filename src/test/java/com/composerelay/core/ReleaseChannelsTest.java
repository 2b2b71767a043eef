package com.composerelay.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.composerelay.core.RolloutRequest.Strategy;
import com.composerelay.core.RolloutRequest.Targets;
import com.composerelay.support.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The release channels' cache (the relay tokens' rules), the re-read for an unknown repository, and tag globs. */
class ReleaseChannelsTest {
    private static final Duration TTL = Duration.ofMinutes(5);
    private final MutableClock clock = new MutableClock();
    private final AtomicInteger reads = new AtomicInteger();
    /** What the store holds now; each read takes a copy. */
    private List<ReleaseChannel> stored = new ArrayList<>(List.of(channel("shop-prod", "shop", "v*"),
            channel("shop-staging", "shop", "rc-*", "main-???????")));
    private ReleaseChannels.Unavailable failure;
    private final ReleaseChannels channels = new ReleaseChannels(() -> {
        reads.incrementAndGet();
        if (failure != null) {
            throw failure;
        }
        return List.copyOf(stored);
    }, TTL, clock);

    static ReleaseChannel channel(String name, String repository, String... tags) {
        return new ReleaseChannel(name, repository, List.of(tags), List.of("web"), new Targets.App("ab"),
                Strategy.defaults(), Map.of());
    }

    private List<String> names(String repository, String tag) throws Exception {
        return channels.matching(repository, tag).stream().map(ReleaseChannel::name).toList();
    }

    @Test
    void readsOnceAndKeepsTheListForTheCachesTime() throws Exception {
        assertThat(channels.all()).extracting(ReleaseChannel::name).containsExactly("shop-prod", "shop-staging");
        clock.advance(TTL.minusSeconds(1));
        stored.add(channel("api", "api", "*"));
        assertThat(channels.all()).hasSize(2);
        assertThat(names("shop", "v1.2")).containsExactly("shop-prod");
        assertThat(reads).hasValue(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(channels.all()).extracting(ReleaseChannel::name).containsExactly("shop-prod", "shop-staging", "api");
        assertThat(reads).hasValue(2);
    }

    @Test
    void matchesTheRepositoryExactlyAndAnyGlob() throws Exception {
        stored.add(channel("shop-all", "shop", "*"));
        stored.add(channel("team-shop", "team/shop", "v*"));
        assertThat(names("shop", "v1")).containsExactly("shop-prod", "shop-all");
        assertThat(names("shop", "rc-7")).containsExactly("shop-staging", "shop-all");
        assertThat(names("shop", "main-abc1234")).containsExactly("shop-staging", "shop-all");
        assertThat(names("shop", "main-abc12345")).containsExactly("shop-all");
        assertThat(names("team/shop", "v1")).containsExactly("team-shop");
        assertThat(names("Shop", "v1")).isEmpty();
        assertThat(names("shop", null)).isEmpty();
        assertThat(channels.named("shop-staging").repository()).isEqualTo("shop");
        assertThat(channels.named("nope")).isNull();
    }

    @Test
    void aPushOfAnUnknownRepositoryRereadsOnceTheListIsAMinuteOld() throws Exception {
        assertThat(names("api", "v1")).isEmpty();
        assertThat(reads).hasValue(1);
        stored.add(channel("api-prod", "api", "v*"));
        clock.advance(Duration.ofSeconds(59));
        assertThat(names("api", "v1")).isEmpty();
        assertThat(reads).as("younger than a minute: no read").hasValue(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(names("api", "v1")).containsExactly("api-prod");
        assertThat(reads).hasValue(2);
        assertThat(names("api", "v2")).containsExactly("api-prod");
        assertThat(reads).as("the repository is known now").hasValue(2);
    }

    @Test
    void aChannelNamedFromChatThatTheCopyLacksRereadsOnceTheListIsAMinuteOld() throws Exception {
        assertThat(channels.named("api-prod")).isNull();
        stored.add(channel("api-prod", "api", "v*"));
        clock.advance(Duration.ofSeconds(59));
        assertThat(channels.named("api-prod")).as("younger than a minute: no read").isNull();
        assertThat(reads).hasValue(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(channels.named("api-prod").repository()).isEqualTo("api");
        assertThat(reads).hasValue(2);
        assertThat(channels.named("shop-prod")).isNotNull();
        assertThat(reads).as("a known name reads nothing").hasValue(2);
    }

    @Test
    void aFloodOfUnknownRepositoriesCostsOneReadAMinute() throws Exception {
        assertThat(channels.all()).hasSize(2);
        clock.advance(Duration.ofMinutes(1));
        for (int i = 0; i < 50; i++) {
            assertThat(names("other-" + i, "v1")).isEmpty();
        }
        assertThat(reads).hasValue(2);
        clock.advance(Duration.ofMinutes(1));
        assertThat(names("other", "v1")).isEmpty();
        assertThat(reads).hasValue(3);
    }

    @Test
    void aKnownRepositoryWithATagNoGlobMatchesDoesNotReread() throws Exception {
        assertThat(names("shop", "latest")).isEmpty();
        clock.advance(Duration.ofMinutes(4));
        stored.add(channel("shop-latest", "shop", "latest"));
        assertThat(names("shop", "latest")).isEmpty();
        assertThat(reads).hasValue(1);
        clock.advance(Duration.ofMinutes(1));
        assertThat(names("shop", "latest")).containsExactly("shop-latest");
        assertThat(reads).as("the cache's time ran out").hasValue(2);
    }

    @Test
    void aFailedReadIsNeverAnsweredFromTheOlderCopy() throws Exception {
        assertThat(channels.all()).hasSize(2);
        clock.advance(TTL);
        failure = new ReleaseChannels.Unavailable(ReleaseChannels.Unavailable.Reason.MALFORMED,
                "the release channels parameter /p is unreadable: [1].tags[0]: …");
        assertThatThrownBy(channels::all).isSameAs(failure);
        assertThatThrownBy(() -> channels.matching("shop", "v1")).isSameAs(failure);
        assertThat(reads).as("each use tries again").hasValue(3);
        failure = null;
        assertThat(names("shop", "v1")).containsExactly("shop-prod");
        assertThat(reads).hasValue(4);
    }

    @Test
    void anUnknownRepositorysRereadThatFailsFailsTheMatch() throws Exception {
        assertThat(channels.all()).hasSize(2);
        clock.advance(Duration.ofMinutes(1));
        failure = new ReleaseChannels.Unavailable(ReleaseChannels.Unavailable.Reason.UNREACHABLE, "down");
        assertThatThrownBy(() -> channels.matching("api", "v1")).isSameAs(failure);
        assertThat(names("shop", "v1")).as("the cached copy still serves known repositories until the cache's time")
                .containsExactly("shop-prod");
        assertThat(failure.reason()).isEqualTo(ReleaseChannels.Unavailable.Reason.UNREACHABLE);
    }

    @Test
    void noneHasNoChannels() throws Exception {
        ReleaseChannels none = ReleaseChannels.none(clock);
        clock.advance(Duration.ofDays(1));
        assertThat(none.matching("shop", "v1")).isEmpty();
        assertThat(none.all()).isEmpty();
    }

    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            v*          | v1.2.3      | true
            v*          | v           | true
            v*          | av1         | false
            v*          | V1          | false
            *           | anything    | true
            *           | ''          | true
            ''          | ''          | true
            ''          | a           | false
            latest      | latest      | true
            latest      | latest2     | false
            latest      | xlatest     | false
            v?          | v1          | true
            v?          | v           | false
            v?          | v12         | false
            v?.*        | v1.0        | true
            v?.*        | v10.0       | false
            *-rc        | 1.0-rc      | true
            *-rc        | 1.0-rc1     | false
            *-rc*       | 1.0-rc1     | true
            a*b*c       | abc         | true
            a*b*c       | aXbYbZc     | true
            a*b*c       | aXbYcZ      | false
            **          | x           | true
            *a*a*a*a*b  | aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | false
            main-???????| main-abc1234| true
            v.*         | v1          | false
            v.*         | v.1         | true
            """)
    void globsAreAnchoredCaseSensitiveWithStarAndQuestionMarkOnly(String glob, String tag, boolean expected) {
        assertThat(TagGlob.matches(glob, tag)).isEqualTo(expected);
    }
}
