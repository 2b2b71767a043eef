package com.composerelay.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.composerelay.json.Json;
import com.composerelay.support.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LogTest {
    @RegisterExtension
    final LogCapture log = new LogCapture();

    private String text() {
        return log.text();
    }

    @Test
    void writesOneJsonObjectPerLine() throws Exception {
        Log.info("request accepted", "cvm_id", "cvm_1", "attempts", 2);

        var line = Json.parse(text().strip());
        assertThat(line.get("level").textValue()).isEqualTo("INFO");
        assertThat(line.get("message").textValue()).isEqualTo("request accepted");
        assertThat(line.get("cvm_id").textValue()).isEqualTo("cvm_1");
        assertThat(line.get("attempts").intValue()).isEqualTo(2);
    }

    @Test
    void mutedWritesNothingOnThisThreadOrThoseItStarts() throws Exception {
        String result = Log.muted(() -> {
            Log.info("priming");
            Thread child = Thread.ofVirtual().start(() -> Log.warn("priming worker"));
            child.join();
            return "done";
        });

        assertThat(result).isEqualTo("done");
        assertThat(text()).isEmpty();
    }

    @Test
    void writesAgainAfterAMutedActionFails() {
        assertThatThrownBy(() -> Log.muted(() -> {
            throw new IllegalStateException("priming failed");
        })).isInstanceOf(IllegalStateException.class);

        Log.info("after priming");

        assertThat(text()).contains("\"message\":\"after priming\"");
    }

    @Test
    void aNestedMutedActionLeavesTheOuterOneMuted() throws Exception {
        Log.muted(() -> {
            Log.muted(() -> "inner");
            Log.info("still priming");
            return null;
        });
        Log.info("after priming");

        assertThat(text()).doesNotContain("still priming").contains("\"message\":\"after priming\"");
    }
}
