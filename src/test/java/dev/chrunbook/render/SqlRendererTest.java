package dev.chrunbook.render;

import dev.chrunbook.kinds.Kinds;
import dev.chrunbook.SqlQuoting;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.runbook.Runbook;
import dev.chrunbook.runbook.RunbookLoader;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.Node;
import dev.chrunbook.cluster.Topology;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SqlRendererTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");

    @Test
    void rendersTheGoldenSqlForEveryTargetNode() throws IOException {
        Runbook runbook = new Kinds().loader().load(GOLDEN.resolve("runbook.yaml"), Map.of());
        SqlRenderer renderer = new SqlRenderer(runbook, "20260101_000000_abcd", List.of());
        Topology topology = Topology.synthetic("posthog", 2, 2);
        StringBuilder actual = new StringBuilder();
        for (Step step : runbook.steps()) {
            for (Node node : topology.nodesFor(step.on())) {
                actual.append("-- ").append(step.id()).append(" @ ").append(node.id()).append('\n');
                for (RenderedStatement s : renderer.render(step, node)) {
                    actual.append(s.sql()).append(";\n");
                }
            }
        }
        Path expectedFile = GOLDEN.resolve("expected.sql");
        Path actualFile = Path.of("target", "golden-actual.sql");
        Files.createDirectories(actualFile.getParent());
        Files.writeString(actualFile, actual);
        assertEquals(Files.readString(expectedFile), actual.toString(),
                "rendered SQL differs from " + expectedFile + " (actual written to " + actualFile + ")");
    }

    @Test
    void aVarThatIsNotAPlainTokenNeverBecomesSql() {
        Runbook runbook = new Kinds().loader().load(GOLDEN.resolve("runbook.yaml"), Map.of("staging", "x; DROP TABLE y"));
        SqlRenderer renderer = new SqlRenderer(runbook, "r1", List.of());
        Node node = Topology.synthetic("posthog", 1, 1).nodes().get(0);
        ChrunbookException e = assertThrows(ChrunbookException.class, () -> renderer.render(runbook.step("create-staging"), node));
        assertTrue(e.getMessage().contains("value 'x; DROP TABLE y' is not a plain SQL token"), e.getMessage());
        assertTrue(e.getMessage().contains("create.sql.ftl line 3"), e.getMessage());
    }

    @Test
    void identAndLitQuoteWhatTheyAreGiven() {
        Runbook runbook = new Kinds().loader().load(GOLDEN.resolve("runbook.yaml"), Map.of("staging", "a`b"));
        SqlRenderer renderer = new SqlRenderer(runbook, "r1", List.of());
        Node node = Topology.synthetic("posthog", 1, 1).nodes().get(0);
        String sql = renderer.render(runbook.step("copy"), node).get(0).sql();
        assertTrue(sql.startsWith("INSERT INTO `posthog`.`a\\`b`"), sql);
        assertEquals("'it\\'s'", SqlQuoting.literal("it's"));
    }

    @Test
    void aStepTimeOfAStepThatHasNotRunIsNowOrTheFallbackGiven(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path file = dir.resolve("runbook.yaml");
        Files.writeString(file, """
                name: t
                cluster: c
                database: db
                steps:
                  - id: a
                    on: first-node
                    sql: SELECT ${lit(step_finished("b", "2020-01-02 03:04:05"))}, ${lit(step_finished("b"))}
                  - id: b
                    on: first-node
                    sql: SELECT 1
                """);
        Runbook runbook = new Kinds().loader().load(file, Map.of());
        Node node = Topology.synthetic("c", 1, 1).nodes().get(0);
        String sql = new SqlRenderer(runbook, "r1", List.of()).render(runbook.step("a"), node).get(0).sql();
        assertTrue(sql.startsWith("SELECT '2020-01-02 03:04:05', '20"), sql);
        assertTrue(!sql.contains("'2020-01-02 03:04:05', '2020-01-02"), "without a fallback: the current time: " + sql);
    }

    @Test
    void theSwapSaysWhichCutOverThisTopologyGetsAndRefusesTheExchangeWithoutADistributedTable() {
        Path shipped = Path.of("runbooks/posthog-events-reorder/runbook.yaml");
        Node node = Topology.synthetic("posthog", 1, 1).nodes().get(0);
        Runbook exchange = new Kinds().loader().load(shipped, Map.of());
        // offline no table is there: the view's Distributed table is missing, and the exchange would feed the old table
        String missing = new SqlRenderer(exchange, "r1", List.of(Path.of("templates"))).renderExpect(exchange.step("swap"), node);
        assertTrue(missing.contains("EXCHANGE needs the main view to write through a Distributed table over sharded_events,"
                + " and writable_events is not there"), missing);
        Runbook recreate = new Kinds().loader().load(shipped, Map.of("cutover", "recreate"));
        String dropped = new SqlRenderer(recreate, "r1", List.of(Path.of("templates"))).renderExpect(recreate.step("swap"), node);
        assertTrue(dropped.startsWith("cut-over: drop and recreate (cutover: recreate)."), dropped);
        assertTrue(dropped.contains("Ingestion pauses from the first DROP to that CREATE"), dropped);
        assertEquals("", new SqlRenderer(exchange, "r1", List.of()).renderExpect(exchange.step("copy"), node));
    }

    @Test
    void splitterKeepsSemicolonsInsideQuotesAndDropsComments() {
        List<String> parts = dev.chrunbook.ddl.Statements.split("SELECT ';' AS a; -- x; y\nSELECT `b;c` /* ; */ FROM t;\n\n");
        assertEquals(List.of("SELECT ';' AS a", "SELECT `b;c`  FROM t"), parts);
    }

    @Test
    void theChecksumChangesWithTheSqlText() {
        assertEquals(RenderedStatement.of("SELECT 1").checksum(), RenderedStatement.of("SELECT 1").checksum());
        assertTrue(!RenderedStatement.of("SELECT 1").checksum().equals(RenderedStatement.of("SELECT 2").checksum()));
    }
}
