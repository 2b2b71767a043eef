package com.composerelay.aws;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.Socket;
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
import software.amazon.awssdk.core.RequestOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
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
 * <p>Each POST (every AWS call the relay makes) is a blocking {@link HttpURLConnection} exchange on
 * the caller's thread, head and body in <b>one write</b> (buffered mode): {@code java.net.http}'s
 * asynchronous machinery cost about 0.27 ms more CPU per AWS call than Apache's client under
 * Lambda's C1-only JIT, and fixed-length streaming (the SDK's URL-connection client) waited about
 * 1.5 ms per call on loopback (docs/decisions/sdk-http-client.md). The first call, and any other
 * method, goes over {@code java.net.http}: the first so that client's exchange path is ready for
 * Phala's PATCH in the first request.
 *
 * <p>Three things make the blocking exchange safe:
 * <ul>
 *   <li>its connect and read timeouts are what is left of the SDK call's {@code apiCallTimeout}
 *       ({@link #CALL_BOUND} reads it from the request, where {@link AwsCallDeadline} put it), so no
 *       stalled connect or read outlives the call's bound;</li>
 *   <li>{@code abort()} over HTTPS closes the TCP socket itself (a socket factory records it), which
 *       ends a blocked connect, status read or body read at once;</li>
 *   <li>a POST is never re-sent by the JDK: {@code sun.net.http.retryPost} is set to false before
 *       the JDK's HTTP client class reads it, and only POST goes this way (the JDK would re-send
 *       other methods once, unseen by the SDK).</li>
 * </ul>
 */
public final class JdkSdkHttpClient implements SdkHttpClient {
    /** Headers the JDK sets itself and refuses (java.net.http) or drops (HttpURLConnection) from callers. */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    /** The least a connection's timeout may be: 0 would mean no timeout at all. */
    private static final Duration SHORTEST = Duration.ofMillis(1);

    static {
        // sun.net.www.http.HttpClient reads this once, when it is initialised: by the first
        // HttpURLConnection exchange of the process, which is this class's (the relay uses no other).
        System.setProperty("sun.net.http.retryPost", "false");
        // The JDK's keep-alive cache drops an idle connection after 5 s unless told otherwise; keep
        // them as long as java.net.http does (jdk.httpclient.keepalive.timeout, 30 s), so calls a few
        // seconds apart do not pay a new TCP and TLS handshake. A value set on the command line wins.
        if (System.getProperty("http.keepAlive.time.server") == null) {
            System.setProperty("http.keepAlive.time.server", "30");
        }
    }

    /**
     * Set on every SDK client this adapter serves: tells the exchanges made on the caller's thread
     * when the SDK call ends (its {@code apiCallTimeout} from the start of the call, retries included).
     */
    public static final ExecutionInterceptor CALL_BOUND = new CallBound();

    /** When the SDK call running on this thread ends, in {@link System#nanoTime()}; none outside a bounded call. */
    private static final ThreadLocal<Long> CALL_ENDS = new ThreadLocal<>();
    /** The exchange running on this thread, for the socket factory to record its socket. */
    private static final ThreadLocal<UrlConnectionExchange> EXCHANGE = new ThreadLocal<>();

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
        return method.equals("POST") && javaNetHttpWarm.getAndSet(true)
                ? new UrlConnectionExchange(http, body)
                : new JavaNetHttpExchange(http, method, body);
    }

    /** What is left of the SDK call running on this thread: at most {@link AwsCallDeadline#LONGEST}, never 0. */
    static Duration callTimeLeft() {
        Long ends = CALL_ENDS.get();
        Duration left = ends == null ? AwsCallDeadline.LONGEST : Duration.ofNanos(ends - System.nanoTime());
        return left.compareTo(SHORTEST) < 0 ? SHORTEST : left.compareTo(AwsCallDeadline.LONGEST) > 0 ? AwsCallDeadline.LONGEST : left;
    }

    private SSLSocketFactory tls(HttpClient shared) {
        SSLSocketFactory factory = tls;
        if (factory == null) {
            // One factory for every call: the keep-alive cache reuses a TLS connection only for the same one.
            factory = new RecordingSocketFactory(shared.sslContext().getSocketFactory());
            tls = factory;
        }
        return factory;
    }

    /** Notes when each SDK call ends, from the {@code apiCallTimeout} its request carries. */
    private static final class CallBound implements ExecutionInterceptor {
        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            context.request().overrideConfiguration().flatMap(RequestOverrideConfiguration::apiCallTimeout).ifPresentOrElse(
                    timeout -> CALL_ENDS.set(System.nanoTime() + timeout.toNanos()), CALL_ENDS::remove);
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            CALL_ENDS.remove();
        }

        @Override
        public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
            CALL_ENDS.remove();
        }
    }

    /** One POST over {@link HttpURLConnection}: head and body in one write, read on the caller's thread. */
    private final class UrlConnectionExchange implements ExecutableHttpRequest {
        private final SdkHttpRequest http;
        private final byte[] body;
        private volatile HttpURLConnection connection;
        private volatile Socket socket;
        private volatile boolean aborted;
        private volatile boolean answered;
        /** The body was read to its end or closed: the exchange is over, an abort must not touch the socket. */
        private volatile boolean finished;

        UrlConnectionExchange(SdkHttpRequest http, byte[] body) {
            this.http = http;
            this.body = body;
        }

        @Override
        public HttpExecuteResponse call() throws IOException {
            HttpClient shared = client.get();
            Duration left = callTimeLeft();
            HttpURLConnection c = (HttpURLConnection) http.getUri().toURL().openConnection(Proxy.NO_PROXY);
            if (c instanceof HttpsURLConnection https) {
                https.setSSLSocketFactory(tls(shared));
            }
            Duration connect = shared.connectTimeout().filter(configured -> configured.compareTo(left) < 0).orElse(left);
            c.setConnectTimeout((int) connect.toMillis());
            c.setReadTimeout((int) left.toMillis());
            c.setInstanceFollowRedirects(false);
            c.setRequestMethod("POST");
            http.forEachHeader((name, values) -> {
                if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(value -> c.addRequestProperty(name, value));
                }
            });
            if (http.firstMatchingHeader("Accept").isEmpty()) {
                c.setRequestProperty("Accept", "*/*"); // not the JDK's default list for browsers
            }
            connection = c;
            EXCHANGE.set(this);
            try {
                if (aborted) {
                    throw new IOException("aborted");
                }
                if (body != null) {
                    c.setDoOutput(true);
                    try (OutputStream out = c.getOutputStream()) { // buffered: sent with the head
                        out.write(body);
                    }
                }
                int status = c.getResponseCode();
                answered = true;
                InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
                Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                c.getHeaderFields().forEach((name, values) -> {
                    if (name != null) { // the status line
                        headers.put(name, values);
                    }
                });
                return HttpExecuteResponse.builder()
                        .response(SdkHttpFullResponse.builder().statusCode(status).headers(headers).build())
                        .responseBody(AbortableInputStream.create(new Finishing(in == null ? InputStream.nullInputStream() : in),
                                this::abort))
                        .build();
            } catch (IOException e) {
                EXCHANGE.remove();
                throw aborted ? new IOException("aborted", e) : e;
            }
            // On success the exchange stays this thread's until the next one: the SDK reads the body on it.
        }

        /** Marks the exchange finished once its body is read to the end or closed. */
        private final class Finishing extends java.io.FilterInputStream {
            Finishing(InputStream in) {
                super(in);
            }

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b < 0) {
                    finished = true;
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n < 0) {
                    finished = true;
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    finished = true;
                }
            }
        }

        /** The socket this exchange reads and writes (the factory's new one, or a kept-alive one on its first use). */
        void uses(Socket used) throws IOException {
            socket = used;
            if (aborted) {
                used.close();
            }
        }

        /**
         * Over HTTPS, closes the socket, which ends a connect, a write or a read blocked on it at once.
         * Over plain HTTP (LocalStack, tests) the JDK gives no hold on the socket: {@code disconnect()}
         * ends a wait for the status, but not a connect in progress, and during a body read it would
         * block this (the SDK's timer) thread on the reader's lock, so it is not called then. There
         * the connection's timeouts, set from what is left of the call, are what bounds the exchange.
         */
        @Override
        public void abort() {
            if (finished) {
                // The body was read to its end or closed: the socket may already serve another exchange
                // from the keep-alive cache, and a late abort (the SDK's timer, an error path) must not close it.
                return;
            }
            aborted = true;
            Socket s = socket;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closed already
                }
            }
            HttpURLConnection c = connection;
            if (c != null && s == null && !answered) {
                c.disconnect();
            }
        }
    }

    /**
     * The TLS factory for {@link HttpsURLConnection}: it hands the JDK a plain socket it can record
     * (the JDK then layers TLS over it), so that an exchange can close the very socket it uses.
     */
    private static final class RecordingSocketFactory extends SSLSocketFactory {
        private final SSLSocketFactory tls;

        RecordingSocketFactory(SSLSocketFactory tls) {
            this.tls = tls;
        }

        @Override
        public Socket createSocket() throws IOException {
            RecordingSocket socket = new RecordingSocket();
            socket.record();
            return socket;
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return tls.createSocket(s, host, port, autoClose);
        }

        // The JDK connects only through createSocket() (with the connection's timeout); a socket
        // connected here would have none, so these are refused.
        @Override
        public Socket createSocket(String host, int port) throws IOException {
            throw new IOException("connect through createSocket()");
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            throw new IOException("connect through createSocket()");
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            throw new IOException("connect through createSocket()");
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            throw new IOException("connect through createSocket()");
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return tls.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return tls.getSupportedCipherSuites();
        }
    }

    /** A TCP socket that tells the exchange on the thread using it (a kept-alive one serves many in turn). */
    private static final class RecordingSocket extends Socket {
        void record() throws IOException {
            UrlConnectionExchange exchange = EXCHANGE.get();
            if (exchange != null && exchange.socket != this) {
                exchange.uses(this);
            }
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return new FilterInputStream(super.getInputStream()) {
                @Override
                public int read() throws IOException {
                    record();
                    return super.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    record();
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            return new FilterOutputStream(super.getOutputStream()) {
                @Override
                public void write(int b) throws IOException {
                    record();
                    out.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    record();
                    out.write(b, off, len);
                }
            };
        }
    }

    /** One exchange over {@code java.net.http}: the first call, and any method but POST. */
    private final class JavaNetHttpExchange implements ExecutableHttpRequest {
        private final HttpRequest request;
        private volatile CompletableFuture<HttpResponse<InputStream>> exchange;

        JavaNetHttpExchange(SdkHttpRequest http, String method, byte[] body) {
            HttpRequest.Builder builder = HttpRequest.newBuilder(http.getUri())
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                    .timeout(callTimeLeft());
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
