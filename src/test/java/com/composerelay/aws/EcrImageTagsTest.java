package com.composerelay.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.composerelay.core.ImageTags;
import com.composerelay.core.Invocation;
import com.composerelay.support.Fixtures;
import com.composerelay.support.LocalAws;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ECR adapter on the relay's own SDK client ({@link AwsClients#ecr}) against a loopback stub
 * speaking ECR's protocol (awsJson1_1; LocalStack's free edition has no ECR): the request it makes,
 * the image it reads, and each failure worded with the repository, the tag and ECR's error code only.
 */
class EcrImageTagsTest {
    private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);
    private static final String REGISTRY = "123456789012";
    private static final Clock CLOCK = Clock.systemUTC();
    /** Outside an invocation: the longest bound. */
    private static final AwsCallDeadline UNBOUNDED = new AwsCallDeadline(CLOCK, Duration.ZERO);

    /** A request as the stub received it. */
    record Request(String method, String path, String target, String contentType, String body) {}

    /** An answer: the status and the JSON body. */
    record Answer(int status, String body) {}

    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private volatile Answer answer;
    private volatile boolean silent;
    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        released.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("X-Amz-Target"),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            if (silent) {
                try {
                    released.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
            exchange.getResponseHeaders().set("x-amzn-RequestId", "req-ecr-1");
            exchange.sendResponseHeaders(answer.status(), body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private ImageTags answering(int status, String body) {
        return answeringAt("http://127.0.0.1:" + server.getAddress().getPort(), status, body);
    }

    private ImageTags answeringAt(String endpoint, int status, String body) {
        answer = new Answer(status, body);
        var clients = new AwsClients(Fixtures.config("AWS_ENDPOINT_URL", endpoint, "AWS_REGION", "us-east-1"),
                LocalAws.CREDENTIALS);
        return new EcrImageTags(clients::ecr, UNBOUNDED);
    }

    private static String images(String registryId, String digest) {
        return "{\"imageDetails\":[" + image(registryId, digest) + "]}";
    }

    private static String image(String registryId, String digest) {
        return "{\"registryId\":\"" + registryId + "\",\"repositoryName\":\"shop\",\"imageDigest\":\"" + digest
                + "\",\"imageTags\":[\"v1.2.0\",\"latest\"],\"imageSizeInBytes\":31457280,\"imagePushedAt\":1.7645688E9,"
                + "\"imageManifestMediaType\":\"application/vnd.oci.image.manifest.v1+json\"}";
    }

    private static String error(String type, String message) {
        return "{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}";
    }

    private static void fails(ThrowingCallable call, boolean refused, String message) {
        assertThatThrownBy(call).isInstanceOf(ImageTags.Unavailable.class).hasMessage(message)
                .satisfies(e -> assertThat(((ImageTags.Unavailable) e).refused()).isEqualTo(refused));
    }

    @Test
    void describesTheTaggedImageInOneCallAndReadsItsRegistryAndDigest() throws Exception {
        assertThat(answering(200, images(REGISTRY, DIGEST)).find("shop", "v1.2.0"))
                .contains(new ImageTags.Image(REGISTRY, DIGEST));
        assertThat(requests).containsExactly(new Request("POST", "/",
                "AmazonEC2ContainerRegistry_V20150921.DescribeImages", "application/x-amz-json-1.1",
                "{\"repositoryName\":\"shop\",\"imageIds\":[{\"imageTag\":\"v1.2.0\"}]}"));
    }

    @Test
    void aTagTheRepositoryDoesNotHaveIsEmpty() throws Exception {
        assertThat(answering(400, error("ImageNotFoundException", "The image with imageId {imageDigest:'null', "
                + "imageTag:'v9'} does not exist within the repository with name 'shop' in the registry with id "
                + "'123456789012'")).find("shop", "v9")).isEqualTo(Optional.empty());
        assertThat(requests).hasSize(1);
    }

    @Test
    void aMissingRepositoryIsRefusedByName() {
        fails(() -> answering(400, error("RepositoryNotFoundException", "The repository with name 'shop' does not exist "
                + "in the registry with id '123456789012'")).find("shop", "v1.2.0"), true,
                "ECR has no repository shop (RepositoryNotFoundException)");
        assertThat(requests).hasSize(1);
    }

    @Test
    void accessDeniedIsRefusedWithTheErrorCodeNeverEcrsMessage() {
        fails(() -> answering(400, error("AccessDeniedException", "User: arn:aws:sts::123456789012:assumed-role/"
                + "compose-relay/fn is not authorized to perform: ecr:DescribeImages")).find("shop", "v1.2.0"), true,
                "ECR refused to describe the image shop:v1.2.0 (AccessDeniedException)");
        assertThat(requests).hasSize(1);
    }

    @Test
    void throttlingIsNotARefusalSoTheDeployMayBeAskedForAgain() {
        fails(() -> answering(400, error("ThrottlingException", "Rate exceeded")).find("shop", "v1.2.0"), false,
                "ECR could not describe the image shop:v1.2.0 (ThrottlingException)");
    }

    @Test
    void aMessageQuotesAtMost128CharactersOfTheTag() {
        String tag = "t".repeat(128) + "hush-hush";
        fails(() -> answering(400, error("InvalidParameterException", "Invalid parameter at 'imageIds.1.member.imageTag'"))
                .find("shop", tag), true, "ECR refused to describe the image shop:" + "t".repeat(128)
                + " (InvalidParameterException)");
    }

    @Test
    void anErrorWithoutAUsableCodeIsNamedByItsStatus() {
        fails(() -> answering(403, "{\"message\":\"no type here\"}").find("shop", "v1.2.0"), true,
                "ECR refused to describe the image shop:v1.2.0 (HTTP 403)");
    }

    @Test
    void aMalformedDigestIsNotUsable() {
        fails(() -> answering(200, images(REGISTRY, "sha256:0123abc")).find("shop", "v1.2.0"), true,
                "ECR's answer for the image shop:v1.2.0 is not usable: a digest that is not sha256: and 64 hex digits");
        fails(() -> answering(200, images(REGISTRY, DIGEST.toUpperCase())).find("shop", "v1.2.0"), true,
                "ECR's answer for the image shop:v1.2.0 is not usable: a digest that is not sha256: and 64 hex digits");
        fails(() -> answering(200, "{\"imageDetails\":[{\"registryId\":\"" + REGISTRY + "\"}]}").find("shop", "v1.2.0"),
                true, "ECR's answer for the image shop:v1.2.0 is not usable: a digest that is not sha256: and 64 hex digits");
    }

    @Test
    void aMalformedRegistryIdIsNotUsable() {
        fails(() -> answering(200, images("12345678901x", DIGEST)).find("shop", "v1.2.0"), true,
                "ECR's answer for the image shop:v1.2.0 is not usable: a registryId that is not 12 digits");
    }

    @Test
    void anAnswerOfOtherThanOneImageIsNotUsable() {
        fails(() -> answering(200, "{\"imageDetails\":[]}").find("shop", "v1.2.0"), true,
                "ECR's answer for the image shop:v1.2.0 is not usable: 0 images instead of one");
        fails(() -> answering(200, "{\"imageDetails\":[" + image(REGISTRY, DIGEST) + "," + image(REGISTRY, DIGEST) + "]}")
                .find("shop", "v1.2.0"), true, "ECR's answer for the image shop:v1.2.0 is not usable: 2 images instead of one");
    }

    @Test
    void aServerThatDoesNotAnswerWithinTheDeadlineIsUnreachableNotRefused() {
        silent = true;
        ImageTags tags = new EcrImageTags(new AwsClients(Fixtures.config("AWS_ENDPOINT_URL",
                "http://127.0.0.1:" + server.getAddress().getPort(), "AWS_REGION", "us-east-1"), LocalAws.CREDENTIALS)::ecr,
                new AwsCallDeadline(CLOCK, Duration.ofMillis(1000)));
        Invocation invocation = new Invocation("req-ecr", CLOCK.instant().plusMillis(1800));
        long started = System.nanoTime();
        invocation.run(() -> {
            fails(() -> tags.find("shop", "v1.2.0"), false,
                    "ECR could not be reached for the image shop:v1.2.0 (ApiCallTimeoutException)");
            return null;
        });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("ended at the call's bound, before the reserve")
                .isLessThan(Duration.ofMillis(1500));
        assertThat(requests).isNotEmpty().allSatisfy(r -> assertThat(r.target())
                .isEqualTo("AmazonEC2ContainerRegistry_V20150921.DescribeImages"));
    }

    @Test
    void aClosedPortIsUnreachableNotRefused() throws Exception {
        String closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = "http://127.0.0.1:" + socket.getLocalPort();
        }
        String endpoint = closed;
        fails(() -> answeringAt(endpoint, 200, images(REGISTRY, DIGEST)).find("shop", "v1.2.0"), false,
                "ECR could not be reached for the image shop:v1.2.0 (SdkClientException)");
    }
}
