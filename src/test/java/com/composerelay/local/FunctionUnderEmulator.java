package com.composerelay.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The built function run the way Lambda runs it: the Runtime Interface Emulator in front of the
 * Java runtime interface client, which loads the handler named in the template from the
 * {@code sam build} folder. Invocations go over HTTP, one at a time (the emulator allows no more).
 */
public final class FunctionUnderEmulator implements AutoCloseable {
    /** Lambda's java25 runtime defaults: C1 only, SerialGC. */
    public static final List<String> LAMBDA_JVM_FLAGS =
            List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private final Process process;
    private final URI invokeUrl;
    private final Path log;
    private final Duration timeout;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private long firstInvocationMillis = -1;
    private final long startedNanos;

    private FunctionUnderEmulator(Process process, URI invokeUrl, Path log, Duration timeout, long startedNanos) {
        this.process = process;
        this.invokeUrl = invokeUrl;
        this.log = log;
        this.timeout = timeout;
        this.startedNanos = startedNanos;
    }

    public static FunctionUnderEmulator start(Path rie, Path ricDir, SamTemplate.Function function,
                                              Map<String, String> environment, Path log) {
        int invokePort = freePort();
        int runtimeApiPort = freePort();
        List<String> command = new ArrayList<>(List.of(rie.toString(), "--log-level", "warn",
                "--runtime-interface-emulator-address", "127.0.0.1:" + invokePort,
                "--runtime-api-address", "127.0.0.1:" + runtimeApiPort,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED"));
        command.addAll(LAMBDA_JVM_FLAGS);
        command.addAll(List.of("-cp", ricDir.resolve("*").toString(),
                "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", function.handler()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(function.codeDir().toFile());
        // Only what Lambda would give the function: the template's variables and the runtime's own.
        Map<String, String> env = builder.environment();
        String path = env.get("PATH");
        env.clear();
        env.put("PATH", path);
        env.put("AWS_LAMBDA_FUNCTION_NAME", function.logicalId());
        env.put("AWS_LAMBDA_FUNCTION_TIMEOUT", String.valueOf(function.timeoutSeconds()));
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", String.valueOf(function.memoryMb()));
        env.put("LAMBDA_TASK_ROOT", function.codeDir().toString());
        env.putAll(environment);
        try {
            Files.createDirectories(log.getParent());
            builder.redirectErrorStream(true).redirectOutput(log.toFile());
            long started = System.nanoTime();
            Process process = builder.start();
            URI url = URI.create("http://127.0.0.1:" + invokePort + "/2015-03-31/functions/function/invocations");
            FunctionUnderEmulator running = new FunctionUnderEmulator(process, url, log,
                    Duration.ofSeconds(function.timeoutSeconds() + 10L), started);
            running.awaitPort(invokePort);
            return running;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + rie, e);
        }
    }

    /** Sends one event; returns the function's answer as the emulator gives it. */
    public synchronized String invoke(String event) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(invokeUrl).timeout(timeout)
                    .POST(HttpRequest.BodyPublishers.ofString(event)).build(), HttpResponse.BodyHandlers.ofString());
            if (firstInvocationMillis < 0) {
                firstInvocationMillis = (System.nanoTime() - startedNanos) / 1_000_000;
            }
            if (response.statusCode() != 200) {
                throw new IllegalStateException("the emulator answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException("invocation failed; function log: " + log, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public URI invokeUrl() {
        return invokeUrl;
    }

    /** From starting the emulator to the end of the first invocation (JVM start and init included). */
    public long firstInvocationMillis() {
        return firstInvocationMillis;
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitPort(int port) {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < until) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the emulator exited at start (" + process.exitValue() + "); see " + log);
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        throw new IllegalStateException("the emulator did not listen on " + port + " within 10 s; see " + log);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
