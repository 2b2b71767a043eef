package com.composerelay.log;

import com.composerelay.core.Invocation;
import com.composerelay.json.Json;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One JSON object per line on standard output, which Lambda sends to CloudWatch Logs. Each line has
 * the fields Lambda's JSON log format reads ({@code timestamp}, {@code level}) and the request id of
 * the invocation it belongs to. Callers pass only facts that may be read by anyone with log access:
 * the API key is never among them.
 */
public final class Log {
    /** The levels of Lambda's {@code AWS_LAMBDA_LOG_LEVEL}, least severe first. */
    public enum Level { TRACE, DEBUG, INFO, WARN, ERROR, FATAL }

    private static volatile PrintStream out = System.out;
    private static volatile Level threshold = Level.INFO;
    /** Inherited, so that an SQS batch's workers are muted with the priming thread that starts them. */
    private static final InheritableThreadLocal<Boolean> MUTED = new InheritableThreadLocal<>() {
        @Override
        protected Boolean initialValue() {
            return false;
        }
    };

    private Log() {}

    public static void info(String message, Object... fields) {
        write(Level.INFO, message, null, fields);
    }

    public static void warn(String message, Object... fields) {
        write(Level.WARN, message, null, fields);
    }

    public static void error(String message, JrsValue payload, Object... fields) {
        write(Level.ERROR, message, payload, fields);
    }

    /** Lines below {@code level} are dropped from now on (the configuration's {@code AWS_LAMBDA_LOG_LEVEL}). */
    public static void threshold(Level level) {
        threshold = level;
    }

    /** Whether a line at {@code level} would be written (muting aside). */
    public static boolean enabled(Level level) {
        return level.compareTo(threshold) >= 0;
    }

    /** Whether this thread's output is muted (priming): metrics lines follow the same rule. */
    public static boolean isMuted() {
        return MUTED.get();
    }

    /** A checked action, for {@link #muted}. */
    @FunctionalInterface
    public interface Action<T> {
        T run() throws Exception;
    }

    /**
     * Runs {@code action} with this thread's log lines rendered but not written: priming runs the
     * real code path, logging included, without filling the function's log with sample requests.
     */
    public static <T> T muted(Action<T> action) throws Exception {
        boolean was = MUTED.get();
        MUTED.set(true);
        try {
            return action.run();
        } finally {
            MUTED.set(was);
        }
    }

    /** For tests that read what was logged. */
    public static void to(PrintStream stream) {
        out = stream;
    }

    static void write(Level level, String message, JrsValue payload, Object... fields) {
        if (!enabled(level)) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("timestamp", Instant.now().toString());
        line.put("level", level.name());
        Invocation.current().map(Invocation::requestId).ifPresent(id -> line.put("AWSRequestId", id));
        line.put("message", message);
        for (int i = 0; i + 1 < fields.length; i += 2) {
            Object value = fields[i + 1];
            if (value instanceof Number n) {
                line.put(String.valueOf(fields[i]), n.longValue());
            } else {
                line.put(String.valueOf(fields[i]), value == null ? null : String.valueOf(value));
            }
        }
        if (payload != null) {
            line.put("outcome", payload);
        }
        String text = Json.write(Json.object(line));
        if (!MUTED.get()) {
            out.println(text);
        }
    }
}
