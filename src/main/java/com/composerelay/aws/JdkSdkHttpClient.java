package com.composerelay.aws;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullResponse;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * The SDK's synchronous HTTP client on the JDK's own HTTP stack, sharing the TLS context (and the
 * connect timeout) of the {@code java.net.http} client the relay makes for Phala.
 *
 * <p>Each call but the first is a blocking {@link HttpURLConnection} exchange on the caller's thread, with the
 * request's head and body sent in <b>one write</b> (buffered mode): {@code java.net.http}'s
 * asynchronous machinery (selector thread, executor hand-offs, subscriber chains) cost about 0.27 ms
 * more CPU per AWS call than Apache's client under Lambda's C1-only JIT, and the SDK's URL-connection
 * client, which sends the head and the body separately (fixed-length streaming), waited about 1.5 ms
 * per call on loopback (docs/decisions/sdk-http-client.md). Connections are kept alive by the
 * JDK's keep-alive cache (30 s idle, as {@code java.net.http}). A method {@code HttpURLConnection} cannot send (PATCH) goes over
 * {@code java.net.http}; no AWS call the relay makes uses one.
 */
public final class JdkSdkHttpClient implements SdkHttpClient {
    /** Headers the JDK sets itself and refuses (java.net.http) or drops (HttpURLConnection) from callers. */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    /** How long one AWS call may wait for the service (connect, then each read) before the SDK's retry policy takes over. */
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static final Set<String> URL_CONNECTION_METHODS = Set.of("GET", "POST", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");

    static {
        // The JDK's keep-alive cache drops an idle connection after 5 s unless told otherwise; keep
        // them as long as java.net.http does (jdk.httpclient.keepalive.timeout, 30 s), so calls a few
        // seconds apart do not pay a new TCP and TLS handshake. A value set on the command line wins.
        if (System.getProperty("http.keepAlive.time.server") == null) {
            System.setProperty("http.keepAlive.time.server", "30");
        }
    }

    private final Supplier<HttpClient> client;
    private final AtomicBoolean javaNetHttpWarm = new AtomicBoolean();
    private volatile SSLSocketFactory tls;

    /** Over a client made when first asked for (the deployed relay makes it on a start-up thread). */
    public JdkSdkHttpClient(Supplier<HttpClient> client) {
        this.client = client;
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        SdkHttpRequest http = request.httpRequest();
        byte[] body = request.contentStreamProvider()
                .map(provider -> {
                    try (InputStream in = provider.newStream()) {
                        return in.readAllBytes();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .orElse(null);
        String method = http.method().name();
        // The first call (the key's read, at initialisation or after a SnapStart restore) goes over
        // java.net.http: it prepares that client's exchange path for Phala's PATCH in the first
        // request, which would otherwise be its first use, on the invocation's fraction of a vCPU.
        return URL_CONNECTION_METHODS.contains(method) && javaNetHttpWarm.getAndSet(true)
                ? new UrlConnectionExchange(http, method, body)
                : new JavaNetHttpExchange(http, method, body);
    }

    private SSLSocketFactory tls(HttpClient shared) {
        SSLSocketFactory factory = tls;
        if (factory == null) {
            // One factory for every call: the keep-alive cache reuses a TLS connection only for the same one.
            factory = shared.sslContext().getSocketFactory();
            tls = factory;
        }
        return factory;
    }

    /** One exchange over {@link HttpURLConnection}: head and body in one write, read on the caller's thread. */
    private final class UrlConnectionExchange implements ExecutableHttpRequest {
        private final SdkHttpRequest http;
        private final String method;
        private final byte[] body;
        private volatile HttpURLConnection connection;
        private volatile boolean aborted;

        UrlConnectionExchange(SdkHttpRequest http, String method, byte[] body) {
            this.http = http;
            this.method = method;
            this.body = body;
        }

        @Override
        public HttpExecuteResponse call() throws IOException {
            HttpClient shared = client.get();
            HttpURLConnection c = (HttpURLConnection) http.getUri().toURL().openConnection(Proxy.NO_PROXY);
            if (c instanceof HttpsURLConnection https) {
                https.setSSLSocketFactory(tls(shared));
            }
            c.setConnectTimeout((int) shared.connectTimeout().orElse(TIMEOUT).toMillis());
            c.setReadTimeout((int) TIMEOUT.toMillis());
            c.setInstanceFollowRedirects(false);
            c.setRequestMethod(method);
            http.forEachHeader((name, values) -> {
                if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(value -> c.addRequestProperty(name, value));
                }
            });
            if (http.firstMatchingHeader("Accept").isEmpty()) {
                c.setRequestProperty("Accept", "*/*"); // not the JDK's default list for browsers
            }
            connection = c;
            if (aborted) {
                throw new IOException("aborted");
            }
            try {
                if (body != null) {
                    c.setDoOutput(true);
                    try (OutputStream out = c.getOutputStream()) { // buffered: sent with the head
                        out.write(body);
                    }
                }
                int status = c.getResponseCode();
                InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
                Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                c.getHeaderFields().forEach((name, values) -> {
                    if (name != null) { // the status line
                        headers.put(name, values);
                    }
                });
                return HttpExecuteResponse.builder()
                        .response(SdkHttpFullResponse.builder().statusCode(status).headers(headers).build())
                        .responseBody(AbortableInputStream.create(in == null ? InputStream.nullInputStream() : in, c::disconnect))
                        .build();
            } catch (IOException e) {
                if (aborted) {
                    throw new IOException("aborted", e);
                }
                throw e;
            }
        }

        @Override
        public void abort() {
            aborted = true;
            HttpURLConnection c = connection;
            if (c != null) {
                c.disconnect(); // closes the socket a blocked read waits on
            }
        }
    }

    /** One exchange over {@code java.net.http}, for a method {@link HttpURLConnection} cannot send. */
    private final class JavaNetHttpExchange implements ExecutableHttpRequest {
        private final HttpRequest request;
        private volatile CompletableFuture<HttpResponse<InputStream>> exchange;

        JavaNetHttpExchange(SdkHttpRequest http, String method, byte[] body) {
            HttpRequest.Builder builder = HttpRequest.newBuilder(http.getUri())
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                    .timeout(TIMEOUT);
            http.forEachHeader((name, values) -> {
                if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(value -> builder.header(name, value));
                }
            });
            this.request = builder.build();
        }

        @Override
        public HttpExecuteResponse call() throws IOException {
            exchange = client.get().sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
            HttpResponse<InputStream> response;
            try {
                response = exchange.get();
            } catch (InterruptedException e) {
                exchange.cancel(true);
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (CancellationException e) {
                throw new IOException("aborted", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            }
            return HttpExecuteResponse.builder()
                    .response(SdkHttpFullResponse.builder()
                            .statusCode(response.statusCode())
                            .headers(response.headers().map())
                            .build())
                    .responseBody(AbortableInputStream.create(response.body()))
                    .build();
        }

        @Override
        public void abort() {
            CompletableFuture<HttpResponse<InputStream>> running = exchange;
            if (running != null) {
                running.cancel(true);
            }
        }
    }

    @Override
    public String clientName() {
        return "JdkHttpClient";
    }

    @Override
    public void close() {
        // The java.net.http client is shared with the Phala client and lives as long as the function;
        // the JDK's keep-alive cache closes idle connections itself.
    }
}
