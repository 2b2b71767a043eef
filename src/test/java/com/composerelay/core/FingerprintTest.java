package com.composerelay.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FingerprintTest {
    private static ComposeUpdate update(String cvm, Setting<String> env, Setting<List<String>> keys, Setting<Boolean> flag) {
        return new ComposeUpdate(cvm, "abcd", env, keys, flag);
    }

    @Test
    void isStableHexSha256() {
        String print = Fingerprint.of(update("c1", Setting.absent(), Setting.absent(), Setting.absent()));
        assertThat(print).hasSize(64).matches("[0-9a-f]+");
        assertThat(Fingerprint.of(update("c1", Setting.absent(), Setting.absent(), Setting.absent()))).isEqualTo(print);
    }

    @Test
    void tellsAbsentFromNullFromFalse() {
        assertThat(List.of(
                Fingerprint.of(update("c1", Setting.absent(), Setting.absent(), Setting.absent())),
                Fingerprint.of(update("c1", Setting.absent(), Setting.absent(), Setting.given(null))),
                Fingerprint.of(update("c1", Setting.absent(), Setting.absent(), Setting.given(false))),
                Fingerprint.of(update("c1", Setting.given(null), Setting.absent(), Setting.absent())),
                Fingerprint.of(update("c1", Setting.absent(), Setting.given(null), Setting.absent())),
                Fingerprint.of(update("c1", Setting.absent(), Setting.given(List.of()), Setting.absent())))).doesNotHaveDuplicates();
    }

    @Test
    void cannotBeFooledByMovingTextBetweenFields() {
        assertThat(Fingerprint.of(update("c1", Setting.given("ab"), Setting.given(List.of("A", "B")), Setting.absent())))
                .isNotEqualTo(Fingerprint.of(update("c1", Setting.given("ab"), Setting.given(List.of("AB")), Setting.absent())));
        assertThat(Fingerprint.of(new ComposeUpdate("c1a", "bcd", Setting.absent(), Setting.absent(), Setting.absent())))
                .isNotEqualTo(Fingerprint.of(new ComposeUpdate("c1", "abcd", Setting.absent(), Setting.absent(), Setting.absent())));
    }
}
