package dev.chrunbook.run;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.ExitCode;
import dev.chrunbook.clickhouse.Table;
import dev.chrunbook.plan.RunOptions;
import dev.chrunbook.state.Status;
import dev.chrunbook.testing.FakeClickHouse;
import dev.chrunbook.verify.ImpactReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The main flow of run --execute through its seams: a node in memory, the state and the runbook in a folder. */
class MigratorTest {
    private static final String ADD = "ALTER TABLE db.t ADD COLUMN c String";
    /** Two steps: the first adds a column, the second is built from the table's columns as the catalog has them. */
    private static final String STEPS = """
              - id: add
                on: first-node
                sql: ALTER TABLE db.t ADD COLUMN c String
              - id: use
                on: first-node
                sql: "INSERT INTO db.u SELECT <#list table_columns('db', 't') as col>${col.name}<#sep>, </#list> FROM db.t"
            """;

    @TempDir
    Path dir;

    /** A node whose table t has column a, and c once the ALTER that adds it ran there. */
    private static FakeClickHouse node() {
        FakeClickHouse node = new FakeClickHouse();
        node.answer(sql -> {
            if (sql.contains("FROM system.columns")) {
                List<List<String>> columns = new ArrayList<>(List.of(List.of("a", "String", "", "", "")));
                if (node.statements.contains(ADD)) {
                    columns.add(List.of("c", "String", "", "", ""));
                }
                return new Table(List.of("name", "type", "default_kind", "default_expression", "comment"), columns);
            }
            return new Table(List.of("x"), List.of());
        });
        return node;
    }

    private static RunOptions all() {
        return new RunOptions(List.of(), Optional.empty(), true, List.of(), Optional.empty(), false, 0);
    }

    private static Migrator migrator(EngineFixture f) {
        return new Migrator(f.planner, f.services, (step, nodes, impact) -> true, new ImpactReport(f.node, f.topology));
    }

    @Test
    void aStepReadsTheCatalogAsTheStepsBeforeItInTheSameRunLeftIt() throws Exception {
        EngineFixture f = new EngineFixture(dir, STEPS, node());
        RunResult r = migrator(f).run(all());
        assertTrue(r.steps().stream().allMatch(StepResult::complete), r.toString());
        assertEquals(List.of(ADD, "INSERT INTO db.u SELECT a, c FROM db.t"), f.node.statements,
                "the second step was rendered at its turn, after the first added c");
    }

    @Test
    void theRunStopsAtTheFirstStepThatIsNotDone() throws Exception {
        EngineFixture f = new EngineFixture(dir, STEPS, node().refuseOnce("ADD COLUMN c"));
        RunResult r = migrator(f).run(all());
        assertEquals(1, r.steps().size(), "nothing after the failed step: " + r);
        assertEquals(Status.FAILED, f.store.node("add", f.topology.nodes().get(0).id()).status());
        assertEquals(List.of(), f.node.statements, "the refused ALTER is all that was sent");
        assertEquals(Status.PENDING, f.store.node("use", f.topology.nodes().get(0).id()).status());

        RunResult again = migrator(f).run(all());
        assertTrue(again.steps().stream().allMatch(StepResult::complete), again.toString());
        assertEquals(List.of(ADD, "INSERT INTO db.u SELECT a, c FROM db.t"), f.node.statements, "the rerun goes on from the failed step");
    }

    @Test
    void aHoldFileKeepsACutOverStepFromStartingAndNothingIsSent() throws Exception {
        EngineFixture f = new EngineFixture(dir, STEPS + """
                  - id: cut
                    on: first-node
                    pause_before: true
                    sql: RENAME TABLE db.t TO db.t_old
                """, node());
        Files.writeString(f.store.dir().resolve(Migrator.HOLD_FILE), "");
        RunResult before = migrator(f).run(all());
        assertTrue(before.pausedAt().isPresent(), "--all stops short of a pause_before step: " + before);
        assertEquals(2, f.node.statements.size(), f.node.statements.toString());

        ChrunbookException e = assertThrows(ChrunbookException.class, () -> migrator(f).run(new RunOptions(List.of("cut"),
                Optional.empty(), false, List.of(), Optional.empty(), false, 0)));
        assertEquals(ExitCode.STATE_CONFLICT, e.exitCode());
        assertTrue(e.getMessage().contains("held by"), e.getMessage());
        assertEquals(2, f.node.statements.size(), "the cut-over was not sent");
    }

    @Test
    void aDoneStepIsNotSentAgainUnlessRerun() throws Exception {
        EngineFixture f = new EngineFixture(dir, STEPS, node());
        migrator(f).run(all());
        migrator(f).run(new RunOptions(List.of("add"), Optional.empty(), false, List.of(), Optional.empty(), false, 0));
        assertEquals(2, f.node.statements.size(), "done: not sent again " + f.node.statements);
        migrator(f).run(new RunOptions(List.of("add"), Optional.empty(), false, List.of(), Optional.empty(), true, 0));
        assertEquals(3, f.node.statements.size(), "--rerun sends it again " + f.node.statements);
    }
}
