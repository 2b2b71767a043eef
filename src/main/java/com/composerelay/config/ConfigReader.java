package com.composerelay.config;

import com.composerelay.log.Log;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads each variable of the environment with its rule; a missing or malformed one fails naming it. */
record ConfigReader(Map<String, String> env) {
    String optional(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    String required(String name) {
        String value = optional(name);
        if (value == null) {
            throw new Config.Invalid(name + " is required");
        }
        return value;
    }

    String text(String name, String fallback) {
        String value = optional(name);
        return value == null ? fallback : value;
    }

    int atLeast(String name, int fallback, int min, String why) {
        int value = positiveInt(name, fallback);
        if (value < min) {
            throw new Config.Invalid(name + " must be at least " + min + " (" + why + "), not '" + value + "'");
        }
        return value;
    }

    /** The watch's time: a one-CVM rollout gives up on its CVM after this long. */
    int watchTimeout() {
        return between("WATCH_TIMEOUT_SECONDS", 600, 1, 86_400, "a watched update is given up after at most a day");
    }

    int between(String name, int fallback, int min, int max, String why) {
        int value = positiveInt(name, fallback);
        if (value < min || value > max) {
            throw new Config.Invalid(name + " must be from " + min + " to " + max + " (" + why + "), not '" + value + "'");
        }
        return value;
    }

    boolean bool(String name, boolean fallback) {
        String value = optional(name);
        if (value == null) {
            return fallback;
        }
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        throw new Config.Invalid(name + " must be true or false, not '" + value + "'");
    }

    /** A prefix of secret names: at least one character before its last {@code /}, never an ARN. */
    String secretPrefix(String name, String fallback) {
        String value = text(name, fallback);
        if (value.startsWith("arn:") || !value.matches("[A-Za-z0-9/_+=.@-]{2,256}") || !value.endsWith("/")) {
            throw new Config.Invalid(name + " must be a secret name prefix ending with '/' (letters, digits and /_+=.@-),"
                    + " not '" + value + "'");
        }
        return value;
    }

    int positiveInt(String name, int fallback) {
        String value = optional(name);
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new Config.Invalid(name + " must be a positive whole number, not '" + value + "'");
    }

    Log.Level logLevel(String name) {
        String value = optional(name);
        if (value == null) {
            return Log.Level.INFO;
        }
        for (Log.Level level : Log.Level.values()) {
            if (level.name().equalsIgnoreCase(value)) {
                return level;
            }
        }
        throw new Config.Invalid(name + " must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL, not '" + value + "'");
    }

    /** CloudWatch's rule for a namespace; {@code AWS/} is kept for AWS's own. */
    private static final Pattern NAMESPACE = Pattern.compile("[0-9A-Za-z._/#: -]{1,255}");

    String metricsNamespace(String name) {
        String value = text(name, Config.DEFAULT_METRICS_NAMESPACE);
        if (!NAMESPACE.matcher(value).matches() || value.startsWith("AWS/")) {
            throw new Config.Invalid(name + " must be a CloudWatch namespace (up to 255 of A-Z a-z 0-9 . - _ / # : "
                    + "and space, not starting with AWS/), not '" + value + "'");
        }
        return value;
    }

    /** SSM's rule for a parameter name (or its ARN), or null when unset. */
    private static final Pattern SSM_PARAMETER = Pattern.compile("(arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter)?"
            + "[A-Za-z0-9_.\\-/]{1,2048}");

    String ssmParameterName(String name) {
        String value = optional(name);
        if (value != null && !SSM_PARAMETER.matcher(value).matches()) {
            throw new Config.Invalid(name + " must be an SSM parameter name (A-Z a-z 0-9 _ . - /, a path starting"
                    + " with /) or its ARN, not '" + value + "'");
        }
        return value;
    }

    URI uri(String name, String fallback) {
        return toUri(name, text(name, fallback));
    }

    URI toUri(String name, String value) {
        try {
            URI uri = URI.create(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
            if (uri.getScheme() != null && uri.getHost() != null
                    && (uri.getScheme().equals("https") || uri.getScheme().equals("http"))) {
                return uri;
            }
        } catch (IllegalArgumentException ignored) {
            // reported below
        }
        throw new Config.Invalid(name + " must be an http(s) URL, not '" + value + "'");
    }
}
