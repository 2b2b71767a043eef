package com.composerelay.bench.cold;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One cold start, as Lambda does it: load the handler class by name, call its no-arg constructor
 * (which reads the environment and builds its clients), invoke it once with an event file, print
 * {@link Marks} and halt. Halting keeps the JDK HttpClient's ~300 ms selector-thread exit delay out
 * of the figure; Lambda freezes the process instead of exiting it.
 *
 * <p>Usage: {@code java ... com.composerelay.bench.cold.ColdStart <handler class> <event.json> [expected statusCode]}.
 * The run fails (exit 3) unless the response carries the expected {@code statusCode} (default 202),
 * so a relay that failed fast is never mistaken for a fast relay; {@code no-batch-item-failures}
 * expects an SQS batch's answer with no failed item (a rollout task answered). {@code -Dbench.initOnly=true}
 * stops after the constructor (for training an AOT cache on initialisation alone).
 * {@code -Dbench.uniqueRequest=true} adds an {@code Idempotency-Key} header of its own to the
 * event's headers, so every process relays a first delivery rather than replaying a recorded one.
 */
public final class ColdStart {
    /** The expected answer of an SQS batch (a rollout task): {@code {"batchItemFailures":[]}}. */
    static final String NO_FAILURES = "no-batch-item-failures";

    private ColdStart() {}

    public static void main(String[] args) throws Exception {
        long main = Marks.nowMicros();
        if (args.length < 2) {
            System.err.println("usage: ColdStart <handler class> <event.json> [expected statusCode]");
            System.exit(2);
        }
        byte[] event = Files.readAllBytes(Path.of(args[1]));
        String expectArg = args.length > 2 ? args[2] : "202";
        // An SQS batch (a rollout task) answers its batchItemFailures: none expected, and no headers to key.
        boolean batch = expectArg.equals(NO_FAILURES);
        if (Boolean.getBoolean("bench.uniqueRequest") && !batch) {
            event = withIdempotencyKey(event, "bench-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        }
        String expected = batch ? "{\"batchItemFailures\":[]}" : "\"statusCode\":" + expectArg;

        RequestStreamHandler handler = (RequestStreamHandler) Class.forName(args[0])
                .getDeclaredConstructor().newInstance();
        long built = Marks.nowMicros();
        String invokeCgroup = System.getProperty("bench.invokeCgroup");
        if (invokeCgroup != null) {
            // Lambda's CPU model (ColdBench --lambda-cpu): invocations get CPU in proportion to memory.
            Files.writeString(Path.of(invokeCgroup), Long.toString(ProcessHandle.current().pid()));
        }
        if (Boolean.getBoolean("bench.initOnly")) {
            Marks.finish(true, main, built, built, "init-only");
            return;
        }

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, new BenchContext());
        long done = Marks.nowMicros();
        String response = out.toString(StandardCharsets.UTF_8);
        boolean ok = batch ? response.strip().equals(expected) : response.contains(expected);
        if (!ok) {
            System.err.println("ColdStart: expected " + expected + " in the response, got: " + response);
        }
        Marks.finish(ok, main, built, done, ok ? "relayed" : "unexpected-response");
    }

    /** The event with an {@code Idempotency-Key} header first among its {@code headers}. */
    static byte[] withIdempotencyKey(byte[] event, String key) {
        String text = new String(event, StandardCharsets.UTF_8);
        int headers = text.indexOf("\"headers\"");
        int open = headers < 0 ? -1 : text.indexOf('{', headers);
        if (open < 0) {
            throw new IllegalArgumentException("the event has no headers object to add an Idempotency-Key to");
        }
        String close = text.substring(open + 1).strip().startsWith("}") ? "" : ",";
        return (text.substring(0, open + 1) + "\"Idempotency-Key\":\"" + key + "\"" + close + text.substring(open + 1))
                .getBytes(StandardCharsets.UTF_8);
    }
}
