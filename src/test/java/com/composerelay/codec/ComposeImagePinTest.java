package com.composerelay.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.composerelay.codec.ComposeImagePin.LineChange;
import com.composerelay.codec.ComposeImagePin.Pinned;
import com.composerelay.core.InvalidRequest;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The corpus of src/test/resources/compose-pin: per case the compose, and either the exact expected
 * text and changed lines or the exact refusal. Each expected file was written apart from the code
 * (the old line replaced by hand); the test also checks the corpus itself (the expected text differs
 * from the input on the listed lines only) and reads both with SnakeYAML: the output is the input
 * with each named service's image, and nothing else, changed, merge keys resolved.
 */
class ComposeImagePinTest {
    static final String REPO = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop";
    static final String DIGEST = "sha256:9b2f6c1a0e4d8f7b3c5a6e1d2f4b8a7c9e0d1f2a3b4c5d6e7f8091a2b3c4d5e6";

    static Path corpus() throws URISyntaxException {
        return Path.of(ComposeImagePinTest.class.getResource("/compose-pin").toURI());
    }

    @TestFactory
    Stream<DynamicTest> corpusCases() throws Exception {
        List<Path> cases;
        try (Stream<Path> dirs = Files.list(corpus())) {
            cases = dirs.filter(Files::isDirectory).sorted().toList();
        }
        assertThat(cases).hasSizeGreaterThanOrEqualTo(40);
        return cases.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> runCase(dir)));
    }

    private static void runCase(Path dir) throws Exception {
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve("case.properties"))) {
            props.load(r);
        }
        String input = Files.readString(dir.resolve("compose.yaml"), StandardCharsets.UTF_8);
        List<String> services = Arrays.asList(props.getProperty("services").split(","));
        String repository = props.getProperty("repository");
        String digest = props.getProperty("digest");
        String error = props.getProperty("error");
        if (error != null) {
            assertThatThrownBy(() -> ComposeImagePin.pin(input, services, repository, digest))
                    .isInstanceOf(InvalidRequest.class)
                    .hasMessage(error);
            return;
        }
        String expected = Files.readString(dir.resolve("expected.yaml"), StandardCharsets.UTF_8);
        Pinned pinned = ComposeImagePin.pin(input, services, repository, digest);
        assertThat(pinned.compose()).isEqualTo(expected);

        List<String> changes = pinned.changes().stream().map(c -> c.service() + ":" + c.line()).toList();
        String listed = props.getProperty("changes", "");
        assertThat(changes).isEqualTo(listed.isEmpty() ? List.of() : List.of(listed.split(",")));

        // The corpus itself: the expected text differs from the input on exactly the listed lines.
        List<String> in = lines(input);
        List<String> out = lines(expected);
        assertThat(out).hasSameSizeAs(in);
        List<Integer> differing = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            if (!in.get(i).equals(out.get(i))) {
                differing.add(i + 1);
            }
        }
        assertThat(differing).isEqualTo(pinned.changes().stream().map(LineChange::line).toList());
        for (LineChange c : pinned.changes()) {
            assertThat(c.before()).isEqualTo(strip(in.get(c.line() - 1)));
            assertThat(c.after()).isEqualTo(strip(out.get(c.line() - 1)));
        }

        // And its meaning: each named service's effective image, and nothing else, changed.
        Map<String, Object> before = load(input);
        Map<String, Object> after = load(expected);
        @SuppressWarnings("unchecked")
        Map<String, Object> servicesBefore = (Map<String, Object>) before.get("services");
        for (String s : services) {
            @SuppressWarnings("unchecked")
            Map<String, Object> service = (Map<String, Object>) servicesBefore.get(s);
            service.put("image", repository + "@" + digest);
        }
        assertThat(after).isEqualTo(before);
    }

    /** Lines with their line ends. */
    static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int nl = text.indexOf('\n', i);
            int end = nl < 0 ? text.length() : nl + 1;
            lines.add(text.substring(i, end));
            i = end;
        }
        return lines;
    }

    private static String strip(String line) {
        return line.endsWith("\r\n") ? line.substring(0, line.length() - 2)
                : line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
    }

    /** The compose read as YAML (merge keys resolved, fresh maps each time so aliases are copies). */
    static Map<String, Object> load(String text) {
        LoaderOptions options = new LoaderOptions();
        Yaml yaml = new Yaml(new SafeConstructor(options));
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) yaml.load(text);
        // Re-read through a copy so that a shared (aliased) map is not changed for every user.
        return deepCopy(map);
    }

    @SuppressWarnings("unchecked")
    private static <T> T deepCopy(T value) {
        if (value instanceof Map<?, ?> m) {
            Map<Object, Object> copy = new java.util.LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(k, deepCopy(v)));
            return (T) copy;
        }
        if (value instanceof List<?> l) {
            return (T) l.stream().map(ComposeImagePinTest::deepCopy).toList();
        }
        return value;
    }

    @Test
    void theDiffShowsTheLineBeforeAndAfter() throws Exception {
        Pinned pinned = ComposeImagePin.pin("services:\n  web:\n    image: " + REPO + ":v1 # ci\n",
                List.of("web"), REPO, DIGEST);
        assertThat(pinned.changes()).singleElement().extracting(LineChange::diff).isEqualTo(
                "-3:     image: " + REPO + ":v1 # ci\n+3:     image: " + REPO + "@" + DIGEST + " # ci");
    }

    @Test
    void theNameOfAnImageDropsTagAndDigestButNotAPort() {
        assertThat(ComposeImagePin.nameOf("host:5000/a/b:1.0@sha256:ab")).isEqualTo("host:5000/a/b");
        assertThat(ComposeImagePin.nameOf("host:5000/a/b")).isEqualTo("host:5000/a/b");
        assertThat(ComposeImagePin.nameOf("b@sha256:ab")).isEqualTo("b");
        assertThat(ComposeImagePin.nameOf("b:latest")).isEqualTo("b");
    }

    @Test
    void badArgumentsAreRefusedByField() {
        String compose = "services:\n  web:\n    image: " + REPO + ":v1\n";
        assertThatThrownBy(() -> ComposeImagePin.pin(compose, List.of("web"), REPO, "sha256:ABC"))
                .hasMessage("digest: not sha256: and 64 lower-case hex digits: \"sha256:ABC\"");
        assertThatThrownBy(() -> ComposeImagePin.pin(compose, List.of("web"), "shop", DIGEST))
                .hasMessage("repository: not a registry host and repository: \"shop\"");
        assertThatThrownBy(() -> ComposeImagePin.pin(compose, List.of(), REPO, DIGEST))
                .hasMessage("service: no service named");
        assertThatThrownBy(() -> ComposeImagePin.pin(compose, List.of("we b"), REPO, DIGEST))
                .hasMessage("service: not a compose service name: \"we b\"");
        assertThatThrownBy(() -> ComposeImagePin.pin("", List.of("web"), REPO, DIGEST))
                .hasMessage("compose: empty");
        assertThatThrownBy(() -> ComposeImagePin.pin(compose + "#".repeat(200_000), List.of("web"), REPO, DIGEST))
                .hasMessage("compose: longer than 200000 characters");
        assertThatThrownBy(() -> ComposeImagePin.pin("services:\r  web:\n", List.of("web"), REPO, DIGEST))
                .hasMessage("compose: line 1 has a bare carriage return");
    }

    @Test
    void theCorpusHoldsEveryShapeTheIssueNames() throws Exception {
        try (Stream<Path> dirs = Files.list(corpus())) {
            List<String> names = dirs.map(p -> p.getFileName().toString()).toList();
            assertThat(names).contains("anchors-merge-keys", "comments-and-blanks", "double-quoted", "plain-tag",
                    "single-quoted-comment", "x-extension-images", "registry-with-port", "digest-present", "crlf");
        }
        assertThat(Files.readString(corpus().resolve("crlf/expected.yaml"))).contains("\r\n").doesNotContain("\n\n");
    }
}
