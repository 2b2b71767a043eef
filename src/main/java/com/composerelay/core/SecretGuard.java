package com.composerelay.core;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which secrets an env value may come from: names under the configured prefix, never an ARN, and
 * never one of the relay's own secrets (the API key, signing secrets, relay tokens), even under the
 * prefix. The IAM policy grants the same prefix alone; this check refuses by name before any call.
 */
public final class SecretGuard {
    /** The characters Secrets Manager allows in a secret's name. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9/_+=.@-]+");
    /** An ARN's name part ends with a hyphen and six characters that Secrets Manager adds. */
    private static final Pattern ARN_SUFFIX = Pattern.compile("-[A-Za-z0-9]{6}$");

    private final String prefix;
    private final boolean perCvm;
    private final Set<String> forbidden = new TreeSet<>();

    /** @param ownSecretIds the relay's own secret ids (names or ARNs) */
    public SecretGuard(String prefix, List<String> ownSecretIds) {
        this(prefix, false, ownSecretIds);
    }

    /**
     * @param perCvm when true, a CVM's env values come only from {@code <prefix><cvm_id>/…}, so a caller
     *     allowed one CVM cannot seal another CVM's secrets into it
     */
    public SecretGuard(String prefix, boolean perCvm, List<String> ownSecretIds) {
        this.prefix = prefix;
        this.perCvm = perCvm;
        for (String id : ownSecretIds) {
            forbidden.add(id);
            forbidden.add(nameOf(id));
            // An ARN whose name happens to end like the suffix: its name with that ending kept as well.
            int at = id.indexOf(":secret:");
            if (id.startsWith("arn:") && at >= 0) {
                forbidden.add(id.substring(at + ":secret:".length()));
            }
        }
    }

    /** A secret's name, from a name or an ARN (without the hyphen and six characters Secrets Manager adds). */
    public static String nameOf(String secretId) {
        int at = secretId.indexOf(":secret:");
        if (!secretId.startsWith("arn:") || at < 0) {
            return secretId;
        }
        return ARN_SUFFIX.matcher(secretId.substring(at + ":secret:".length())).replaceFirst("");
    }

    /** Refuses {@code secretId} of the env variable {@code name} for {@code cvmId} by field, or lets it pass. */
    public void check(String name, String secretId, String cvmId) throws InvalidRequest {
        String field = "env." + name + ".secret_id";
        if (secretId.startsWith("arn:")) {
            throw new InvalidRequest(field, "must be a secret name under '" + prefix + "', not an ARN");
        }
        if (!secretId.startsWith(prefix) || secretId.length() == prefix.length()) {
            throw new InvalidRequest(field, "must name a secret under '" + prefix
                    + "' (the only secrets env values may come from)");
        }
        String cvmPrefix = prefix + cvmId + "/";
        if (perCvm && (!secretId.startsWith(cvmPrefix) || secretId.length() == cvmPrefix.length())) {
            throw new InvalidRequest(field, "must name a secret under '" + cvmPrefix + "' (ENV_SECRETS_PER_CVM: each CVM's"
                    + " env values come from its own secrets)");
        }
        if (!NAME.matcher(secretId).matches()) {
            throw new InvalidRequest(field, "must be a secret name: letters, digits and /_+=.@- only");
        }
        if (forbidden.contains(secretId)) {
            throw new InvalidRequest(field, "names one of the relay's own secrets (the API key, a signing secret or"
                    + " a relay token), which are never read for env");
        }
    }
}
