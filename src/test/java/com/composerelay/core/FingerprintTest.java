package com.composerelay.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FingerprintTest {
    private static ComposeUpdate update(String cvm, CallerValue<String> env, CallerValue<List<String>> keys, CallerValue<Boolean> flag) {
        return new ComposeUpdate(cvm, "abcd", env, keys, flag);
    }

    @Test
    void isStableHexSha256() {
        String print = Fingerprint.of(update("c1", CallerValue.absent(), CallerValue.absent(), CallerValue.absent()));
        assertThat(print).hasSize(64).matches("[0-9a-f]+");
        assertThat(Fingerprint.of(update("c1", CallerValue.absent(), CallerValue.absent(), CallerValue.absent()))).isEqualTo(print);
    }

    @Test
    void tellsAbsentFromNullFromFalse() {
        assertThat(List.of(
                Fingerprint.of(update("c1", CallerValue.absent(), CallerValue.absent(), CallerValue.absent())),
                Fingerprint.of(update("c1", CallerValue.absent(), CallerValue.absent(), CallerValue.given(null))),
                Fingerprint.of(update("c1", CallerValue.absent(), CallerValue.absent(), CallerValue.given(false))),
                Fingerprint.of(update("c1", CallerValue.given(null), CallerValue.absent(), CallerValue.absent())),
                Fingerprint.of(update("c1", CallerValue.absent(), CallerValue.given(null), CallerValue.absent())),
                Fingerprint.of(update("c1", CallerValue.absent(), CallerValue.given(List.of()), CallerValue.absent())))).doesNotHaveDuplicates();
    }

    @Test
    void cannotBeFooledByMovingTextBetweenFields() {
        assertThat(Fingerprint.of(update("c1", CallerValue.given("ab"), CallerValue.given(List.of("A", "B")), CallerValue.absent())))
                .isNotEqualTo(Fingerprint.of(update("c1", CallerValue.given("ab"), CallerValue.given(List.of("AB")), CallerValue.absent())));
        assertThat(Fingerprint.of(new ComposeUpdate("c1a", "bcd", CallerValue.absent(), CallerValue.absent(), CallerValue.absent())))
                .isNotEqualTo(Fingerprint.of(new ComposeUpdate("c1", "abcd", CallerValue.absent(), CallerValue.absent(), CallerValue.absent())));
    }
}
