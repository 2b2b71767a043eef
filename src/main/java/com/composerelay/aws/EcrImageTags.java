package com.composerelay.aws;

import com.composerelay.core.ImageTags;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.EcrException;
import software.amazon.awssdk.services.ecr.model.ImageDetail;
import software.amazon.awssdk.services.ecr.model.ImageNotFoundException;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;

/**
 * Reads the digest a tag names from ECR: one {@code DescribeImages} for the tag in the repository
 * (of the function's own registry), bounded by the call's deadline. No such tag is an empty answer;
 * every other failure is an {@link ImageTags.Unavailable}, refused when ECR answered (no such
 * repository, access denied, any other error code) and not refused when ECR could not be reached.
 * An answer is used only when it is one image whose digest is {@code sha256:} and 64 hex digits and
 * whose registry is a 12-digit account. Messages name the repository, the tag (at most
 * {@link #MAX_TAG} characters of it) and ECR's error code, never ECR's message nor its answer.
 */
public record EcrImageTags(Supplier<EcrClient> client, AwsCallDeadline deadline) implements ImageTags {
    /** The longest tag ECR takes, and so the most of a tag a message quotes. */
    public static final int MAX_TAG = 128;
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern REGISTRY_ID = Pattern.compile("[0-9]{12}");
    private static final Pattern ERROR_CODE = Pattern.compile("[A-Za-z0-9_.#:-]{1,128}");

    @Override
    public Optional<Image> find(String repository, String tag) throws Unavailable {
        String named = repository + ":" + bounded(tag);
        List<ImageDetail> images;
        try {
            images = client.get().describeImages(b -> b.repositoryName(repository).imageIds(i -> i.imageTag(tag))
                    .overrideConfiguration(deadline.bound())).imageDetails();
        } catch (ImageNotFoundException e) {
            return Optional.empty();
        } catch (RepositoryNotFoundException e) {
            throw new Unavailable("ECR has no repository " + repository + " (RepositoryNotFoundException)", true);
        } catch (EcrException e) {
            // Throttling and ECR's own errors pass; a refusal (access denied, a bad request) does not.
            boolean passing = e.isThrottlingException() || e.statusCode() >= 500;
            throw new Unavailable("ECR " + (passing ? "could not describe" : "refused to describe") + " the image "
                    + named + " (" + code(e) + ")", !passing);
        } catch (SdkException e) {
            throw new Unavailable("ECR could not be reached for the image " + named + " ("
                    + e.getClass().getSimpleName() + ")", false);
        }
        if (images.size() != 1) {
            throw unusable(named, images.size() + " images instead of one");
        }
        ImageDetail image = images.getFirst();
        if (image.imageDigest() == null || !DIGEST.matcher(image.imageDigest()).matches()) {
            throw unusable(named, "a digest that is not sha256: and 64 hex digits");
        }
        if (image.registryId() == null || !REGISTRY_ID.matcher(image.registryId()).matches()) {
            throw unusable(named, "a registryId that is not 12 digits");
        }
        return Optional.of(new Image(image.registryId(), image.imageDigest()));
    }

    private static Unavailable unusable(String named, String why) {
        return new Unavailable("ECR's answer for the image " + named + " is not usable: " + why, true);
    }

    /** ECR's error code when it is one (a word), else the HTTP status. */
    private static String code(EcrException e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return code != null && ERROR_CODE.matcher(code).matches() ? code : "HTTP " + e.statusCode();
    }

    /** At most {@link #MAX_TAG} characters of {@code tag}. */
    static String bounded(String tag) {
        if (tag == null) {
            return "";
        }
        return tag.length() <= MAX_TAG ? tag : tag.substring(0, MAX_TAG);
    }
}
