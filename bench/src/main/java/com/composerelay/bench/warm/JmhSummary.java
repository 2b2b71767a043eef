package com.composerelay.bench.warm;

import com.composerelay.json.Json;
import com.fasterxml.jackson.jr.stree.JrsValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Turns JMH's JSON result (and the CPU lines of {@link WarmRelayBenchmark.Cpu}) into the warm and
 * batch rows of the performance table.
 *
 * <p>Usage: {@code java -cp benchmarks.jar com.composerelay.bench.warm.JmhSummary <jmh.json> <cpu.txt> <out.md>}.
 */
public final class JmhSummary {
    private JmhSummary() {}

    public static void main(String[] args) throws IOException, Json.Malformed {
        JrsValue results = Json.parse(Files.readString(Path.of(args[0])));
        Map<String, double[]> cpu = new HashMap<>(); // benchmark -> {ops, cpu ns, wall ns}
        Path cpuFile = Path.of(args[1]);
        if (Files.exists(cpuFile)) {
            for (String line : Files.readAllLines(cpuFile)) {
                String[] p = line.split(" ");
                double[] sum = cpu.computeIfAbsent(p[0], k -> new double[3]);
                for (int i = 1; i < p.length; i++) {
                    sum[i - 1] += Double.parseDouble(p[i].substring(p[i].indexOf('=') + 1));
                }
            }
        }
        StringBuilder t = new StringBuilder();
        StringBuilder targets = new StringBuilder();
        JrsValue jvmArgsNode = results.path(0).path("jvmArgs");
        String jvmArgs = jvmArgsNode.isMissingNode() ? "" : Json.write(jvmArgsNode);
        t.append("Warm path and batch (JMH sample mode; JVM options ").append(jvmArgs).append(")\n\n");
        t.append("| benchmark | p50 | p99 | mean | samples | requests/s, one thread | process CPU per request | requests/s per core (CPU) |\n");
        t.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (JrsValue r : Json.elements(results)) {
            String name = Json.asText(r.path("benchmark"));
            String shortName = name.substring(name.lastIndexOf('.') + 1);
            JrsValue m = r.path("primaryMetric");
            String unit = Json.asText(m.path("scoreUnit")).replace("/op", "");
            double toMicros = switch (unit) {
                case "ms" -> 1000;
                case "us" -> 1;
                case "ns" -> 0.001;
                case "s" -> 1e6;
                default -> Double.NaN;
            };
            double mean = asDouble(m.path("score"));
            JrsValue pct = m.path("scorePercentiles");
            long samples = 0;
            for (JrsValue fork : Json.elements(m.path("rawDataHistogram"))) {
                for (JrsValue iteration : Json.elements(fork)) {
                    for (JrsValue bucket : Json.elements(iteration)) {
                        samples += (long) asDouble(bucket.path(1));
                    }
                }
            }
            double p99Micros = asDouble(pct.path("99.0")) * toMicros;
            if (shortName.startsWith("httpApi")) {
                targets.append(String.format(Locale.ROOT, "- warm overhead p99 < 1 ms (%s): %.3f ms: %s%n", shortName,
                        p99Micros / 1000, p99Micros < 1000 ? "met" : "MISSED"));
            } else if (shortName.startsWith("sqsBatch10")) {
                targets.append(String.format(Locale.ROOT, "- SQS batch of 10 x 200 ms < 400 ms: p99 %.0f ms (mean %.0f ms): %s%n",
                        p99Micros / 1000, mean * toMicros / 1000, p99Micros < 400_000 ? "met" : "MISSED"));
            }
            double[] c = cpu.get(name);
            String cpuPerOp = "-";
            String perCore = "-";
            if (c != null && c[0] > 0) {
                double cpuMicros = c[1] / c[0] / 1000;
                cpuPerOp = format(cpuMicros) + " us";
                perCore = String.format(Locale.ROOT, "%,.0f", 1e6 / cpuMicros);
            }
            t.append(String.format(Locale.ROOT, "| %s | %s %s | %s %s | %s %s | %d | %s | %s | %s |%n", shortName,
                    format(asDouble(pct.path("50.0"))), unit, format(asDouble(pct.path("99.0"))), unit,
                    format(mean), unit, samples, String.format(Locale.ROOT, "%,.0f", 1e6 / (mean * toMicros)), cpuPerOp, perCore));
        }
        Files.writeString(Path.of(args[2]), t);
        Files.writeString(Path.of(args[2]).resolveSibling("warm-targets.txt"), targets);
        System.out.print(t);
    }

    /** A number, or a numeric string (JMH writes "NaN" so); else 0, as databind's {@code asDouble} reads them. */
    private static double asDouble(JrsValue node) {
        Number number = Json.number(node);
        if (number != null) {
            return number.doubleValue();
        }
        try {
            return Json.isText(node) ? Double.parseDouble(Json.text(node).strip()) : 0.0;
        } catch (NumberFormatException e) {
            return 0.0;
        }
    }

    private static String format(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v)
                : v >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
