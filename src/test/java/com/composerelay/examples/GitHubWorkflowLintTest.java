package com.composerelay.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.support.Tags;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GitHub Actions examples (examples/github-actions/*.yml) stay valid: actionlint (pinned by
 * scripts/actionlint.sh) finds nothing in them, ShellCheck included over every {@code run:} script, and it
 * does find what is broken in a copy, so this test can fail. The linter comes from {@code -Dactionlint.path}
 * and its ShellCheck from {@code -Dactionlint.shellcheck} (./run-tests.sh passes both), else from running the
 * script; the lint tests fail, they do not skip, when neither works.
 */
class GitHubWorkflowLintTest {
    private static final Path EXAMPLES = Path.of("examples/github-actions");
    private static final Path DEPLOY = EXAMPLES.resolve("deploy.yml");
    private static final String SCRIPT = "scripts/actionlint.sh";

    @Test
    @Tag(Tags.GO)
    @Tag(Tags.PYTHON)
    void theExampleWorkflowsLintClean() throws Exception {
        List<Path> workflows = workflows();
        assertThat(workflows).contains(DEPLOY);

        Linted linted = lint(workflows);

        assertThat(linted.output()).as("actionlint's report on %s", workflows).isEmpty();
        assertThat(linted.exitCode()).as("actionlint's exit status").isZero();
    }

    @Test
    @Tag(Tags.GO)
    @Tag(Tags.PYTHON)
    void aWorkflowWithAnUnknownPropertyFailsTheLint(@TempDir Path dir) throws Exception {
        Path broken = brokenCopy(dir, "${{ github.run_attempt }}", "${{ github.run_attemp }}");

        Linted linted = lint(List.of(broken));

        assertThat(linted.exitCode()).as("actionlint's exit status on %s", broken).isEqualTo(1);
        assertThat(linted.output()).contains("run_attemp").contains("[expression]");
    }

    @Test
    @Tag(Tags.GO)
    @Tag(Tags.PYTHON)
    void aRunScriptShellCheckFlagsFailsTheLint(@TempDir Path dir) throws Exception {
        Path broken = brokenCopy(dir, "sleep \"$POLL_SECONDS\"", "sleep $POLL_SECONDS");

        Linted linted = lint(List.of(broken));

        assertThat(linted.exitCode()).as("actionlint's exit status on %s", broken).isEqualTo(1);
        assertThat(linted.output()).contains("SC2086").contains("[shellcheck]");
    }

    /** Every action is pinned by its full commit, never a tag or branch that can move (the JDK alone). */
    @Test
    void everyActionIsPinnedByCommit() throws Exception {
        Pattern uses = Pattern.compile("(?m)^\\s*(?:-\\s*)?uses:\\s*(\\S+)");
        for (Path workflow : workflows()) {
            Matcher m = uses.matcher(Files.readString(workflow));
            int found = 0;
            while (m.find()) {
                found++;
                assertThat(m.group(1)).as("%s: uses", workflow).matches("[\\w.-]+/[\\w./-]+@[0-9a-f]{40}");
            }
            assertThat(found).as("actions used in %s", workflow).isPositive();
        }
    }

    private static List<Path> workflows() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    private static Path brokenCopy(Path dir, String from, String to) throws IOException {
        String text = Files.readString(DEPLOY);
        assertThat(text).as("the line this copy breaks").contains(from);
        Path copy = dir.resolve("deploy.yml");
        Files.writeString(copy, text.replace(from, to));
        return copy;
    }

    record Linted(int exitCode, String output) {}

    /** actionlint over {@code files}: no colours, the pinned ShellCheck, no pyflakes (the examples run no Python). */
    private static Linted lint(List<Path> files) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(tool("actionlint.path", "path"), "-no-color",
                "-shellcheck=" + tool("actionlint.shellcheck", "shellcheck"), "-pyflakes="));
        files.forEach(f -> command.add(f.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
            try {
                return process.getInputStream().readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("actionlint did not finish in 120 s: " + command);
        }
        return new Linted(process.exitValue(), new String(out.join(), StandardCharsets.UTF_8));
    }

    /** The path in {@code property}, else what {@code scripts/actionlint.sh subcommand} prints (it installs once). */
    private static String tool(String property, String subcommand) throws IOException, InterruptedException {
        String configured = System.getProperty(property, "");
        String path = configured.isBlank() ? installedByScript(subcommand) : configured;
        if (!Files.isExecutable(Path.of(path))) {
            throw new IllegalStateException("no executable at " + path + " (-D" + property + ", or what " + SCRIPT + " "
                    + subcommand + " printed)");
        }
        return path;
    }

    private static String installedByScript(String subcommand) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(SCRIPT, subcommand).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!process.waitFor(600, TimeUnit.SECONDS) || process.exitValue() != 0 || out.isEmpty()) {
            throw new IllegalStateException(SCRIPT + " " + subcommand + " failed (its output is above): actionlint needs"
                    + " Go and its module proxy, its ShellCheck python3 and pip; or pass -Dactionlint.path and"
                    + " -Dactionlint.shellcheck");
        }
        return out.lines().reduce((first, last) -> last).orElseThrow();
    }
}
