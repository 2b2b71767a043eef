package com.composerelay.core;

import java.util.Optional;

/**
 * The registry's tags, for a deploy asked for by tag ({@code /compose deploy <channel> <tag>}): the
 * digest a tag names now, read from ECR ({@code DescribeImages}), so that the rollout pins the image
 * by digest and a tag moved later changes nothing.
 */
public interface ImageTags {
    /** An image as the registry names it: the registry's account ({@code registryId}) and the image's digest. */
    record Image(String registryId, String digest) {}

    /**
     * The image tagged {@code tag} in {@code repository} (of the function's own account and region);
     * empty when the repository has no such tag.
     *
     * @throws Unavailable when the registry cannot be asked, or refuses (no such repository, access
     *     denied): the message names the repository and the registry's error code, never more
     */
    Optional<Image> find(String repository, String tag) throws Unavailable;

    /** The registry could not be asked, or refused; the message says which and why. */
    final class Unavailable extends Exception {
        private final boolean refused;

        public Unavailable(String message, boolean refused) {
            super(message, null, false, false);
            this.refused = refused;
        }

        /** True when the registry answered with a refusal (asking again will not help); false when it could not be reached. */
        public boolean refused() {
            return refused;
        }
    }

    /** No registry configured: every tag is unavailable. */
    static ImageTags none() {
        return (repository, tag) -> {
            throw new Unavailable("no ECR client is configured", true);
        };
    }
}
