package com.composerelay;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.core.CachingApiKeys;
import com.composerelay.log.Log;
import com.composerelay.phala.HttpPhalaApi;
import com.composerelay.snapstart.ReseedableRandom;
import com.composerelay.snapstart.SnapStartHooks;
import com.composerelay.support.Fixtures;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SnapStartHooksTest {
    @RegisterExtension
    static WireMockExtension phala = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    private final AtomicInteger fetches = new AtomicInteger();
    private final CachingApiKeys keys = new CachingApiKeys(() -> "key-" + fetches.incrementAndGet(),
            Duration.ofMinutes(5), Clock.systemUTC());

    private SnapStartHooks hooks(ReseedableRandom jitter) {
        var config = Fixtures.config("PHALA_API_BASE_URL", phala.baseUrl());
        var api = new HttpPhalaApi(HttpPhalaApi.newClient(Duration.ofSeconds(1)), config.phalaBaseUrl(), "2026-05-22",
                Clock.systemUTC());
        return new SnapStartHooks(Wiring.primingDispatcher(config, api, Clock.systemUTC()), keys, jitter);
    }

    @Test
    void primesTheRealCodePathWithoutCallingPhalaOrAws() {
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        Log.to(new PrintStream(logged, true, StandardCharsets.UTF_8));
        try {
            hooks(new ReseedableRandom()).beforeCheckpoint(null);
        } finally {
            Log.to(System.out);
        }
        String log = logged.toString(StandardCharsets.UTF_8);
        assertThat(phala.getAllServeEvents()).as("no request reached Phala").isEmpty();
        assertThat(log).doesNotContain("priming failed");
        // Both paths ran to a decided outcome.
        assertThat(log.lines().filter(l -> l.contains("\"message\":\"request accepted\""))).hasSize(2);
        assertThat(fetches.get()).as("the real key source is not read while priming").isZero();
    }

    @Test
    void forgetsTheCachedKeyAfterARestore() throws Exception {
        SnapStartHooks hooks = hooks(new ReseedableRandom());
        assertThat(keys.current()).isEqualTo("key-1");

        hooks.afterRestore(null);

        assertThat(keys.current()).isEqualTo("key-2");
    }
}
