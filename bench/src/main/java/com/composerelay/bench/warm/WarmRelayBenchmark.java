package com.composerelay.bench.warm;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.composerelay.RelayHandler;
import com.composerelay.bench.cold.BenchContext;
import com.composerelay.config.Config;
import com.composerelay.core.ApiKeys;
import com.composerelay.core.Metrics;
import com.composerelay.core.Outcomes;
import com.composerelay.core.PhalaAnswer;
import com.composerelay.core.PhalaApi;
import com.composerelay.log.Log;
import com.composerelay.startup.ReseedableRandom;
import com.composerelay.wiring.Adapters;
import com.composerelay.wiring.Assembly;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * The warm path: one handler invocation after the function is initialised, the way Lambda calls a
 * warm instance (events/http-api.json for HTTP, ten SQS messages for the batch).
 *
 * <ul>
 *   <li>{@code httpApiInProcess}: the relay's own work only, no I/O: event parsing, validation,
 *       dispatch, retry bookkeeping, the outcome's JSON and log line, the response. Phala answers
 *       202 at once in-process, the key is cached, the outcome sink only renders the outcome JSON.</li>
 *   <li>{@code httpApiLoopback}: the relay as deployed ({@code new RelayHandler()}: its own SDK
 *       clients and java.net.http) against {@link LoopbackStub} on 127.0.0.1, which answers Phala,
 *       Secrets Manager and SNS at once: adds the loopback HTTP exchanges and SDK marshalling.</li>
 *   <li>{@code httpApiLoopbackPlain}: the same through the plain build (the relay's classes with
 *       SDK-default clients and apache5, loaded from {@code -Dbench.plainJar} in a class loader of
 *       its own), the reference for the loopback figure.</li>
 *   <li>{@code sqsBatch10Upstream200ms}: an SQS batch of ten messages whose PATCH each takes
 *       200 ms upstream, through the deployed relay; its wall time.</li>
 * </ul>
 *
 * <p>Log lines are rendered but written to a null stream (writing to stdout would measure the
 * terminal). The loopback benchmarks need the environment {@code bench/run.sh} sets:
 * {@code PHALA_API_BASE_URL} and {@code AWS_ENDPOINT_URL} at {@code http://127.0.0.1:$BENCH_STUB_PORT},
 * test credentials, {@code PHALA_API_KEY_SECRET_ID}, {@code OUTCOME_TOPIC_ARN} and, as deployed,
 * {@code IDEMPOTENCY_TABLE_NAME}. The in-process benchmark has no idempotency record.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class WarmRelayBenchmark {
    static final String HASH = "9f2c1e4b7a6d5c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b";
    static final PrintStream NOWHERE = new PrintStream(OutputStream.nullOutputStream());

    /** The relay around in-process fakes: nothing but its own code runs. */
    @State(Scope.Benchmark)
    public static class InProcess {
        RelayHandler handler;
        byte[] event;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            Config config = Config.from(Map.of(
                    "PHALA_API_KEY_SECRET_ID", "compose-relay/phala-api-key",
                    "OUTCOME_TOPIC_ARN", "arn:aws:sns:us-east-1:000000000000:compose-relay-outcomes",
                    "PHALA_API_BASE_URL", "http://127.0.0.1:9"));
            ApiKeys keys = new ApiKeys() {
                @Override public String current() { return "phak_bench"; }
                @Override public String refresh(String refused) { return "phak_bench"; }
            };
            PhalaApi phala = (update, apiKey, timeout) -> new PhalaAnswer(202, null, "phala-req", Optional.empty(), null);
            Outcomes outcomes = (outcome, json) -> { }; // the pipeline has written the JSON once already
            Clock clock = Clock.systemUTC();
            handler = new RelayHandler(Assembly.dispatcher(config,
                    Adapters.of(keys, phala, outcomes, clock, d -> { }, new ReseedableRandom(), Metrics.none())), clock);
            event = resource("events/http-api.json");
            expect(invoke(handler, event), "\"statusCode\":202", "in-process relay");
            Log.to(NOWHERE);
        }
    }

    /** The deployed wiring against the loopback stub. */
    @State(Scope.Benchmark)
    public static class Loopback {
        LoopbackStub stub;
        RequestStreamHandler handler;
        byte[] httpEvent;
        byte[] batchEvent;

        /** The handler under test, built the way Lambda builds it. */
        RequestStreamHandler newHandler() {
            return new RelayHandler();
        }

        /** Where the handler's log lines go. */
        void logTo(PrintStream stream) {
            Log.to(stream);
        }

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            int port = Integer.parseInt(System.getenv().getOrDefault("BENCH_STUB_PORT", "18090"));
            String base = "http://127.0.0.1:" + port;
            for (String name : new String[] {"PHALA_API_BASE_URL", "AWS_ENDPOINT_URL"}) {
                if (!base.equals(System.getenv(name))) {
                    throw new IllegalStateException(name + " must be " + base + " for the loopback benchmarks (bench/run.sh sets it), not "
                            + System.getenv(name));
                }
            }
            stub = new LoopbackStub(port, 200);
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            handler = newHandler();
            logTo(new PrintStream(log, true, StandardCharsets.UTF_8));
            httpEvent = resource("events/http-api.json");
            batchEvent = sqsBatch(10).getBytes(StandardCharsets.UTF_8);
            expect(invoke(handler, httpEvent), "\"statusCode\":202", "loopback relay");
            expect(invoke(handler, batchEvent), "\"batchItemFailures\":[]", "loopback SQS batch");
            String logged = log.toString(StandardCharsets.UTF_8);
            boolean idempotency = System.getenv("IDEMPOTENCY_TABLE_NAME") != null;
            if (logged.contains("\"level\":\"ERROR\"") || stub.publishes.get() != 11 || stub.patches.get() != 11
                    || (idempotency && stub.dynamoCalls.get() < 22)) {
                throw new IllegalStateException("the loopback check did not publish 11 outcomes, send 11 PATCHes and record"
                        + " them (publishes " + stub.publishes + ", patches " + stub.patches + ", DynamoDB calls "
                        + stub.dynamoCalls + "); log:\n" + logged);
            }
            logTo(NOWHERE);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            stub.close();
        }
    }

    /** The plain build (plain.jar: SDK defaults) against the same loopback stub. */
    @State(Scope.Benchmark)
    public static class PlainLoopback extends Loopback {
        private ClassLoader plain;

        @Override
        RequestStreamHandler newHandler() {
            try {
                String jar = System.getProperty("bench.plainJar");
                if (jar == null) {
                    throw new IllegalStateException("-Dbench.plainJar=<bench/target/plain.jar> is needed for the plain build");
                }
                plain = new PlainJarLoader(Path.of(jar), WarmRelayBenchmark.class.getClassLoader());
                Thread thread = Thread.currentThread();
                ClassLoader context = thread.getContextClassLoader();
                thread.setContextClassLoader(plain); // the SDK looks its HTTP client up through it
                try {
                    return (RequestStreamHandler) plain.loadClass("com.composerelay.RelayHandler").getConstructor().newInstance();
                } finally {
                    thread.setContextClassLoader(context);
                }
            } catch (ReflectiveOperationException | IOException e) {
                throw new IllegalStateException("the plain build could not be loaded", e);
            }
        }

        @Override
        void logTo(PrintStream stream) {
            try {
                plain.loadClass("com.composerelay.log.Log").getMethod("to", PrintStream.class).invoke(null, stream);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * CPU time of the whole benchmark process per operation over the measured iterations (relay,
     * JDK HTTP threads and, for loopback, the stub too), appended to {@code -Dbench.cpuFile}.
     */
    @State(Scope.Thread)
    public static class Cpu {
        long ops;
        long cpuNanos;
        long wallNanos;
        private long iterationOps;
        private long cpuAtStart;
        private long wallAtStart;
        private boolean measuring;

        @Setup(Level.Iteration)
        public void start(IterationParams iteration) {
            measuring = iteration.getType() == IterationType.MEASUREMENT;
            iterationOps = 0;
            cpuAtStart = processCpuNanos();
            wallAtStart = System.nanoTime();
        }

        @TearDown(Level.Iteration)
        public void stop() {
            if (measuring) {
                ops += iterationOps;
                cpuNanos += processCpuNanos() - cpuAtStart;
                wallNanos += System.nanoTime() - wallAtStart;
            }
        }

        @TearDown(Level.Trial)
        public void report(BenchmarkParams params) throws IOException {
            String file = System.getProperty("bench.cpuFile");
            if (file != null && ops > 0) {
                Files.writeString(Path.of(file), params.getBenchmark() + " ops=" + ops + " cpu_ns=" + cpuNanos + " wall_ns="
                        + wallNanos + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        }

        void count() {
            iterationOps++;
        }

        private static long processCpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        }
    }

    @Benchmark
    public void httpApiInProcess(InProcess s, Cpu cpu, Blackhole bh) throws IOException {
        bh.consume(invoke(s.handler, s.event));
        cpu.count();
    }

    @Benchmark
    public void httpApiLoopback(Loopback s, Cpu cpu, Blackhole bh) throws IOException {
        bh.consume(invoke(s.handler, s.httpEvent));
        cpu.count();
    }

    @Benchmark
    public void httpApiLoopbackPlain(PlainLoopback s, Cpu cpu, Blackhole bh) throws IOException {
        bh.consume(invoke(s.handler, s.httpEvent));
        cpu.count();
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public void sqsBatch10Upstream200ms(Loopback s, Cpu cpu, Blackhole bh) throws IOException {
        bh.consume(invoke(s.handler, s.batchEvent));
        cpu.count();
    }

    static String invoke(RequestStreamHandler handler, byte[] event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        handler.handleRequest(new ByteArrayInputStream(event), out, new BenchContext());
        return out.toString(StandardCharsets.UTF_8);
    }

    static void expect(String response, String needle, String what) {
        if (!response.contains(needle)) {
            throw new IllegalStateException(what + ": expected " + needle + " in the response, got " + response);
        }
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = WarmRelayBenchmark.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " is not in the benchmark jar");
            }
            return in.readAllBytes();
        }
    }

    /** An SQS event of {@code n} standard-queue messages for CVMs {@code slow_0..}, as Lambda's poller sends it. */
    static String sqsBatch(int n) {
        StringBuilder records = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String body = "{\\\"cvm_id\\\":\\\"slow_" + i + "\\\",\\\"compose_hash\\\":\\\"" + HASH + "\\\"}";
            records.append(i == 0 ? "" : ",").append("{\"messageId\":\"00000000-0000-4000-8000-00000000000").append(i)
                    .append("\",\"receiptHandle\":\"AQEB").append(i).append("\",\"body\":\"").append(body)
                    .append("\",\"attributes\":{\"ApproximateReceiveCount\":\"1\",\"SentTimestamp\":\"1795632000000\","
                            + "\"SenderId\":\"AIDAIENQZJOLO23YVJ4VO\",\"ApproximateFirstReceiveTimestamp\":\"1795632000100\"},"
                            + "\"messageAttributes\":{},\"md5OfBody\":\"0\",\"eventSource\":\"aws:sqs\","
                            + "\"eventSourceARN\":\"arn:aws:sqs:us-east-1:000000000000:compose-relay-requests\",\"awsRegion\":\"us-east-1\"}");
        }
        return "{\"Records\":[" + records + "]}";
    }
}
