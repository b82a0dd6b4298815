package dev.chrunbook.render;

import dev.chrunbook.kinds.Kinds;
import dev.chrunbook.ChrunbookException;
import dev.chrunbook.ExitCode;
import dev.chrunbook.runbook.Runbook;
import dev.chrunbook.runbook.RunbookLoader;
import dev.chrunbook.testing.Cli;
import dev.chrunbook.cluster.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Templates cannot run code, and vars cannot become SQL: both built for real, both refused. */
class SandboxTest {
    @TempDir
    Path dir;

    @Test
    void aTemplateThatBuildsTheExecuteEscapeRunsNothing() throws Exception {
        Path marker = dir.resolve("pwned");
        Files.writeString(dir.resolve("t.sql.ftl"), "<#assign ex=\"freemarker.template.utility.Execute\"?new()>${ex(\"touch "
                + marker + "\")}\nSELECT 1\n");
        Runbook runbook = runbook("template: t.sql.ftl", Map.of());
        SqlRenderer renderer = new SqlRenderer(runbook, "20260101_000000_abcd", List.of());
        ChrunbookException e = assertThrows(ChrunbookException.class,
                () -> renderer.render(runbook.steps().get(0), Topology.synthetic("c", 1, 1).nodes().get(0)));
        assertEquals(ExitCode.INVALID_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains("t.sql.ftl line 1"), e.getMessage());
        assertFalse(Files.exists(marker), "the command did not run");
    }

    @Test
    void everySqlVarOfTheHandbookRunbooksRefusesAnInjection() {
        for (String runbook : List.of("runbooks/posthog-events-reorder/runbook.yaml", "examples/local-cluster/runbook.yaml")) {
            for (String var : List.of("order_by", "sample_by")) {
                Cli.Result r = Cli.run("validate", runbook, "--set", var + "=team_id); DROP TABLE posthog.sharded_events; SELECT (1");
                assertEquals(2, r.exitCode(), runbook + " " + var + ": " + r);
                assertTrue(r.err().contains("contains ';'"), r.err());
            }
            Cli.Result clean = Cli.run("validate", runbook);
            assertEquals(0, clean.exitCode(), clean.toString());
        }
    }

    @Test
    void aNegativeNumberNeverMakesAComment() throws Exception {
        Runbook runbook = runbook("sql: DELETE FROM t WHERE id < 100-${keep_last} AND team_id = 2", Map.of("keep_last", "-1"));
        String sql = new SqlRenderer(runbook, "20260101_000000_abcd", List.of())
                .render(runbook.steps().get(0), Topology.synthetic("c", 1, 1).nodes().get(0)).get(0).sql();
        assertEquals("DELETE FROM t WHERE id < 100-(-1) AND team_id = 2", sql);
    }

    private Runbook runbook(String stepSource, Map<String, String> overrides) throws Exception {
        Files.writeString(dir.resolve("runbook.yaml"), "name: t\ncluster: c\ndatabase: d\nvars:\n  keep_last: 5\nsteps:\n"
                + "  - id: a\n    on: first-node\n    " + stepSource + "\n");
        return new Kinds().loader().load(dir.resolve("runbook.yaml"), overrides);
    }
}
