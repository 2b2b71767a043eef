package com.composerelay.support;

import com.composerelay.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The relay's log lines of one test, in memory: {@code @RegisterExtension final LogCapture log = new LogCapture();}.
 * A test class's own {@code @AfterEach} methods run before it restores standard output, so they can
 * still read {@link #text()}. The threshold is INFO at the start of each test and after it.
 */
public final class LogCapture implements BeforeEachCallback, AfterEachCallback {
    private final ByteArrayOutputStream lines = new ByteArrayOutputStream();

    @Override
    public void beforeEach(ExtensionContext context) {
        lines.reset();
        Log.threshold(Log.Level.INFO);
        Log.to(new PrintStream(lines, true, StandardCharsets.UTF_8));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Log.threshold(Log.Level.INFO);
        Log.to(System.out);
    }

    /** Everything logged so far in this test. */
    public String text() {
        return lines.toString(StandardCharsets.UTF_8);
    }
}
