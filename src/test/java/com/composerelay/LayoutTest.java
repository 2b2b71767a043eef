package com.composerelay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages follow the flow: triggers and adapters point into the core, the core points nowhere,
 * and no two packages reach each other. Read from the compiled classes (every class a class file
 * names: fields, signatures, calls, lambdas), so nothing an import list hides escapes it.
 */
class LayoutTest {
    /** Each package and the relay packages it may use; {@code (root)} is {@code com.composerelay}. */
    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("core", Set.of()),
            Map.entry("json", Set.of()),
            Map.entry("net", Set.of()),
            Map.entry("webhook", Set.of("core")),
            Map.entry("log", Set.of("core", "json")),
            Map.entry("config", Set.of("log")),
            Map.entry("codec", Set.of("core", "json")),
            Map.entry("crypto", Set.of("core", "json")),
            Map.entry("metrics", Set.of("core", "json", "log")),
            Map.entry("phala", Set.of("core", "codec", "json", "net")),
            Map.entry("slack", Set.of("core", "codec", "json", "log", "net")),
            Map.entry("aws", Set.of("core", "codec", "json", "log", "config", "net")),
            Map.entry("trigger", Set.of("core", "codec", "json", "log", "webhook")),
            Map.entry("startup", Set.of("core", "json", "log", "trigger", "aws")),
            Map.entry("wiring", Set.of("core", "codec", "json", "log", "config", "net", "metrics", "phala", "slack",
                    "aws", "trigger", "startup", "webhook", "crypto")),
            Map.entry("(root)", Set.of("core", "json", "config", "trigger", "startup", "wiring")));

    private static final Pattern DESCRIPTOR = Pattern.compile("Lcom/composerelay/[\\w/$]+;");

    /** Package, the packages it uses, and for each such arrow one class that makes it. */
    record Arrow(String from, String to, String byClass) {}

    static List<Arrow> arrows(Path classes) throws IOException {
        List<Arrow> arrows = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                ClassModel model = ClassFile.of().parse(file);
                String self = model.thisClass().asInternalName();
                Set<String> used = new TreeSet<>();
                for (PoolEntry entry : model.constantPool()) {
                    if (entry instanceof ClassEntry c && c.asInternalName().startsWith("com/composerelay/")) {
                        used.add(c.asInternalName());
                    } else if (entry instanceof Utf8Entry u) {
                        Matcher m = DESCRIPTOR.matcher(u.stringValue());
                        while (m.find()) {
                            used.add(m.group().substring(1, m.group().length() - 1));
                        }
                    }
                }
                for (String other : used) {
                    if (!packageOf(other).equals(packageOf(self))) {
                        arrows.add(new Arrow(packageOf(self), packageOf(other), self.replace('/', '.')));
                    }
                }
            }
        }
        return arrows;
    }

    static String packageOf(String internalName) {
        String pkg = internalName.substring(0, internalName.lastIndexOf('/')).replace('/', '.');
        return pkg.equals("com.composerelay") ? "(root)" : pkg.substring("com.composerelay.".length());
    }

    /** The packages of every cycle in the graph, each cycle as the path that closes it. */
    static List<List<String>> cycles(Map<String, Set<String>> graph) {
        List<List<String>> found = new ArrayList<>();
        for (String start : graph.keySet()) {
            walk(graph, start, new ArrayList<>(List.of(start)), found);
        }
        return found;
    }

    private static void walk(Map<String, Set<String>> graph, String at, List<String> path, List<List<String>> found) {
        for (String next : graph.getOrDefault(at, Set.of())) {
            if (next.equals(path.getFirst())) {
                List<String> cycle = new ArrayList<>(path);
                cycle.add(next);
                found.add(cycle);
            } else if (!path.contains(next) && next.compareTo(path.getFirst()) > 0) {
                path.add(next);
                walk(graph, next, path, found);
                path.removeLast();
            }
        }
    }

    private static Map<String, Set<String>> graph(List<Arrow> arrows) {
        Map<String, Set<String>> graph = new TreeMap<>();
        arrows.forEach(a -> graph.computeIfAbsent(a.from(), k -> new TreeSet<>()).add(a.to()));
        return graph;
    }

    @Test
    void everyArrowPointsTheAllowedWayAndNoPackagesFormACycle() throws IOException {
        List<Arrow> arrows = arrows(Path.of("target/classes"));
        Set<String> packages = new TreeSet<>();
        arrows.forEach(a -> packages.add(a.from()));

        assertThat(ALLOWED.keySet()).as("every package has its place in the layout").containsAll(packages);
        List<String> wrongWay = arrows.stream()
                .filter(a -> !ALLOWED.get(a.from()).contains(a.to()))
                .map(a -> a.from() + " -> " + a.to() + " (" + a.byClass() + ")")
                .distinct().toList();
        assertThat(wrongWay).as("arrows the layout does not allow").isEmpty();
        assertThat(cycles(graph(arrows))).as("package cycles").isEmpty();
        assertThat(cycles(ALLOWED.entrySet().stream().collect(java.util.stream.Collectors.toMap(
                Map.Entry::getKey, Map.Entry::getValue)))).as("the allowed layout itself has no cycle").isEmpty();
    }

    @Test
    void theCoreKnowsNothingOfAwsLambdaOrJson() throws IOException {
        List<String> outside = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("target/classes/com/composerelay/core"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                for (PoolEntry entry : ClassFile.of().parse(file).constantPool()) {
                    if (entry instanceof ClassEntry c && !c.asInternalName().startsWith("java/")
                            && !c.asInternalName().startsWith("com/composerelay/core/")
                            && !c.asInternalName().startsWith("[")) {
                        outside.add(file.getFileName() + " -> " + c.asInternalName());
                    }
                }
            }
        }
        assertThat(outside).isEmpty();
    }

    /** The adapters and what assembles them: a trigger translates, it never calls AWS, Phala or Slack itself. */
    static final Set<String> ADAPTERS = Set.of("aws", "phala", "slack", "metrics", "crypto", "net", "config", "startup",
            "wiring");

    @Test
    void triggersReachNoAdapter() throws IOException {
        List<String> reached = arrows(Path.of("target/classes")).stream()
                .filter(a -> a.from().equals("trigger") && ADAPTERS.contains(a.to()))
                .map(a -> a.byClass() + " -> " + a.to()).distinct().toList();
        assertThat(reached).isEmpty();
    }

    /** A trigger is a class of the trigger package named {@code …Trigger} (with its nested classes). */
    private static String triggerOf(String internalName) {
        if (!internalName.startsWith("com/composerelay/trigger/")) {
            return null;
        }
        String outer = internalName.substring("com/composerelay/trigger/".length()).split("\\$")[0];
        return outer.endsWith("Trigger") ? outer : null;
    }

    @Test
    void noTriggerReachesAnother() throws IOException {
        List<String> reached = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("target/classes/com/composerelay/trigger"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                ClassModel model = ClassFile.of().parse(file);
                String self = triggerOf(model.thisClass().asInternalName());
                if (self == null) {
                    continue;
                }
                for (PoolEntry entry : model.constantPool()) {
                    if (entry instanceof ClassEntry c && triggerOf(c.asInternalName()) != null
                            && !triggerOf(c.asInternalName()).equals(self)) {
                        reached.add(self + " -> " + triggerOf(c.asInternalName()));
                    }
                }
            }
        }
        assertThat(reached).as("triggers that use another trigger").isEmpty();
        assertThat(triggerOf("com/composerelay/trigger/SqsTrigger$Inner")).isEqualTo("SqsTrigger");
        assertThat(triggerOf("com/composerelay/trigger/Dispatcher")).isNull();
    }

    @Test
    void findsACycleAndNamesItsPackages() {
        Map<String, Set<String>> graph = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
        assertThat(cycles(graph)).containsExactly(List.of("a", "b", "c", "a"));
        assertThat(cycles(Map.of("a", Set.of("b"), "b", Set.of()))).isEmpty();
    }
}
