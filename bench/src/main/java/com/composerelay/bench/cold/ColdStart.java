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
 * so a relay that failed fast is never mistaken for a fast relay. {@code -Dbench.initOnly=true}
 * stops after the constructor (for training an AOT cache on initialisation alone).
 */
public final class ColdStart {
    private ColdStart() {}

    public static void main(String[] args) throws Exception {
        long main = Marks.nowMicros();
        if (args.length < 2) {
            System.err.println("usage: ColdStart <handler class> <event.json> [expected statusCode]");
            System.exit(2);
        }
        byte[] event = Files.readAllBytes(Path.of(args[1]));
        String expected = "\"statusCode\":" + (args.length > 2 ? args[2] : "202");

        RequestStreamHandler handler = (RequestStreamHandler) Class.forName(args[0])
                .getDeclaredConstructor().newInstance();
        long built = Marks.nowMicros();
        if (Boolean.getBoolean("bench.initOnly")) {
            Marks.finish(true, main, built, built, "init-only");
            return;
        }

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, new BenchContext());
        long done = Marks.nowMicros();
        String response = out.toString(StandardCharsets.UTF_8);
        boolean ok = response.contains(expected);
        if (!ok) {
            System.err.println("ColdStart: expected " + expected + " in the response, got: " + response);
        }
        Marks.finish(ok, main, built, done, ok ? "relayed" : "unexpected-response");
    }
}
