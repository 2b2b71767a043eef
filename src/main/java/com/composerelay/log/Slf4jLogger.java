package com.composerelay.log;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * One SLF4J logger (the SDK's, by name) writing through {@link Log}: a line at the logger's level
 * with its name, and a throwable as its class and message only, never a stack trace (one event is
 * one line, and a trace can echo request details).
 */
final class Slf4jLogger extends LegacyAbstractLogger {
    Slf4jLogger(String name) {
        this.name = name;
    }

    /**
     * Never, whatever the threshold: the SDK's DEBUG and TRACE lines carry what it signs (the
     * canonical request, with the role's session token), which no log line may hold.
     */
    @Override
    public boolean isTraceEnabled() {
        return false;
    }

    /** Never: see {@link #isTraceEnabled()}. */
    @Override
    public boolean isDebugEnabled() {
        return false;
    }

    @Override
    public boolean isInfoEnabled() {
        return Log.enabled(Log.Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return Log.enabled(Log.Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return Log.enabled(Log.Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String messagePattern, Object[] arguments,
                                               Throwable throwable) {
        if (level == Level.TRACE || level == Level.DEBUG) {
            return;
        }
        String message = MessageFormatter.basicArrayFormat(messagePattern, arguments);
        Log.Level relayLevel = Log.Level.valueOf(level.name());
        if (throwable == null) {
            Log.write(relayLevel, message, null, "logger", name);
        } else {
            Log.write(relayLevel, message, null, "logger", name,
                    "exception", throwable.getClass().getName(), "exception_message", throwable.getMessage());
        }
    }
}
