package com.composerelay.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.composerelay.core.ImageDeploys;
import com.composerelay.core.InvalidRequest;
import com.composerelay.json.Json;
import com.fasterxml.jackson.jr.stree.JrsValue;
import org.junit.jupiter.api.Test;

/** The image an ECR push event (EventBridge's {@code aws.ecr} envelope) names, or why it names none. */
class ReleaseMessagesTest {
    /** The sample of AWS's documentation (ECR User Guide, "Amazon ECR events and EventBridge"), as printed. */
    private static final String AWS_SAMPLE = "{\"version\":\"0\",\"id\":\"13cde686-328b-6117-af20-0e5566167482\","
            + "\"detail-type\":\"ECR Image Action\",\"source\":\"aws.ecr\",\"account\":\"123456789012\","
            + "\"time\":\"2019-11-16T01:54:34Z\",\"region\":\"us-west-2\",\"resources\":[],\"detail\":{\"result\":\"SUCCESS\","
            + "\"repository-name\":\"my-repository-name\","
            + "\"image-digest\":\"sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234\","
            + "\"action-type\":\"PUSH\",\"image-tag\":\"latest\"}}";
    private static final String SAMPLE_DIGEST = "sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234";
    private static final String DIGEST = "sha256:" + "7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd12345678";

    /** The AWS sample with a real (64 hex digit) digest. */
    private static final String PUSH = AWS_SAMPLE.replace(SAMPLE_DIGEST, DIGEST);

    private static JrsValue json(String text) throws Json.Malformed {
        return Json.parse(text);
    }

    private static ImageDeploys.Image pushed(String event) throws Exception {
        return ReleaseMessages.pushed(json(event));
    }

    private static void refused(String event, String field, String message) {
        assertThatThrownBy(() -> pushed(event)).isInstanceOfSatisfying(InvalidRequest.class, e -> {
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    @Test
    void theDocumentationsSampleIsASourceAndDetailTypeTheTriggerTakesAsAnEcrEvent() throws Exception {
        assertThat(ReleaseMessages.isEcrEvent(json(AWS_SAMPLE))).isTrue();
        assertThat(ReleaseMessages.isRelease(json(AWS_SAMPLE))).isFalse();
    }

    @Test
    void theDocumentationsSampleAsPrintedIsRefusedForItsDigestWhichIsNot64HexDigits() {
        assertThat(SAMPLE_DIGEST.length() - "sha256:".length()).as("AWS's sample digest is 60 hex digits").isEqualTo(60);
        refused(AWS_SAMPLE, "detail.image-digest",
                "detail.image-digest: must be sha256: and 64 lowercase hex digits");
    }

    @Test
    void aSuccessfulPushOfATaggedImageIsTheImageInItsAccountsRegistryOfItsRegion() throws Exception {
        ImageDeploys.Image image = pushed(PUSH);

        assertThat(image).isEqualTo(new ImageDeploys.Image("123456789012.dkr.ecr.us-west-2.amazonaws.com",
                "my-repository-name", "latest", DIGEST));
        assertThat(image.name()).isEqualTo("123456789012.dkr.ecr.us-west-2.amazonaws.com/my-repository-name");
        assertThat(image.pinned()).isEqualTo("123456789012.dkr.ecr.us-west-2.amazonaws.com/my-repository-name@" + DIGEST);
    }

    @Test
    void aNestedRepositoryAndADottedTagAreTakenAsThey() throws Exception {
        ImageDeploys.Image image = pushed(PUSH.replace("\"my-repository-name\"", "\"team/shop.web\"")
                .replace("\"latest\"", "\"v1.2.3-rc_1\""));

        assertThat(image).isEqualTo(new ImageDeploys.Image("123456789012.dkr.ecr.us-west-2.amazonaws.com",
                "team/shop.web", "v1.2.3-rc_1", DIGEST));
    }

    @Test
    void aDeleteIsNoPush() throws Exception {
        assertThat(pushed(PUSH.replace("\"PUSH\"", "\"DELETE\""))).isNull();
    }

    @Test
    void aFailedPushIsNoPush() throws Exception {
        assertThat(pushed(PUSH.replace("\"SUCCESS\"", "\"FAILURE\""))).isNull();
    }

    @Test
    void anUntaggedPushIsNoPushOfATaggedImage() throws Exception {
        assertThat(pushed(PUSH.replace(",\"image-tag\":\"latest\"", ""))).isNull();
        assertThat(pushed(PUSH.replace("\"image-tag\":\"latest\"", "\"image-tag\":null"))).isNull();
    }

    @Test
    void anotherDetailTypeIsNoPush() throws Exception {
        assertThat(pushed(PUSH.replace("\"ECR Image Action\"", "\"ECR Image Scan\""))).isNull();
        assertThat(pushed(PUSH.replace("\"ECR Image Action\"", "\"ECR Pull Through Cache Action\""))).isNull();
    }

    @Test
    void aPushWhoseAccountIsNotTwelveDigitsIsRefusedNamingTheAccount() {
        String message = "account: must be a 12-digit AWS account id";
        refused(PUSH.replace("\"123456789012\"", "\"12345678901\""), "account", message);
        refused(PUSH.replace("\"123456789012\"", "\"1234567890123\""), "account", message);
        refused(PUSH.replace("\"123456789012\"", "123456789012"), "account", message);
        refused(PUSH.replace("\"account\":\"123456789012\",", ""), "account", message);
        refused(PUSH.replace("\"123456789012\"", "\"12345678901a\""), "account", message);
    }

    @Test
    void aPushWhoseRegionIsNotARegionIsRefusedNamingTheRegion() {
        String message = "region: must be an AWS region";
        refused(PUSH.replace("\"us-west-2\"", "\"US-WEST-2\""), "region", message);
        refused(PUSH.replace("\"us-west-2\"", "\"us-west-2.evil.example/x\""), "region", message);
        refused(PUSH.replace("\"us-west-2\"", "\"\""), "region", message);
        refused(PUSH.replace("\"region\":\"us-west-2\",", ""), "region", message);
    }

    @Test
    void aPushWhoseRepositoryIsNotAnEcrRepositoryNameIsRefusedNamingIt() {
        String message = "detail.repository-name: must be an ECR repository name";
        refused(PUSH.replace("\"my-repository-name\"", "\"My-Repository\""), "detail.repository-name", message);
        refused(PUSH.replace("\"my-repository-name\"", "\"shop//web\""), "detail.repository-name", message);
        refused(PUSH.replace("\"my-repository-name\"", "\"shop:web\""), "detail.repository-name", message);
        refused(PUSH.replace("\"my-repository-name\"", "\"" + "a".repeat(257) + "\""), "detail.repository-name",
                message);
        refused(PUSH.replace("\"repository-name\":\"my-repository-name\",", ""), "detail.repository-name", message);
    }

    @Test
    void aPushWhoseTagIsNotADockerTagIsRefusedNamingIt() {
        String message = "detail.image-tag: must be an image tag (1 to 128 of A-Z a-z 0-9 _ . -)";
        refused(PUSH.replace("\"latest\"", "\"\""), "detail.image-tag", message);
        refused(PUSH.replace("\"latest\"", "\".hidden\""), "detail.image-tag", message);
        refused(PUSH.replace("\"latest\"", "\"v1 2\""), "detail.image-tag", message);
        refused(PUSH.replace("\"latest\"", "\"" + "t".repeat(129) + "\""), "detail.image-tag", message);
        refused(PUSH.replace("\"latest\"", "12"), "detail.image-tag", message);
    }

    @Test
    void aPushWhoseDigestIsNotSha256AndSixtyFourLowercaseHexDigitsIsRefusedNamingIt() {
        String message = "detail.image-digest: must be sha256: and 64 lowercase hex digits";
        refused(PUSH.replace(DIGEST, DIGEST.toUpperCase(java.util.Locale.ROOT)), "detail.image-digest", message);
        refused(PUSH.replace(DIGEST, DIGEST.replace("sha256:", "sha512:")), "detail.image-digest", message);
        refused(PUSH.replace(DIGEST, DIGEST + "0"), "detail.image-digest", message);
        refused(PUSH.replace(DIGEST, "latest"), "detail.image-digest", message);
        refused(PUSH.replace("\"image-digest\":\"" + DIGEST + "\",", ""), "detail.image-digest", message);
    }
}
