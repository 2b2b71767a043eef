package com.composerelay.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.composerelay.support.LocalAws;
import com.composerelay.support.RawHttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * The SDK's HTTP client as {@link AwsClients} makes it, against a byte-level loopback server: a POST
 * the server drops after reading it is not sent again by the HTTP layer (the server sees exactly one
 * request per SDK attempt), and over HTTPS a call whose answer stalls after the status, or whose
 * connect stalls, ends within its {@code apiCallTimeout} (the same over plain HTTP, for every
 * client the relay uses, is in {@link StalledAwsTest}).
 */
class SdkHttpClientTest {
    private static final Map<String, AttributeValue> ITEM = Map.of("pk", AttributeValue.fromS("k"));
    private static SSLContext serverTls;
    private static TrustManager[] trust;

    @BeforeAll
    static void makeACertificateFor127001(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("loopback.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "loopback", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", "changeit", "-keypass", "changeit").inheritIO().start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory km = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        km.init(keys, "changeit".toCharArray());
        serverTls = SSLContext.getInstance("TLS");
        serverTls.init(km.getKeyManagers(), null, null);
        TrustManagerFactory tm = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tm.init(keys);
        trust = tm.getTrustManagers();
    }

    /** The relay's HTTP client (AwsClients.httpClient), trusting the test's certificate. */
    private static SdkHttpClient client(Duration connectTimeout) {
        return AwsClients.httpClient(connectTimeout).buildWithDefaults(AttributeMap.builder()
                .put(SdkHttpConfigurationOption.TLS_TRUST_MANAGERS_PROVIDER, () -> trust).build());
    }

    private static DynamoDbClientBuilder dynamoDb(SdkHttpClient http, String endpoint) {
        return DynamoDbClient.builder().httpClient(http).region(Region.US_EAST_1).credentialsProvider(LocalAws.CREDENTIALS)
                .endpointOverride(URI.create(endpoint));
    }

    private static HttpExecuteRequest post(String url) {
        byte[] body = "{\"TableName\":\"t\"}".getBytes();
        return HttpExecuteRequest.builder()
                .request(SdkHttpFullRequest.builder().method(SdkHttpMethod.POST).uri(URI.create(url + "/"))
                        .putHeader("Content-Type", "application/x-amz-json-1.0").putHeader("Content-Length", "" + body.length)
                        .build())
                .contentStreamProvider(() -> new java.io.ByteArrayInputStream(body))
                .build();
    }

    @Test
    void aPostTheServerDropsAfterReadingItIsSentOnce() throws Exception {
        // The second request on a connection is read, then the connection closed unanswered.
        try (RawHttpServer server = RawHttpServer.plain((nth, out) -> nth == 1 && RawHttpServer.ok(out, "{}"));
             SdkHttpClient http = client(Duration.ofSeconds(3))) {
            try (InputStream body = http.prepareRequest(post(server.url("http"))).call().responseBody().orElseThrow()) {
                assertThat(body.readAllBytes()).asString().isEqualTo("{}");
            }

            assertThatThrownBy(() -> http.prepareRequest(post(server.url("http"))).call()).isInstanceOf(IOException.class);
            assertThat(server.requests()).as("the dropped POST was not sent again").isEqualTo(2);
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void theSdkSeesTheDroppedPostAsItsOwnFailure() throws Exception {
        try (RawHttpServer server = RawHttpServer.plain((nth, out) -> nth == 1 && RawHttpServer.ok(out, "{}"));
             SdkHttpClient http = client(Duration.ofSeconds(3));
             DynamoDbClient dynamoDb = dynamoDb(http, server.url("http"))
                     .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.none())).build()) {
            dynamoDb.putItem(b -> b.tableName("t").item(ITEM));

            assertThatThrownBy(() -> dynamoDb.putItem(b -> b.tableName("t").item(ITEM))).isInstanceOf(SdkClientException.class);
            assertThat(server.requests()).as("two calls without retries, two requests").isEqualTo(2);
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void withTheSdksOwnRetriesTheServerSeesOneRequestPerAttempt() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        ExecutionInterceptor counting = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                attempts.incrementAndGet();
            }
        };
        // Each connection answers its first request and drops its second: the second call's first attempt
        // fails after the server read it, and the SDK's retry (a new connection) succeeds.
        try (RawHttpServer server = RawHttpServer.plain((nth, out) -> nth == 1 && RawHttpServer.ok(out, "{}"));
             SdkHttpClient http = client(Duration.ofSeconds(3));
             DynamoDbClient dynamoDb = dynamoDb(http, server.url("http"))
                     .overrideConfiguration(o -> o.addExecutionInterceptor(counting)).build()) {
            dynamoDb.putItem(b -> b.tableName("t").item(ITEM));
            dynamoDb.putItem(b -> b.tableName("t").item(ITEM));

            assertThat(attempts.get()).as("the SDK retried the dropped attempt").isEqualTo(3);
            assertThat(server.requests()).as("one request per SDK attempt").isEqualTo(attempts.get());
            assertThat(server.connections()).isEqualTo(2);
        }
    }

    @Test
    void anHttpsCallWhoseAnswerStallsAfterTheStatusOnAKeptAliveConnectionEndsWithinItsApiCallTimeout() throws Exception {
        try (RawHttpServer server = RawHttpServer.tls(serverTls,
                (nth, out) -> nth == 1 ? RawHttpServer.ok(out, "{}") : RawHttpServer.statusThenStall(out));
             SdkHttpClient http = client(Duration.ofSeconds(10));
             DynamoDbClient dynamoDb = dynamoDb(http, server.url("https"))
                     .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.none())).build()) {
            dynamoDb.putItem(b -> b.tableName("t").item(ITEM));

            long start = System.nanoTime();
            assertThatThrownBy(() -> dynamoDb.putItem(b -> b.tableName("t").item(ITEM)
                    .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofMillis(300)))))
                    .isInstanceOf(ApiCallTimeoutException.class);
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(took).as("ended by the call's bound, not by a 10 s or 30 s socket timeout")
                    .isBetween(Duration.ofMillis(250), Duration.ofSeconds(2));
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void anHttpsCallWhoseConnectStallsEndsWithinItsApiCallTimeout() throws Exception {
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> filling = fill(full);
            try (SdkHttpClient http = client(Duration.ofSeconds(10));
                 DynamoDbClient dynamoDb = dynamoDb(http, "https://127.0.0.1:" + full.getLocalPort())
                         .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.none())).build()) {
                long start = System.nanoTime();
                assertThatThrownBy(() -> dynamoDb.putItem(b -> b.tableName("t").item(ITEM)
                        .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofMillis(300)))))
                        .isInstanceOf(ApiCallTimeoutException.class);
                Duration took = Duration.ofNanos(System.nanoTime() - start);

                assertThat(took).as("ended by the call's bound, not by the 10 s connect timeout")
                        .isBetween(Duration.ofMillis(250), Duration.ofSeconds(2));
            } finally {
                for (Socket socket : filling) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void aLateAbortOfAFinishedExchangeLeavesTheKeptAliveConnectionToTheNext() throws Exception {
        try (RawHttpServer server = RawHttpServer.tls(serverTls, (nth, out) -> RawHttpServer.ok(out, "{\"n\":" + nth + "}"));
             SdkHttpClient http = client(Duration.ofSeconds(3))) {
            ExecutableHttpRequest first = http.prepareRequest(post(server.url("https")));
            try (InputStream body = first.call().responseBody().orElseThrow()) {
                assertThat(body.readAllBytes()).asString().isEqualTo("{\"n\":1}");
            }
            // The SDK's timer or an error path may abort after the body was read: the connection is back in
            // the pool by then, and the next exchange (another thread's, in an SQS batch) uses it.
            first.abort();
            try (InputStream body = http.prepareRequest(post(server.url("https"))).call().responseBody().orElseThrow()) {
                assertThat(body.readAllBytes()).asString().isEqualTo("{\"n\":2}");
            }
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    /** Connections that fill {@code server}'s backlog (it never accepts), so that the next connect stalls. */
    static List<Socket> fill(ServerSocket server) throws IOException {
        List<Socket> filling = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            Socket socket = new Socket();
            try {
                socket.connect(server.getLocalSocketAddress(), 200);
                filling.add(socket);
            } catch (SocketTimeoutException stalled) {
                socket.close();
                return filling;
            }
        }
        throw new AssertionError("the backlog never filled: " + filling.size() + " connections accepted by the kernel");
    }
}
