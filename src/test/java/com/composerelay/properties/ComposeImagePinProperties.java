package com.composerelay.properties;

import static org.assertj.core.api.Assertions.assertThat;

import com.composerelay.codec.ComposeImagePin;
import com.composerelay.codec.ComposeImagePin.LineChange;
import com.composerelay.codec.ComposeImagePin.Pinned;
import com.composerelay.core.InvalidRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Pinning one service of any generated compose file (1 to 8 services, two or four spaces, LF or
 * CRLF, quoted or plain images with tags, digests or trailing comments, decoy {@code image:} keys in
 * x- extensions, labels and block scalars) changes exactly one line, the image's value on it, and
 * every other byte stays; read as YAML, the output is the input with that one image changed. And a
 * compose with one character changed anywhere is pinned that way or refused by field, nothing else.
 */
@AddLifecycleHook(TriesOfThisRun.class)
class ComposeImagePinProperties {
    static final String REPO = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop";
    static final String DIGEST = "sha256:" + "c0ffee00".repeat(8);
    static final String PINNED = REPO + "@" + DIGEST;

    record Service(String name, List<String> before, String image, String quote, String comment, List<String> after) {}

    record Compose(String text, String target, int imageLine, String oldValue) {}

    @Property(tries = 300)
    void pinningOneServiceChangesExactlyItsImageLine(@ForAll("composes") Compose compose) throws Exception {
        Pinned pinned = ComposeImagePin.pin(compose.text(), List.of(compose.target()), REPO, DIGEST);
        String in = compose.text();
        String out = pinned.compose();
        List<String> inLines = lines(in);
        List<String> outLines = lines(out);
        assertThat(outLines).hasSameSizeAs(inLines);
        if (compose.oldValue().equals(PINNED)) {
            assertThat(out).isEqualTo(in);
            assertThat(pinned.changes()).isEmpty();
            return;
        }
        assertThat(pinned.changes()).singleElement().satisfies(c -> {
            assertThat(c.service()).isEqualTo(compose.target());
            assertThat(c.line()).isEqualTo(compose.imageLine());
        });
        LineChange change = pinned.changes().get(0);
        for (int i = 0; i < inLines.size(); i++) {
            if (i + 1 != change.line()) {
                assertThat(outLines.get(i)).isEqualTo(inLines.get(i));
            }
        }
        String before = inLines.get(change.line() - 1);
        String after = outLines.get(change.line() - 1);
        int at = before.indexOf(compose.oldValue());
        assertThat(after).isEqualTo(before.substring(0, at) + PINNED + before.substring(at + compose.oldValue().length()));
        assertThat(out.length() - in.length()).isEqualTo(PINNED.length() - compose.oldValue().length());

        Map<String, Object> expected = load(in);
        serviceOf(expected, compose.target()).put("image", PINNED);
        assertThat(load(out)).isEqualTo(expected);
    }

    @Property(tries = 300)
    void aComposeWithOneCharacterChangedIsPinnedFaithfullyOrRefused(@ForAll("composes") Compose compose,
            @ForAll @IntRange(min = 0, max = 100_000) int where, @ForAll("characters") char c) {
        String text = compose.text();
        int i = where % text.length();
        String mutated = text.substring(0, i) + c + text.substring(i + 1);
        Pinned pinned;
        try {
            pinned = ComposeImagePin.pin(mutated, List.of(compose.target()), REPO, DIGEST);
        } catch (InvalidRequest refused) {
            assertThat(refused.field()).matches("compose|service|services(\\.[^.]+(\\.image)?)?");
            return;
        }
        Map<String, Object> before;
        try {
            before = load(mutated);
        } catch (RuntimeException notYaml) {
            return; // not YAML any more (SnakeYAML says so); the relay's answer does not matter here
        }
        if (before == null || !(before.get("services") instanceof Map<?, ?>)
                || !(((Map<?, ?>) before.get("services")).get(compose.target()) instanceof Map<?, ?>)) {
            return;
        }
        serviceOf(before, compose.target()).put("image", PINNED);
        assertThat(load(pinned.compose())).isEqualTo(before);
        assertThat(pinned.changes()).hasSizeLessThanOrEqualTo(1);
    }

    @Provide
    Arbitrary<Character> characters() {
        return Arbitraries.of(' ', '\n', '#', ':', '-', '"', '\'', '&', '*', '<', '{', '[', 'x', '|', '\t', '\r', '/', '@');
    }

    @Provide
    Arbitrary<Compose> composes() {
        Arbitrary<List<Service>> services = service().list().ofMinSize(1).ofMaxSize(8)
                .uniqueElements(Service::name);
        return Combinators.combine(services, Arbitraries.of(2, 4), Arbitraries.of("\n", "\r\n"),
                Arbitraries.of(true, false), Arbitraries.integers().between(0, 7))
                .as(ComposeImagePinProperties::render)
                .filter(c -> c != null);
    }

    private static Arbitrary<Service> service() {
        Arbitrary<String> name = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(6)
                .filter(s -> !List.of("yes", "no", "on", "off", "true", "false", "null").contains(s));
        Arbitrary<String> property = Arbitraries.of(
                "restart: always",
                "ports:\n- \"8080:8080\"",
                "environment:\n  IMAGE: other:v1\n  LOG_LEVEL: info",
                "labels:\n  image: " + REPO + ":decoy",
                "command: |\n  echo image: x\n  exec serve",
                "# image: " + REPO + ":commented",
                "",
                "healthcheck:\n  test: [\"CMD\", \"true\"]");
        Arbitrary<String> image = Arbitraries.of(
                REPO + ":v1", REPO + "@sha256:" + "ab".repeat(32), REPO + ":v2@sha256:" + "12".repeat(32), REPO,
                PINNED, "123456789012.DKR.ECR.eu-west-1.amazonaws.com/shop:latest", REPO + ":${TAG:-v1}");
        return Combinators.combine(name, property.list().ofMaxSize(3), image, Arbitraries.of("", "'", "\""),
                Arbitraries.of("", " # pinned", "   #x", "\t# tab"), property.list().ofMaxSize(3))
                .as(Service::new);
    }

    /** The compose text, the target being service number {@code pick} modulo their count. */
    private static Compose render(List<Service> services, int indent, String nl, boolean header, int pick) {
        String one = " ".repeat(indent);
        StringBuilder text = new StringBuilder();
        List<String> lines = new ArrayList<>();
        if (header) {
            lines.add("---");
            lines.add("# generated");
            lines.add("x-defaults: &defaults");
            lines.add(one + "image: " + REPO + ":x-extension");
            lines.add("");
        }
        lines.add("services:");
        Service target = services.get(pick % services.size());
        int imageLine = -1;
        for (Service s : services) {
            lines.add(one + s.name() + ":");
            List<String> used = new ArrayList<>();
            for (String p : s.before()) {
                addProperty(lines, one + one, p, used);
            }
            String q = s.quote();
            // SnakeYAML takes no tab between a quoted scalar and its comment (YAML 1.2 would)
            String comment = q.isEmpty() || !s.comment().startsWith("\t") ? s.comment() : " # pinned";
            lines.add(one + one + "image: " + q + s.image() + q + comment);
            if (s == target) {
                imageLine = lines.size();
            }
            for (String p : s.after()) {
                addProperty(lines, one + one, p, used);
            }
        }
        lines.add("volumes:");
        lines.add(one + "data: {}");
        for (String l : lines) {
            text.append(l).append(nl);
        }
        return new Compose(text.toString(), target.name(), imageLine, target.image());
    }

    private static void addProperty(List<String> lines, String indent, String property, List<String> used) {
        if (!property.isEmpty() && !property.startsWith("#")) {
            if (used.contains(property)) {
                return;
            }
            used.add(property);
        }
        for (String l : property.split("\n", -1)) {
            lines.add(l.isEmpty() ? "" : indent + l);
        }
    }

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

    @SuppressWarnings("unchecked")
    private static Map<String, Object> serviceOf(Map<String, Object> compose, String name) {
        return (Map<String, Object>) ((Map<String, Object>) compose.get("services")).get(name);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> load(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false); // a mutation that duplicates a key: not YAML to compare, and no warning
        Object value = new Yaml(new SafeConstructor(options)).load(text);
        return value instanceof Map<?, ?> ? (Map<String, Object>) copy(value) : null;
    }

    private static Object copy(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k, copy(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            return l.stream().map(ComposeImagePinProperties::copy).toList();
        }
        return value;
    }
}
