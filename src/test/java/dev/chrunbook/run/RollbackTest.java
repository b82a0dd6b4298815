package dev.chrunbook.run;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.ExitCode;
import dev.chrunbook.plan.RunOptions;
import dev.chrunbook.state.Status;
import dev.chrunbook.testing.FakeClickHouse;
import dev.chrunbook.verify.ImpactReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** chrunbook rollback through its seams: the compensating SQL, the steps marked pending again, and what refuses it. */
class RollbackTest {
    private static final String STEPS = """
              - id: rename
                on: first-node
                sql: RENAME TABLE db.t TO db.t_old
                rollback: undo.sql.ftl
              - id: looked
                kind: check
                on: first-node
                assert: ["SELECT 1 WHERE 0"]
              - id: drop
                on: first-node
                sql: DROP TABLE db.t_old
            """;

    @TempDir
    Path dir;

    private EngineFixture fixture() throws Exception {
        Files.writeString(dir.resolve("undo.sql.ftl"), "RENAME TABLE db.t_old TO db.t\n");
        return new EngineFixture(dir, STEPS, new FakeClickHouse());
    }

    private static void runTo(EngineFixture f, String step) {
        new Migrator(f.planner, f.services, (s, n, i) -> true, new ImpactReport(f.node, f.topology))
                .run(new RunOptions(List.of(), Optional.of(step), false, List.of(), Optional.empty(), false, 0));
    }

    private static Rollback rollback(EngineFixture f, boolean confirmed) {
        return new Rollback(f.planner, f.services, (s, n, i) -> confirmed, new ImpactReport(f.node, f.topology));
    }

    @Test
    void aDoneStepIsUndoneAndItAndTheChecksAfterItArePendingAgain() throws Exception {
        EngineFixture f = fixture();
        runTo(f, "looked");
        StepResult r = rollback(f, true).run(f.runbook.step("rename"));
        assertTrue(r.complete(), r.toString());
        assertEquals(List.of("RENAME TABLE db.t TO db.t_old", "RENAME TABLE db.t_old TO db.t"), f.node.statements);
        String node = f.topology.nodes().get(0).id();
        assertEquals(Status.PENDING, f.store.node("rename", node).status());
        assertEquals(Status.PENDING, f.store.node("looked", node).status());
    }

    @Test
    void aLaterStepThatChangedTheClusterMustBeUndoneFirst() throws Exception {
        EngineFixture f = fixture();
        runTo(f, "drop");
        ChrunbookException e = assertThrows(ChrunbookException.class, () -> rollback(f, true).run(f.runbook.step("rename")));
        assertEquals(ExitCode.STATE_CONFLICT, e.exitCode());
        assertTrue(e.getMessage().contains("step 'drop' after 'rename' has already run"), e.getMessage());
        assertEquals(2, f.node.statements.size(), "nothing sent: " + f.node.statements);
    }

    @Test
    void aStepNotDoneOrNotConfirmedIsNotRolledBack() throws Exception {
        EngineFixture f = fixture();
        ChrunbookException notDone = assertThrows(ChrunbookException.class, () -> rollback(f, true).run(f.runbook.step("rename")));
        assertEquals(ExitCode.STATE_CONFLICT, notDone.exitCode());
        runTo(f, "rename");
        ChrunbookException refused = assertThrows(ChrunbookException.class, () -> rollback(f, false).run(f.runbook.step("rename")));
        assertEquals(ExitCode.INVALID_INPUT, refused.exitCode());
        assertEquals(List.of("RENAME TABLE db.t TO db.t_old"), f.node.statements, "the undo was not sent");
        assertEquals(Status.DONE, f.store.node("rename", f.topology.nodes().get(0).id()).status());
    }
}
