package com.composerelay.bench.driver;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the cold-start comparison: each variant is a separate JVM process started from scratch,
 * in interleaved rounds (the order rotates every round), and every figure is reported next to the
 * plain build's and the bare JVM's from the same run.
 *
 * <p>A variant is {@code name;classpath;handler;cache;tool options}:
 * <ul>
 *   <li>{@code handler}: a handler class for {@code ColdStart}, or {@code hello} for the floor;</li>
 *   <li>{@code cache}: {@code none}, {@code aot} (JDK 25 AOT cache from one training relay),
 *       {@code aot-init} (AOT cache trained on the handler's constructor only) or {@code cds}
 *       (dynamic AppCDS archive from one training relay); caches are made at the start of every run,
 *       on this JVM, with the same flags;</li>
 *   <li>{@code tool options}: extra JVM options passed in {@code JAVA_TOOL_OPTIONS}, as a Lambda
 *       function's environment would (empty for none).</li>
 * </ul>
 *
 * <p>Usage: {@code ColdBench --java <java> --flags "<jvm flags>" --event <event.json> --work <dir>
 * --rounds N [--warmup N] [--lambda-cpu <memory MB>] --variant <spec>...}. The variants named
 * {@code plain} and {@code floor} are the references. Writes {@code cold-samples.csv} and
 * {@code cold-table.md} into the work directory and prints the table.
 *
 * <p>{@code --lambda-cpu} runs every process under Lambda's CPU allocation for a function of that
 * memory size, with cgroup CPU quotas (needs root and a cgroup CPU controller): initialisation on
 * one full vCPU (on-demand functions initialise unthrottled), and from the end of the handler's
 * constructor on {@code memory / 1769} of a vCPU (at 1,769 MB a function has one vCPU). This is
 * what decides on Lambda whether work belongs in initialisation or in the first invocation.
 */
public final class ColdBench {
    private static final String MARK = "BENCH-DONE";
    private static final String COLD_START = "com.composerelay.bench.cold.ColdStart";
    private static final String HELLO = "com.composerelay.bench.cold.Hello";

    record Variant(String name, String classpath, String handler, String cache, String toolOptions) {
        static Variant parse(String spec) {
            String[] p = spec.split(";", -1);
            if (p.length != 5) {
                throw new IllegalArgumentException("variant '" + spec + "' is not name;classpath;handler;cache;tool options");
            }
            if (!List.of("none", "aot", "aot-init", "cds").contains(p[3])) {
                throw new IllegalArgumentException("variant " + p[0] + ": cache must be none, aot, aot-init or cds");
            }
            return new Variant(p[0], p[1], p[2], p[3], p[4].strip());
        }
    }

    /** One process: wall-clock marks (µs since launch) and peak RSS. */
    record Sample(int round, String variant, double toMain, double toBuilt, double toDone, double toExit, long rssKb) {
        double initMs() { return toBuilt - toMain; }
        double invokeMs() { return toDone - toBuilt; }
    }

    private final String java;
    private final List<String> flags;
    private final Path event;
    private final Path work;
    private final List<Variant> variants;
    private final Map<String, List<String>> cacheFlags = new LinkedHashMap<>();
    private final Map<String, Double> trainingSeconds = new LinkedHashMap<>();
    private final Map<String, Long> cacheBytes = new LinkedHashMap<>();
    private LambdaCpu lambdaCpu;
    private String expect = "202";
    private String what = "first completed relay";

    ColdBench(String java, List<String> flags, Path event, Path work, List<Variant> variants) {
        this.java = java;
        this.flags = flags;
        this.event = event;
        this.work = work;
        this.variants = variants;
    }

    public static void main(String[] args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String flags = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC";
        Path event = null;
        Path work = Path.of("bench/target/cold");
        int rounds = 10;
        int warmup = 1;
        int lambdaMemory = 0;
        String expect = "202";
        String what = "first completed relay";
        List<Variant> variants = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--java" -> { java = value; i++; }
                case "--flags" -> { flags = value; i++; }
                case "--event" -> { event = Path.of(value); i++; }
                case "--work" -> { work = Path.of(value); i++; }
                case "--rounds" -> { rounds = Integer.parseInt(value); i++; }
                case "--warmup" -> { warmup = Integer.parseInt(value); i++; }
                case "--variant" -> { variants.add(Variant.parse(value)); i++; }
                case "--lambda-cpu" -> { lambdaMemory = Integer.parseInt(value); i++; }
                case "--expect" -> { expect = value; i++; }
                case "--what" -> { what = value; i++; }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (event == null || variants.isEmpty()) {
            throw new IllegalArgumentException("--event and at least one --variant are needed");
        }
        Files.createDirectories(work);
        ColdBench bench = new ColdBench(java, Arrays.stream(flags.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList(),
                event, work, variants);
        bench.expect = expect;
        bench.what = what;
        if (lambdaMemory > 0) {
            try {
                bench.lambdaCpu = LambdaCpu.create(lambdaMemory);
            } catch (IOException | RuntimeException e) {
                String why = "Lambda's CPU model was not measured here: " + e.getMessage() + "\n";
                Files.writeString(work.resolve("cold-table.md"), why);
                System.out.print(why);
                return;
            }
        }
        try {
            bench.run(rounds, warmup);
        } finally {
            if (bench.lambdaCpu != null) {
                bench.lambdaCpu.remove();
            }
        }
    }

    /** Two cgroups: one full vCPU for initialisation, {@code memory / 1769} of one for invocations. */
    record LambdaCpu(int memoryMb, Path init, Path invoke) {
        private static final Path V1 = Path.of("/sys/fs/cgroup/cpu");
        private static final Path V2 = Path.of("/sys/fs/cgroup");
        private static final int PERIOD_US = 100_000;

        static LambdaCpu create(int memoryMb) throws IOException {
            int invokeQuota = (int) Math.round(PERIOD_US * memoryMb / 1769.0);
            boolean v1 = Files.isWritable(V1.resolve("cpu.cfs_quota_us"));
            boolean v2 = !v1 && Files.exists(V2.resolve("cgroup.controllers"))
                    && Files.readString(V2.resolve("cgroup.controllers")).contains("cpu");
            if (!v1 && !v2) {
                throw new IOException("no writable cgroup CPU controller (needs root and /sys/fs/cgroup/cpu or cgroup v2 with cpu)");
            }
            Path base = (v1 ? V1 : V2).resolve("compose-relay-bench-" + ProcessHandle.current().pid());
            LambdaCpu cpu = new LambdaCpu(memoryMb, base.resolve("init"), base.resolve("invoke"));
            Files.createDirectories(cpu.init());
            Files.createDirectories(cpu.invoke());
            cpu.limit(cpu.init(), v1, PERIOD_US);
            cpu.limit(cpu.invoke(), v1, Math.min(invokeQuota, 2 * PERIOD_US));
            return cpu;
        }

        private void limit(Path group, boolean v1, int quotaUs) throws IOException {
            if (v1) {
                Files.writeString(group.resolve("cpu.cfs_period_us"), Integer.toString(PERIOD_US));
                Files.writeString(group.resolve("cpu.cfs_quota_us"), Integer.toString(quotaUs));
            } else {
                Files.writeString(group.resolve("cpu.max"), quotaUs + " " + PERIOD_US);
            }
        }

        double invokeVcpu() {
            return memoryMb / 1769.0;
        }

        void remove() {
            try {
                Files.deleteIfExists(init);
                Files.deleteIfExists(invoke);
                Files.deleteIfExists(init.getParent());
            } catch (IOException e) {
                System.err.println("cold: could not remove " + init.getParent() + ": " + e.getMessage());
            }
        }
    }

    void run(int rounds, int warmup) throws IOException, InterruptedException {
        System.out.println("cold: " + java + " " + String.join(" ", flags));
        for (Variant v : variants) {
            prepareCache(v);
        }
        List<Sample> samples = new ArrayList<>();
        for (int round = 1 - warmup; round <= rounds; round++) {
            StringBuilder line = new StringBuilder(round < 1 ? "  warm-up:" : String.format(Locale.ROOT, "  round %2d:", round));
            int offset = Math.floorMod(round, variants.size());
            for (int k = 0; k < variants.size(); k++) {
                Variant v = variants.get((k + offset) % variants.size());
                Sample s = runOnce(v, round);
                line.append(String.format(Locale.ROOT, " %s %.0f", v.name(), s.toDone()));
                if (round >= 1) {
                    samples.add(s);
                }
            }
            System.out.println(line.append(" (ms to " + what + ")"));
        }
        writeCsv(samples);
        String table = table(samples, rounds);
        Files.writeString(work.resolve("cold-table.md"), table);
        Files.writeString(work.resolve("cold-targets.txt"), targets(samples));
        System.out.println();
        System.out.print(table);
    }

    // --- caches ----------------------------------------------------------------------------------

    private void prepareCache(Variant v) throws IOException, InterruptedException {
        switch (v.cache()) {
            case "none" -> cacheFlags.put(v.name(), List.of());
            case "aot", "aot-init" -> {
                Path cache = work.resolve(v.name() + ".aot");
                Files.deleteIfExists(cache);
                List<String> training = new ArrayList<>(List.of("-XX:AOTCacheOutput=" + cache, "-Dbench.exit=true"));
                if (v.cache().equals("aot-init")) {
                    training.add("-Dbench.initOnly=true");
                }
                train(v, training, cache);
                cacheFlags.put(v.name(), List.of("-XX:AOTCache=" + cache, "-XX:AOTMode=on"));
            }
            case "cds" -> {
                Path archive = work.resolve(v.name() + ".jsa");
                Files.deleteIfExists(archive);
                train(v, List.of("-XX:ArchiveClassesAtExit=" + archive, "-Dbench.exit=true"), archive);
                cacheFlags.put(v.name(), List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:on"));
            }
            default -> throw new IllegalStateException(v.cache());
        }
    }

    private void train(Variant v, List<String> trainingFlags, Path output) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Process p = start(v, trainingFlags, work.resolve(v.name() + ".training.log").toFile());
        List<String> out = readAll(p);
        int status = p.waitFor();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (status != 0 || !Files.exists(output)) {
            throw new IllegalStateException("training run of " + v.name() + " failed (exit " + status + "); see "
                    + work.resolve(v.name() + ".training.log") + "; its output: " + String.join("\n", out));
        }
        trainingSeconds.put(v.name(), seconds);
        cacheBytes.put(v.name(), Files.size(output));
        System.out.printf(Locale.ROOT, "  %s: %s made in %.1f s (%.1f MB)%n", v.name(), output.getFileName(), seconds,
                Files.size(output) / 1e6);
    }

    // --- one process -----------------------------------------------------------------------------

    private Process start(Variant v, List<String> extra, File log) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (lambdaCpu != null) {
            // The shell joins the initialisation group, then becomes the JVM; ColdStart moves the whole
            // process to the invocation group once the handler is built.
            cmd.addAll(List.of("sh", "-c", "echo $$ > '" + lambdaCpu.init().resolve("cgroup.procs") + "' && exec \"$@\"", "sh"));
        }
        cmd.add(java);
        cmd.addAll(flags);
        cmd.addAll(extra);
        cmd.add("-cp");
        cmd.add(v.classpath());
        if (v.handler().equals("hello")) {
            cmd.add(HELLO);
        } else {
            cmd.add("-Dbench.uniqueRequest=true");
            if (lambdaCpu != null) {
                cmd.add("-Dbench.invokeCgroup=" + lambdaCpu.invoke().resolve("cgroup.procs"));
            }
            cmd.add(COLD_START);
            cmd.add(v.handler());
            cmd.add(event.toString());
            cmd.add(expect);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (v.toolOptions().isEmpty()) {
            pb.environment().remove("JAVA_TOOL_OPTIONS");
        } else {
            pb.environment().put("JAVA_TOOL_OPTIONS", v.toolOptions());
        }
        pb.redirectError(ProcessBuilder.Redirect.appendTo(log));
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return pb.start();
    }

    private Sample runOnce(Variant v, int round) throws IOException, InterruptedException {
        File log = work.resolve(v.name() + ".log").toFile();
        long launchMicros = nowMicros();
        long launchNanos = System.nanoTime();
        Process p = start(v, cacheFlags.get(v.name()), log);
        List<String> out = readAll(p);
        int status = p.waitFor();
        double toExit = (System.nanoTime() - launchNanos) / 1e6;
        // The last process's output of each variant (the relay's log lines), to see what it did.
        Files.write(work.resolve(v.name() + ".stdout"), out, StandardCharsets.UTF_8);
        String mark = out.stream().filter(l -> l.startsWith(MARK)).findFirst().orElse(null);
        String error = out.stream().filter(l -> l.contains("\"level\":\"ERROR\"")).findFirst().orElse(null);
        if (status != 0 || mark == null || !mark.contains(" ok=true") || error != null) {
            throw new IllegalStateException(v.name() + " failed (exit " + status + ")" + (error == null ? "" : ": " + error)
                    + "; stderr in " + log + "; stdout:\n" + String.join("\n", out));
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String part : mark.substring(MARK.length()).trim().split(" ")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                m.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return new Sample(round, v.name(),
                (Long.parseLong(m.get("main")) - launchMicros) / 1e3,
                (Long.parseLong(m.get("built")) - launchMicros) / 1e3,
                (Long.parseLong(m.get("done")) - launchMicros) / 1e3,
                toExit, Long.parseLong(m.get("rss_kb")));
    }

    private static List<String> readAll(Process p) throws IOException {
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line);
            }
        }
        return lines;
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    // --- report ----------------------------------------------------------------------------------

    private void writeCsv(List<Sample> samples) throws IOException {
        try (PrintStream csv = new PrintStream(work.resolve("cold-samples.csv").toFile(), StandardCharsets.UTF_8)) {
            csv.println("round,variant,jvm_to_main_ms,handler_built_ms,first_relay_ms,process_exit_ms,peak_rss_kb");
            for (Sample s : samples) {
                csv.printf(Locale.ROOT, "%d,%s,%.1f,%.1f,%.1f,%.1f,%d%n", s.round(), s.variant(), s.toMain(), s.toBuilt(),
                        s.toDone(), s.toExit(), s.rssKb());
            }
        }
    }

    private String table(List<Sample> samples, int rounds) {
        Map<String, List<Sample>> by = new LinkedHashMap<>();
        for (Variant v : variants) {
            by.put(v.name(), new ArrayList<>());
        }
        samples.forEach(s -> by.get(s.variant()).add(s));
        Double plain = by.containsKey("plain") ? median(by.get("plain"), Sample::toDone) : null;
        Double floor = by.containsKey("floor") ? median(by.get("floor"), Sample::toDone) : null;

        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "Cold start: JVM launch to %s (%s), %d rounds, median (min-max), ms%n", what,
                event.getFileName(), rounds));
        if (lambdaCpu != null) {
            t.append(String.format(Locale.ROOT, "under Lambda's CPU allocation at %d MB (cgroup quotas): the constructor on one full vCPU,"
                    + " the first invocation on %.2f vCPU%n", lambdaCpu.memoryMb(), lambdaCpu.invokeVcpu()));
        }
        t.append("flags: ").append(String.join(" ", flags)).append("\n\n");
        t.append("| variant | " + what + " | min-max | x sooner than plain | x floor | JVM to main | constructor | first invoke | peak RSS MB median (max) |\n");
        t.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Variant v : variants) {
            List<Sample> s = by.get(v.name());
            double done = median(s, Sample::toDone);
            t.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f-%.0f | %s | %s | %.0f | %.0f | %.0f | %.1f (%.1f) |%n",
                    v.name() + describe(v), done, min(s, Sample::toDone), max(s, Sample::toDone),
                    plain == null ? "-" : String.format(Locale.ROOT, "%.2f", plain / done),
                    floor == null ? "-" : String.format(Locale.ROOT, "%.2f", done / floor),
                    median(s, Sample::toMain), median(s, Sample::initMs), median(s, Sample::invokeMs),
                    median(s, x -> x.rssKb() / 1024.0), max(s, x -> x.rssKb() / 1024.0)));
        }
        if (!trainingSeconds.isEmpty()) {
            t.append("\ncaches (made in this run, on this JVM, with the flags above): ");
            List<String> parts = new ArrayList<>();
            trainingSeconds.forEach((name, sec) -> parts.add(String.format(Locale.ROOT, "%s %.1f MB in %.1f s",
                    name, cacheBytes.get(name) / 1e6, sec)));
            t.append(String.join("; ", parts)).append("\n");
        }
        return t.toString();
    }

    /** Issue #5's cold targets, as ratios from this one run. */
    private String targets(List<Sample> samples) {
        Map<String, List<Sample>> by = new LinkedHashMap<>();
        samples.forEach(s -> by.computeIfAbsent(s.variant(), k -> new ArrayList<>()).add(s));
        StringBuilder t = new StringBuilder();
        String model = lambdaCpu == null ? "" : String.format(Locale.ROOT, " under Lambda's CPU allocation at %d MB",
                lambdaCpu.memoryMb());
        List<Sample> plain = by.get("plain");
        for (String[] target : new String[][] {{"relay", "1.5", "no start-up cache"}, {"relay+aot", "4", "with an AOT cache"}}) {
            List<Sample> s = by.get(target[0]);
            if (plain == null || s == null) {
                continue;
            }
            double ratio = median(plain, Sample::toDone) / median(s, Sample::toDone);
            double goal = Double.parseDouble(target[1]);
            t.append(String.format(Locale.ROOT, "- first relay >= %sx sooner than plain, %s%s: %.2fx (%s, %.0f vs %.0f ms): %s%n",
                    target[1], target[2], model, ratio, target[0], median(s, Sample::toDone), median(plain, Sample::toDone),
                    ratio >= goal ? "met" : String.format(Locale.ROOT, "MISSED by %.0f%%", 100 * (goal - ratio) / goal)));
        }
        for (String name : new String[] {"relay", "relay+aot"}) {
            List<Sample> s = by.get(name);
            if (s != null) {
                double worst = max(s, x -> x.rssKb() / 1024.0);
                t.append(String.format(Locale.ROOT, "- peak RSS of the cold run < 128 MB (%s%s): median %.1f MB, worst %.1f MB: %s%n",
                        name, model, median(s, x -> x.rssKb() / 1024.0), worst, worst < 128 ? "met" : "MISSED"));
            }
        }
        return t.toString();
    }

    private static String describe(Variant v) {
        String d = switch (v.cache()) {
            case "aot" -> " (AOT cache)";
            case "aot-init" -> " (AOT cache, init-only training)";
            case "cds" -> " (AppCDS)";
            default -> "";
        };
        return d + (v.toolOptions().isEmpty() ? "" : " [JAVA_TOOL_OPTIONS=" + v.toolOptions() + "]");
    }

    private interface Metric {
        double of(Sample s);
    }

    static double median(List<Sample> s, Metric m) {
        double[] v = s.stream().mapToDouble(m::of).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private static double min(List<Sample> s, Metric m) {
        return s.stream().mapToDouble(m::of).min().orElse(Double.NaN);
    }

    private static double max(List<Sample> s, Metric m) {
        return s.stream().mapToDouble(m::of).max().orElse(Double.NaN);
    }
}
