package com.composerelay.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs Phala's own, unmodified clients (the Python SDK phala-cloud 0.1.3 and 0.2.0, the npm CLI phala 1.1.18 and
 * the JS SDK @phala/cloud 0.2.9 under Node, all pinned by scripts/phala-clients.sh) against one base URL with one key, the way a user of the relay would:
 * {@code PHALA_CLOUD_API_PREFIX} and {@code PHALA_CLOUD_API_KEY}. Each run gets an empty environment but for
 * those, {@code PATH}, a throw-away {@code HOME} and the switches that keep the CLI off the network (its
 * update notice, the only other host it contacts on these paths, is the npm registry).
 */
public final class PhalaClients {
    private static final String SCRIPT = "scripts/phala-clients.sh";
    private static final Path PROVISION_COMMIT = Path.of("src/test/resources/phala-clients/provision_commit.py");
    private static final Path STATUS_BATCH = Path.of("src/test/resources/phala-clients/status_batch.py");
    private static final Path JS_SDK = Path.of("src/test/resources/phala-clients/js_sdk.mjs");

    private final Installed installed;
    private final URI baseUrl;
    private final String apiKey;
    private final Path home;
    private final Duration timeout;

    private PhalaClients(Installed installed, URI baseUrl, String apiKey, Path home, Duration timeout) {
        this.installed = installed;
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.home = home;
        this.timeout = timeout;
    }

    /**
     * The clients as {@code -Dphala.python}, {@code -Dphala.cli}, {@code -Dphala.python020} and {@code -Dphala.js}
     * name them (./run-tests.sh passes all four), else as scripts/phala-clients.sh installs them (when any is not
     * given); fails, does not skip, when neither works.
     */
    public static Installed installed() {
        String python = System.getProperty("phala.python", "");
        String cli = System.getProperty("phala.cli", "");
        String python020 = System.getProperty("phala.python020", "");
        String js = System.getProperty("phala.js", "");
        Installed found = python.isBlank() || cli.isBlank() || python020.isBlank() || js.isBlank() ? installedByScript()
                : new Installed(Path.of(python), Path.of(cli), Path.of(python020), Path.of(js));
        for (Path tool : List.of(found.python(), found.cli(), found.python020())) {
            if (!Files.isExecutable(tool)) {
                throw new IllegalStateException("no Phala client at " + tool + " (-Dphala.python / -Dphala.cli /"
                        + " -Dphala.python020, or what " + SCRIPT + " printed)");
            }
        }
        if (!Files.isRegularFile(found.js().resolve("dist/index.mjs"))) {
            throw new IllegalStateException("no JS SDK at " + found.js() + " (no dist/index.mjs; -Dphala.js, or the phala_js= "
                    + SCRIPT + " printed)");
        }
        return found;
    }

    /** Clients talking to {@code baseUrl} (it ends in {@code /api/v1}) with {@code apiKey}, their HOME {@code home}. */
    public static PhalaClients against(Installed installed, URI baseUrl, String apiKey, Path home, Duration timeout) {
        if (!"127.0.0.1".equals(baseUrl.getHost())) {
            throw new IllegalArgumentException("the clients talk to loopback only, not " + baseUrl);
        }
        return new PhalaClients(installed, baseUrl, apiKey, home, timeout);
    }

    /**
     * {@code provision_cvm_compose_file_update} then {@code commit_cvm_compose_file_update} of the Python SDK,
     * through src/test/resources/phala-clients/provision_commit.py: stdout is one JSON document.
     */
    public Run pythonProvisionAndCommit(String cvmId, String composeYaml, PythonOptions options) {
        return provisionAndCommit(installed.python(), cvmId, composeYaml, options);
    }

    /** The same flow as {@link #pythonProvisionAndCommit} with the Python SDK 0.2.0 (the same script, its own venv). */
    public Run python020ProvisionAndCommit(String cvmId, String composeYaml, PythonOptions options) {
        return provisionAndCommit(installed.python020(), cvmId, composeYaml, options);
    }

    /**
     * {@code get_cvm_status_batch({"vm_uuids": [...]})} of the Python SDK 0.2.0, through
     * src/test/resources/phala-clients/status_batch.py: stdout {@code {"status_batch": {vm_uuid: status}}} or
     * {@code {"step", "error"}}.
     */
    public Run python020StatusBatch(String... vmUuids) {
        List<String> command = new ArrayList<>(List.of(installed.python020().toString(), STATUS_BATCH.toAbsolutePath().toString()));
        command.addAll(List.of(vmUuids));
        return run(command);
    }

    /** The JS SDK's {@code getCvmStatusBatch(client, {vmUuids})}: stdout {@code {"status_batch": {...}}} or {@code {"step", "error"}}. */
    public Run jsStatusBatch(String... vmUuids) {
        List<String> command = new ArrayList<>(jsCommand("status-batch"));
        command.addAll(List.of(vmUuids));
        return run(command);
    }

    /**
     * The JS SDK's {@code provisionCvmComposeFileUpdate(client, {id, app_compose: {docker_compose_file}})} then
     * {@code commitCvmComposeFileUpdate(client, {id, compose_hash})}: stdout {@code {"provision", "commit"}}.
     */
    public Run jsProvisionAndCommit(String cvmId, String composeYaml) {
        Path compose = writeInHome("docker-compose.yml", composeYaml);
        List<String> command = new ArrayList<>(jsCommand("provision-commit"));
        command.addAll(List.of(cvmId, compose.toString()));
        return run(command);
    }

    /**
     * The JS SDK's {@code watchCvmState(client, {id, target[, maxRetries]}, {onEvent})}: stdout
     * {@code {"watch": <result>, "events": [{type, data}...]}}, or {@code {"step", "error", "events"}}.
     *
     * @param maxRetries null for the SDK's default (unlimited)
     */
    public Run jsWatchState(String cvmId, String target, Integer maxRetries) {
        List<String> command = new ArrayList<>(jsCommand("watch"));
        command.addAll(List.of(cvmId, target));
        if (maxRetries != null) {
            command.add(String.valueOf(maxRetries));
        }
        return run(command);
    }

    private List<String> jsCommand(String action) {
        return List.of("node", JS_SDK.toAbsolutePath().toString(), installed.js().toAbsolutePath().toString(), action);
    }

    private Run provisionAndCommit(Path python, String cvmId, String composeYaml, PythonOptions options) {
        Path compose = writeInHome("docker-compose.yml", composeYaml);
        List<String> command = new ArrayList<>(List.of(python.toString(), PROVISION_COMMIT.toAbsolutePath().toString(),
                cvmId, compose.toString()));
        if (options.name() != null) {
            command.addAll(List.of("--name", options.name()));
        }
        options.allowedEnvs().forEach(key -> command.addAll(List.of("--allowed-env", key)));
        if (options.updateEnvVars()) {
            command.add("--update-env-vars");
        }
        if (options.encryptedEnv() != null) {
            command.addAll(List.of("--encrypted-env", options.encryptedEnv()));
        }
        options.envKeys().forEach(key -> command.addAll(List.of("--env-key", key)));
        return run(command);
    }

    /** {@code phala deploy --cvm-id <id> -c <file>} and {@code extraArgs} (such as {@code -e KEY=VALUE}). */
    public Run cliDeploy(String cvmId, Path composeFile, String... extraArgs) {
        List<String> command = new ArrayList<>(List.of(installed.cli().toString(), "deploy", "--cvm-id", cvmId,
                "-c", composeFile.toString()));
        command.addAll(List.of(extraArgs));
        return run(command);
    }

    /** {@code phala api -X PATCH /cvms/<id>/compose_file -F compose_hash=<hash>}: the CLI's raw request. */
    public Run cliApiPatch(String cvmId, String composeHash) {
        return run(List.of(installed.cli().toString(), "api", "-X", "PATCH", "/cvms/" + cvmId + "/compose_file",
                "-F", "compose_hash=" + composeHash));
    }

    /** The throw-away HOME the clients run with (and their working directory). */
    public Path home() {
        return home;
    }

    private Run run(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
        Map<String, String> env = builder.environment();
        env.clear();
        env.putAll(environment());
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            CompletableFuture<String> stdout = readAll(process.getInputStream());
            CompletableFuture<String> stderr = readAll(process.getErrorStream());
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError(command + " did not finish within " + timeout + "; stdout: " + stdout.getNow("")
                        + " stderr: " + stderr.getNow(""));
            }
            return new Run(process.exitValue(), stdout.join(), stderr.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Map<String, String> environment() {
        return Map.ofEntries(
                // node for the CLI's `#!/usr/bin/env node`; nothing else of the caller's environment
                Map.entry("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin")),
                Map.entry("HOME", home.toString()),
                Map.entry("PHALA_CLOUD_DIR", home.resolve(".phala-cloud").toString()),
                Map.entry("PHALA_CLOUD_API_PREFIX", baseUrl.toString()),
                Map.entry("PHALA_CLOUD_API_KEY", apiKey),
                // the CLI's update notice (a GET of registry.npmjs.org/phala); it also stays quiet without a TTY
                Map.entry("PHALA_DISABLE_UPDATE_CHECK", "1"),
                Map.entry("CI", "1"),
                Map.entry("NO_COLOR", "1"),
                Map.entry("LANG", "C.UTF-8"),
                Map.entry("PYTHONIOENCODING", "utf-8"),
                Map.entry("PYTHONNOUSERSITE", "1"),
                Map.entry("PYTHONDONTWRITEBYTECODE", "1"),
                // belt and braces: no proxy is set, and none may be used for loopback
                Map.entry("NO_PROXY", "127.0.0.1,localhost"));
    }

    private Path writeInHome(String name, String text) {
        try {
            return Files.writeString(home.resolve(name), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static CompletableFuture<String> readAll(java.io.InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static Installed installedByScript() {
        try {
            Process process = new ProcessBuilder(SCRIPT).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            process.getOutputStream().close();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(600, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(SCRIPT + " failed (its output is above): it needs python3 (3.10+) with venv and"
                        + " pip able to install phala-cloud 0.1.3 and 0.2.0, and Node 18+ with npm able to install phala@1.1.18"
                        + " and @phala/cloud@0.2.9; or pass -Dphala.python=... -Dphala.cli=... -Dphala.python020=... -Dphala.js=...");
            }
            return new Installed(Path.of(line(out, "python=")), Path.of(line(out, "phala=")), Path.of(line(out, "python020=")),
                    Path.of(line(out, "phala_js=")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String line(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).findFirst()
                .orElseThrow(() -> new IllegalStateException(SCRIPT + " printed no " + prefix + " line: " + out));
    }

    /**
     * Where the clients are: the venv's python with phala-cloud 0.1.3, the CLI's {@code phala} bin, the venv's python
     * with phala-cloud 0.2.0, and the JS SDK's package directory (run with {@code node} from {@code PATH}).
     */
    public record Installed(Path python, Path cli, Path python020, Path js) {}

    /** What a client run ended with. */
    public record Run(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    /** The optional fields the Python flow passes: app compose {@code name}, {@code allowed_envs}, and the commit's env. */
    public record PythonOptions(String name, List<String> allowedEnvs, boolean updateEnvVars, String encryptedEnv,
            List<String> envKeys) {
        public static final PythonOptions NONE = new PythonOptions(null, List.of(), false, null, List.of());
    }
}
