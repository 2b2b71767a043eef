package com.composerelay.phala;

import com.composerelay.json.Json;
import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.support.MutableClock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PhalaAnswersTest {
    private final MutableClock clock = new MutableClock();

    @Test
    void readsRetryAfterInSeconds() {
        assertThat(PhalaAnswers.retryAfter("120", clock)).contains(Duration.ofSeconds(120));
        assertThat(PhalaAnswers.retryAfter(" 0 ", clock)).contains(Duration.ZERO);
    }

    @Test
    void readsRetryAfterAsHttpDate() {
        // MutableClock starts at 2026-11-25T12:00:00Z.
        assertThat(PhalaAnswers.retryAfter("Wed, 25 Nov 2026 12:00:30 GMT", clock)).contains(Duration.ofSeconds(30));
        assertThat(PhalaAnswers.retryAfter("Wed, 25 Nov 2026 11:00:00 GMT", clock)).contains(Duration.ZERO);
    }

    @Test
    void ignoresRetryAfterItCannotRead() {
        assertThat(PhalaAnswers.retryAfter("soon", clock)).isEqualTo(Optional.empty());
        assertThat(PhalaAnswers.retryAfter(null, clock)).isEqualTo(Optional.empty());
        assertThat(PhalaAnswers.retryAfter("-5", clock)).isEqualTo(Optional.empty());
    }

    @Test
    void readsDetailInItsThreeShapes() throws Exception {
        assertThat(PhalaAnswers.detail(Json.parse("\"CVM not found\""))).isEqualTo("CVM not found");
        assertThat(PhalaAnswers.detail(Json.parse(
                "[{\"loc\":[\"body\",\"env_keys\",0],\"msg\":\"Input should be a valid string\",\"type\":\"string_type\"},"
                        + "{\"loc\":[\"path\",\"cvm_id\"],\"msg\":\"bad\",\"type\":\"x\"}]")))
                .isEqualTo("body.env_keys.0: Input should be a valid string; path.cvm_id: bad");
        assertThat(PhalaAnswers.detail(Json.parse(
                "{\"error_code\":\"ERR-05-002\",\"message\":\"Rate limited\",\"request_id\":\"r1\",\"details\":[]}")))
                .isEqualTo("ERR-05-002 Rate limited");
        assertThat(PhalaAnswers.detail(Json.parse("{\"other\":1}"))).isEqualTo("{\"other\":1}");
    }

    @Test
    void versionSentInUserAgentEqualsThePomVersion() {
        assertThat(RelayVersion.VALUE).isEqualTo(System.getProperty("relay.version"));
        assertThat(HttpPhalaApi.USER_AGENT).isEqualTo("compose-relay/" + System.getProperty("relay.version"));
    }

    @Test
    void encodesEverythingButUnreservedCharacters() {
        assertThat(PathSegment.encode("cvm_ykL5lbAn")).isEqualTo("cvm_ykL5lbAn");
        assertThat(PathSegment.encode("3f1c2a8e-5b7d")).isEqualTo("3f1c2a8e-5b7d");
        assertThat(PathSegment.encode("a:b@c+d;e=f")).isEqualTo("a%3Ab%40c%2Bd%3Be%3Df");
        assertThat(PathSegment.encode("é")).isEqualTo("%C3%A9");
    }
}
