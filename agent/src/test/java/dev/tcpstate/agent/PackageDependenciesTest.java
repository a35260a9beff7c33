package dev.tcpstate.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The agent's packages depend on each other only as ARCHITECTURE.md's table "Which package may use
 * which" says, and never in a cycle: jdeps reads the compiled classes (the JDK 22 ones under
 * {@code META-INF/versions} too), and the table is read from the document itself, so the two cannot
 * drift apart.
 */
class PackageDependenciesTest {
    private static final String ROOT = "dev.tcpstate.agent";
    /** The recording's vocabulary: every package may use it. */
    private static final String CONTRACT = "dev.tcpstate.contract";
    private static final Path ARCHITECTURE = Path.of("..", "ARCHITECTURE.md");
    private static final String TABLE_HEADING = "### Agent packages";
    private static final Path CLASSES = Path.of("target", "classes");
    /** {@code dev.tcpstate.agent.kernel.KernelSampler -> dev.tcpstate.contract.Durations  not found} */
    private static final Pattern EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s.*$");

    @Test
    void everyDependencyBetweenPackagesIsOneTheArchitectureAllows() throws IOException {
        Map<String, Set<String>> allowed = allowed();
        Map<String, Set<String>> denied = new TreeMap<>();
        jdepsClassEdges().forEach((from, targets) -> targets.forEach(to -> {
            String fromPackage = packageOf(from);
            String toPackage = packageOf(to);
            if (isOurs(toPackage) && !toPackage.equals(fromPackage) && !toPackage.equals(CONTRACT)
                    && !allowed.getOrDefault(fromPackage, Set.of()).contains(toPackage)) {
                denied.computeIfAbsent(fromPackage + " -> " + toPackage, k -> new TreeSet<>()).add(from + " -> " + to);
            }
        }));
        assertTrue(denied.isEmpty(), "dependencies ARCHITECTURE.md's table does not allow (add the row only if"
                + " the path of an observation stays one-way):\n" + lines(denied));
    }

    @Test
    void noPackageDependsOnItselfThroughOthers() throws IOException {
        List<String> cycle = cycle(packageEdges(jdepsClassEdges()));
        assertTrue(cycle.isEmpty(), "a package cycle: " + String.join(" -> ", cycle));
    }

    @Test
    void theTableAllowsNoCycleAndNamesEveryPackageThatExists() throws IOException {
        Map<String, Set<String>> allowed = allowed();
        List<String> cycle = cycle(allowed);
        assertTrue(cycle.isEmpty(), "ARCHITECTURE.md allows a cycle: " + String.join(" -> ", cycle));
        Set<String> compiled = new TreeSet<>();
        jdepsClassEdges().keySet().forEach(c -> compiled.add(packageOf(c)));
        Set<String> allNamed = new TreeSet<>(allowed.keySet());
        allowed.values().forEach(allNamed::addAll);
        assertEquals(compiled, allNamed, "ARCHITECTURE.md's table and the compiled packages");
    }

    /** ARCHITECTURE.md's {@code | package | may depend on |} table under {@link #TABLE_HEADING}. */
    private static Map<String, Set<String>> allowed() throws IOException {
        List<String> doc = Files.readAllLines(ARCHITECTURE);
        int at = doc.indexOf(TABLE_HEADING);
        assertTrue(at >= 0, ARCHITECTURE + " has no heading '" + TABLE_HEADING + "'");
        while (at < doc.size() && !doc.get(at).replace(" ", "").startsWith("|package|maydependon|")) {
            at++;
        }
        assertTrue(at < doc.size(), "no '| package | may depend on |' table under " + TABLE_HEADING);
        Map<String, Set<String>> allowed = new TreeMap<>();
        for (at += 2; at < doc.size() && doc.get(at).startsWith("|"); at++) {
            String[] cells = doc.get(at).split("\\|");
            String from = qualified(cells[1]);
            Set<String> to = new TreeSet<>();
            Matcher names = Pattern.compile("`([^`]+)`").matcher(cells[2]);
            while (names.find()) {
                to.add(qualified(names.group(1)));
            }
            allowed.put(from, to);
        }
        return allowed;
    }

    /** {@code `kernel`} is {@code dev.tcpstate.agent.kernel}; the root package is written in full. */
    private static String qualified(String cell) {
        String name = cell.replace("`", "").trim();
        return name.startsWith("dev.") ? name : ROOT + "." + name;
    }

    /** Each compiled class, with every class it refers to; every class file is accounted for. */
    private static Map<String, Set<String>> jdepsClassEdges() throws IOException {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps")
                .orElseThrow(() -> new AssertionError("no jdeps in this JDK"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = jdeps.run(new PrintWriter(out), new PrintWriter(err), "-verbose:class", "-filter:none",
                CLASSES.toString());
        assertEquals(0, status, "jdeps failed: " + err);
        Map<String, Set<String>> edges = new TreeMap<>();
        for (String line : out.toString().split("\\R")) {
            Matcher m = EDGE.matcher(line);
            if (m.matches()) {
                edges.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
            }
        }
        // jdeps walks the directory, META-INF/versions/22 included: make sure it still does
        assertEquals(classFiles(), edges.keySet(), "the classes jdeps read, and the class files of " + CLASSES);
        return edges;
    }

    private static Set<String> classFiles() throws IOException {
        try (Stream<Path> files = Files.walk(CLASSES)) {
            return files.map(p -> CLASSES.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> p.endsWith(".class") && !p.endsWith("module-info.class"))
                    .map(p -> p.replaceFirst("^META-INF/versions/\\d+/", ""))
                    .map(p -> p.substring(0, p.length() - ".class".length()).replace('/', '.'))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static Map<String, Set<String>> packageEdges(Map<String, Set<String>> classEdges) {
        Map<String, Set<String>> packages = new TreeMap<>();
        classEdges.forEach((from, targets) -> targets.forEach(to -> {
            if (isOurs(packageOf(to)) && !packageOf(to).equals(packageOf(from))) {
                packages.computeIfAbsent(packageOf(from), k -> new TreeSet<>()).add(packageOf(to));
            }
        }));
        return packages;
    }

    /** One cycle of {@code graph}, as the packages along it (the first repeated last), or empty. */
    static List<String> cycle(Map<String, Set<String>> graph) {
        Set<String> done = new TreeSet<>();
        for (String start : graph.keySet()) {
            List<String> found = cycleFrom(start, graph, new ArrayDeque<>(), done);
            if (!found.isEmpty()) {
                return found;
            }
        }
        return List.of();
    }

    private static List<String> cycleFrom(String node, Map<String, Set<String>> graph, Deque<String> path,
            Set<String> done) {
        if (path.contains(node)) {
            List<String> cycle = new ArrayList<>();
            List<String> walked = new ArrayList<>(path);
            Collections.reverse(walked);
            cycle.addAll(walked.subList(walked.indexOf(node), walked.size()));
            cycle.add(node);
            return cycle;
        }
        if (!done.add(node)) {
            return List.of();
        }
        path.push(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            List<String> found = cycleFrom(next, graph, path, done);
            if (!found.isEmpty()) {
                return found;
            }
        }
        path.pop();
        return List.of();
    }

    private static boolean isOurs(String pkg) {
        return pkg.startsWith("dev.tcpstate.");
    }

    private static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? "" : className.substring(0, dot);
    }

    private static String lines(Map<String, Set<String>> denied) {
        StringBuilder b = new StringBuilder();
        denied.forEach((edge, classes) -> b.append("  ").append(edge).append(", e.g. ")
                .append(classes.iterator().next()).append('\n'));
        return b.toString();
    }
}
