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
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The {@code HttpURLConnection} exchange's safety, against a byte-level loopback server: a POST is
 * never re-sent behind the SDK's back, and over HTTPS {@code abort()} ends a stalled connect and a
 * body read that stalls after the status (the stalled cases over plain HTTP, bounded by the
 * connection's timeouts, are in {@link StalledAwsTest}).
 */
class JdkSdkHttpClientTest {
    private static SSLContext serverTls;
    private static SSLContext clientTls;

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
        clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, tm.getTrustManagers(), null);
    }

    /** The adapter with its first call (the one that goes over java.net.http) used up, as after start-up. */
    private static JdkSdkHttpClient adapter(Duration connectTimeout) {
        HttpClient http = HttpClient.newBuilder().sslContext(clientTls).connectTimeout(connectTimeout).build();
        JdkSdkHttpClient adapter = new JdkSdkHttpClient(() -> http);
        adapter.prepareRequest(post("http://127.0.0.1:1"));
        return adapter;
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
    void theJdkIsToldNeverToResendAPost() {
        assertThat(JdkSdkHttpClient.CALL_BOUND).isNotNull(); // the class is initialised
        assertThat(System.getProperty("sun.net.http.retryPost")).isEqualTo("false");
    }

    @Test
    void aPostTheServerDropsAfterReadingItIsSentOnce() throws Exception {
        // The second request on a connection is read, then the connection closed unanswered.
        try (RawHttpServer server = RawHttpServer.plain((nth, out) -> nth == 1 && RawHttpServer.ok(out, "{}"))) {
            JdkSdkHttpClient adapter = adapter(Duration.ofSeconds(3));
            try (InputStream body = adapter.prepareRequest(post(server.url("http"))).call().responseBody().orElseThrow()) {
                assertThat(body.readAllBytes()).asString().isEqualTo("{}");
            }

            assertThatThrownBy(() -> adapter.prepareRequest(post(server.url("http"))).call())
                    .isInstanceOf(SocketException.class).hasMessage("Unexpected end of file from server");
            assertThat(server.requests()).as("the dropped POST was not sent again").isEqualTo(2);
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void theSdkSeesTheDroppedPostAsItsOwnFailure() throws Exception {
        try (RawHttpServer server = RawHttpServer.plain((nth, out) -> nth == 1 && RawHttpServer.ok(out, "{}"))) {
            HttpClient http = HttpClient.newBuilder().build();
            try (DynamoDbClient dynamoDb = DynamoDbClient.builder().httpClient(new JdkSdkHttpClient(() -> http))
                    .region(Region.US_EAST_1).credentialsProvider(LocalAws.CREDENTIALS)
                    .endpointOverride(URI.create(server.url("http")))
                    .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.none()).addExecutionInterceptor(JdkSdkHttpClient.CALL_BOUND))
                    .build()) {
                Map<String, AttributeValue> item = Map.of("pk", AttributeValue.fromS("k"));
                dynamoDb.putItem(b -> b.tableName("t").item(item)); // java.net.http, a connection of its own
                dynamoDb.putItem(b -> b.tableName("t").item(item)); // HttpURLConnection, kept alive

                assertThatThrownBy(() -> dynamoDb.putItem(b -> b.tableName("t").item(item)))
                        .isInstanceOf(SdkClientException.class)
                        .hasMessageContaining("Unexpected end of file from server");
                assertThat(server.requests()).as("three calls, three requests").isEqualTo(3);
                assertThat(server.connections()).isEqualTo(2);
            }
        }
    }

    @Test
    void abortEndsAnHttpsBodyReadStalledAfterTheStatusOnAKeptAliveConnection() throws Exception {
        try (RawHttpServer server = RawHttpServer.tls(serverTls,
                (nth, out) -> nth == 1 ? RawHttpServer.ok(out, "{}") : RawHttpServer.statusThenStall(out))) {
            JdkSdkHttpClient adapter = adapter(Duration.ofSeconds(3));
            try (InputStream body = adapter.prepareRequest(post(server.url("https"))).call().responseBody().orElseThrow()) {
                assertThat(body.readAllBytes()).asString().isEqualTo("{}");
            }
            ExecutableHttpRequest stalled = adapter.prepareRequest(post(server.url("https")));
            HttpExecuteResponse response = stalled.call();
            assertThat(response.httpResponse().statusCode()).isEqualTo(200);
            InputStream body = response.responseBody().orElseThrow();
            assertThat(body.read()).isEqualTo('{');

            long start = System.nanoTime();
            CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS).execute(stalled::abort);
            assertThatThrownBy(body::readAllBytes).isInstanceOf(SocketException.class).hasMessageContaining("closed");
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(took).as("ended by abort(), not by the 10 s read timeout").isBetween(Duration.ofMillis(250), Duration.ofSeconds(2));
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void aLateAbortOfAFinishedExchangeLeavesTheKeptAliveSocketToTheNext() throws Exception {
        try (RawHttpServer server = RawHttpServer.tls(serverTls, (nth, out) -> RawHttpServer.ok(out, "{\"n\":" + nth + "}"))) {
            JdkSdkHttpClient adapter = adapter(Duration.ofSeconds(3));
            ExecutableHttpRequest first = adapter.prepareRequest(post(server.url("https")));
            try (InputStream body = first.call().responseBody().orElseThrow()) {
                assertThat(body.readAllBytes()).asString().isEqualTo("{\"n\":1}");
            }
            // The SDK's timer or an error path may abort after the body was read: the socket is back in the
            // keep-alive cache by then, and the next exchange (another thread's, in an SQS batch) uses it.
            first.abort();
            try (InputStream body = adapter.prepareRequest(post(server.url("https"))).call().responseBody().orElseThrow()) {
                assertThat(body.readAllBytes()).asString().isEqualTo("{\"n\":2}");
            }
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void abortEndsAnHttpsConnectInProgress() throws Exception {
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> filling = fill(full);
            try {
                JdkSdkHttpClient adapter = adapter(Duration.ofSeconds(10));
                ExecutableHttpRequest connecting = adapter.prepareRequest(post("https://127.0.0.1:" + full.getLocalPort()));

                long start = System.nanoTime();
                CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS).execute(connecting::abort);
                assertThatThrownBy(connecting::call).isInstanceOf(IOException.class).hasMessage("aborted");
                Duration took = Duration.ofNanos(System.nanoTime() - start);

                assertThat(took).as("ended by abort(), not by the 10 s connect timeout").isBetween(Duration.ofMillis(250), Duration.ofSeconds(2));
            } finally {
                for (Socket socket : filling) {
                    socket.close();
                }
            }
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
