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

    /**
     * With {@code -Dbench.threadCpu=FILE}: appends one line per thread of this process to FILE, its
     * name and the CPU time it has had so far in ms ({@code /proc/self/task/<tid>/schedstat}, in ns),
     * JVM threads (JIT compiler, GC, VM thread) included. A diagnostic of where a cold start's CPU goes.
     */
    static void threadCpu(String file) {
        StringBuilder lines = new StringBuilder("# pid " + ProcessHandle.current().pid() + "\n");
        // The whole process, threads that have ended included (utime + stime, in clock ticks of 10 ms).
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            lines.append(String.format("(process, ended threads included)\t%.1f%n", (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10.0));
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
        for (java.io.File task : tasks == null ? new java.io.File[0] : tasks) {
            try {
                String name = java.nio.file.Files.readString(task.toPath().resolve("comm")).strip();
                String schedstat = java.nio.file.Files.readString(task.toPath().resolve("schedstat")).strip();
                long ns = Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
                lines.append(String.format("%s\t%.1f%n", name, ns / 1e6));
            } catch (IOException | RuntimeException e) {
                // a thread that ended while it was being read
            }
        }
        try {
            java.nio.file.Files.writeString(java.nio.file.Path.of(file), lines, StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("Marks: cannot write " + file + ": " + e);
        }
    }

    /** Prints the marks and ends the process at once (no shutdown hooks, no selector-thread wait). */
    public static void finish(boolean ok, long mainMicros, long builtMicros, long doneMicros, String note) {
        String threadCpu = System.getProperty("bench.threadCpu");
        if (threadCpu != null) {
            threadCpu(threadCpu);
        }
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
