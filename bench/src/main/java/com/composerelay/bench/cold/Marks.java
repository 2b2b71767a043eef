package com.composerelay.bench.cold;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The line a cold process prints when its work is done, read by the driver: wall-clock marks in
 * epoch microseconds and the peak resident set so far. Uses only classes every JVM has loaded by
 * then, so the floor process pays for nothing the relay does not.
 */
public final class Marks {
    public static final String PREFIX = "BENCH-DONE";

    private Marks() {}

    public static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** Peak resident set size of this process in kB (Linux {@code VmHWM}), or -1 elsewhere. */
    public static long peakRssKb() {
        try (FileInputStream in = new FileInputStream("/proc/self/status")) {
            String status = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            int at = status.indexOf("VmHWM:");
            if (at < 0) {
                return -1;
            }
            int end = status.indexOf('\n', at);
            return Long.parseLong(status.substring(at + 6, end).replace("kB", "").strip());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Prints the marks and ends the process at once (no shutdown hooks, no selector-thread wait). */
    public static void finish(boolean ok, long mainMicros, long builtMicros, long doneMicros, String note) {
        long rss = peakRssKb();
        System.out.println(PREFIX + " ok=" + ok + " main=" + mainMicros + " built=" + builtMicros
                + " done=" + doneMicros + " rss_kb=" + rss + " note=" + note);
        System.out.flush();
        int status = ok ? 0 : 3;
        if (Boolean.getBoolean("bench.exit")) {
            // A training run for -XX:AOTCacheOutput / -XX:ArchiveClassesAtExit wants an orderly exit.
            System.exit(status);
        }
        Runtime.getRuntime().halt(status);
    }
}
