package com.composerelay.core;

import com.composerelay.core.RolloutRequest.Strategy;
import com.composerelay.core.RolloutRequest.Targets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A release channel: a named deploy target for the images pushed to one ECR repository. A push to
 * {@code repository} under a tag that one of {@code tagGlobs} matches ({@link TagGlob}) rolls the
 * image of {@code services} out to {@code targets}, with the rollout's {@code strategy} and
 * {@code env} (empty: the CVMs' environment is left as it is). Every field obeys codec's
 * {@code ReleaseChannelsJson}.
 */
public record ReleaseChannel(String name, String repository, List<String> tagGlobs, List<String> services,
                             Targets targets, Strategy strategy, Map<String, EnvValue> env) {
    public ReleaseChannel {
        Objects.requireNonNull(name);
        Objects.requireNonNull(repository);
        Objects.requireNonNull(targets);
        Objects.requireNonNull(strategy);
        tagGlobs = List.copyOf(tagGlobs);
        services = List.copyOf(services);
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
    }

    /** Whether a push of {@code tag} to {@code repository} is for this channel: the same repository, a glob matching. */
    public boolean matches(String repository, String tag) {
        return this.repository.equals(repository) && tag != null && tagGlobs.stream().anyMatch(g -> TagGlob.matches(g, tag));
    }
}
