package dev.chrunbook;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packages are layers: each uses only those below it, so there is no cycle. Read from the
 * sources' package and import lines (docs/architecture.md explains each layer).
 */
class ArchitectureTest {
    /** Bottom to top; "" is dev.chrunbook itself (errors, exit codes, Node, SQL quoting, Sleeper). */
    static final List<String> LAYERS = List.of("", "ddl", "runbook", "ssh", "clickhouse", "catalog", "kafka", "state", "cluster", "render",
            "verify", "observe", "facts", "apply", "chunks", "transfer", "kinds", "plan", "run", "dashboard", "cli");

    private static final Path MAIN = Path.of("src/main/java/dev/chrunbook");
    private static final Pattern PACKAGE = Pattern.compile("^package dev\\.chrunbook(?:\\.([a-z]+))?;", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.chrunbook\\.(?:([a-z]+)\\.)?[A-Z]", Pattern.MULTILINE);

    /** Package to the packages its classes import. */
    static Map<String, Set<String>> graph(Path sources) throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String text = Files.readString(f);
                Matcher p = PACKAGE.matcher(text);
                if (!p.find()) {
                    continue;
                }
                String from = p.group(1) == null ? "" : p.group(1);
                Set<String> to = uses.computeIfAbsent(from, k -> new TreeSet<>());
                Matcher i = IMPORT.matcher(text);
                while (i.find()) {
                    String target = i.group(1) == null ? "" : i.group(1);
                    if (!target.equals(from)) {
                        to.add(target);
                    }
                }
            }
        }
        return uses;
    }

    /** The cycles among packages, each as the path that closes it (a -> b -> a). */
    static List<String> cycles(Map<String, Set<String>> graph) {
        List<String> found = new ArrayList<>();
        Map<String, Integer> state = new LinkedHashMap<>(); // 1 on the path, 2 done
        for (String start : graph.keySet()) {
            walk(start, graph, state, new ArrayList<>(), found);
        }
        return found;
    }

    private static void walk(String pkg, Map<String, Set<String>> graph, Map<String, Integer> state, List<String> path,
                             List<String> found) {
        Integer s = state.get(pkg);
        if (s != null && s == 2) {
            return;
        }
        if (s != null) {
            List<String> loop = new ArrayList<>(path.subList(path.indexOf(pkg), path.size()));
            loop.add(pkg);
            found.add(String.join(" -> ", loop.stream().map(p -> p.isEmpty() ? "(root)" : p).toList()));
            return;
        }
        state.put(pkg, 1);
        path.add(pkg);
        for (String next : graph.getOrDefault(pkg, Set.of())) {
            walk(next, graph, state, path, found);
        }
        path.remove(path.size() - 1);
        state.put(pkg, 2);
    }

    /** Imports that go up (or sideways to a package no layer names). */
    static List<String> upward(Map<String, Set<String>> graph) {
        List<String> wrong = new ArrayList<>();
        graph.forEach((from, tos) -> {
            for (String to : tos) {
                if (!LAYERS.contains(from) || !LAYERS.contains(to) || LAYERS.indexOf(to) > LAYERS.indexOf(from)) {
                    wrong.add((from.isEmpty() ? "(root)" : from) + " imports " + (to.isEmpty() ? "(root)" : to));
                }
            }
        });
        return wrong;
    }

    @Test
    void thePackagesHaveNoCycle() throws IOException {
        assertEquals(List.of(), cycles(graph(MAIN)));
    }

    @Test
    void everyPackageUsesOnlyTheLayersBelowIt() throws IOException {
        Map<String, Set<String>> graph = graph(MAIN);
        assertEquals(new TreeSet<>(LAYERS), new TreeSet<>(graph.keySet()), "every package has a layer, and every layer a package");
        assertEquals(List.of(), upward(graph));
    }

    @Test
    void aPlantedCycleIsFound(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("state"));
        Files.createDirectories(dir.resolve("observe"));
        Files.writeString(dir.resolve("state/Log.java"), "package dev.chrunbook.state;\n\nimport dev.chrunbook.observe.Listener;\n\nclass Log {}\n");
        Files.writeString(dir.resolve("observe/Listener.java"), "package dev.chrunbook.observe;\n\nimport dev.chrunbook.state.NodeState;\n\ninterface Listener {}\n");
        Map<String, Set<String>> graph = graph(dir);
        List<String> cycles = cycles(graph);
        assertFalse(cycles.isEmpty(), graph.toString());
        assertTrue(cycles.get(0).equals("observe -> state -> observe") || cycles.get(0).equals("state -> observe -> state"), cycles.toString());
        assertEquals(List.of("state imports observe"), upward(graph));
    }

    /** The one class outside the driver layer (clickhouse) that may send a statement that changes a node. */
    static final String SENDER = "apply/StatementSender.java";
    private static final Pattern EXECUTE = Pattern.compile("\\.execute\\(");

    /** The sources, outside the driver layer and the sender, that call a ClickHouse client's execute. */
    static List<String> sendersOutsideTheSender(Path sources) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String rel = sources.relativize(f).toString().replace('\\', '/');
                if (rel.startsWith("clickhouse/") || rel.equals(SENDER)) {
                    continue;
                }
                String text = Files.readString(f);
                // a file that works with ClickHouse clients (directly or through one handed to a lambda)
                if (text.contains("ClickHouseClient") && EXECUTE.matcher(text).find()) {
                    found.add(rel);
                }
            }
        }
        return found;
    }

    @Test
    void onlyTheSenderSendsStatementsThatChangeANode() throws IOException {
        assertEquals(List.of(), sendersOutsideTheSender(MAIN), "send through StatementSender (send, or housekeeping for scratch tables)");
        assertTrue(Files.readString(MAIN.resolve(SENDER)).contains("client.execute("), "the sender itself sends");
    }

    @Test
    void aPlantedExecuteIsFound(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("kinds"));
        Files.writeString(dir.resolve("kinds/Sneaky.java"), "package dev.chrunbook.kinds;\n\nimport dev.chrunbook.clickhouse.ClickHouseClient;\n\n"
                + "class Sneaky { void f(ClickHouseClient c) { c.execute(\"DROP TABLE t\", null, java.util.Map.of()); } }\n");
        assertEquals(List.of("kinds/Sneaky.java"), sendersOutsideTheSender(dir));
    }
}
