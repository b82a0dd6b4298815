package dev.chrunbook.plan;

import dev.chrunbook.kinds.Kinds;
import dev.chrunbook.ChrunbookException;
import dev.chrunbook.ExitCode;
import dev.chrunbook.render.RenderedStatement;
import dev.chrunbook.render.SqlRenderer;
import dev.chrunbook.runbook.Runbook;
import dev.chrunbook.runbook.RunbookLoader;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.state.StatementState;
import dev.chrunbook.state.Status;
import dev.chrunbook.Node;
import dev.chrunbook.cluster.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DriftCheckTest {
    private static final Path RUNBOOK = Path.of("src/test/resources/golden/runbook.yaml");
    private final Topology topology = Topology.synthetic("posthog", 2, 2);

    @Test
    void sqlThatRendersDifferentlyFromWhatRanIsAStateConflictNamingReset(@TempDir Path dir) {
        StateStore store = ranCreateStagingWith(Map.of(), dir);
        Runbook changed = new Kinds().loader().load(RUNBOOK, Map.of("staging", "other_staging"));
        SqlRenderer renderer = new SqlRenderer(changed, "r1", List.of());

        ChrunbookException e = assertThrows(ChrunbookException.class,
                () -> new DriftCheck(changed, topology, renderer, new Kinds()).refuse(store.state(), Set.of()));
        assertEquals(ExitCode.STATE_CONFLICT, e.exitCode());
        assertTrue(e.getMessage().contains("step 'create-staging' on shard-1-replica-1:8123 statement 1"), e.getMessage());
        assertTrue(e.getMessage().contains("chrunbook reset " + RUNBOOK + " --step create-staging"), e.getMessage());
    }

    @Test
    void unchangedSqlOrAStepBeingRerunPasses(@TempDir Path dir) {
        StateStore store = ranCreateStagingWith(Map.of(), dir);
        Runbook same = new Kinds().loader().load(RUNBOOK, Map.of());
        assertDoesNotThrow(() -> new DriftCheck(same, topology, new SqlRenderer(same, "r1", List.of()), new Kinds()).refuse(store.state(), Set.of()));

        Runbook changed = new Kinds().loader().load(RUNBOOK, Map.of("staging", "other_staging"));
        assertDoesNotThrow(() -> new DriftCheck(changed, topology, new SqlRenderer(changed, "r1", List.of()), new Kinds())
                .refuse(store.state(), Set.of("create-staging")));
    }

    private StateStore ranCreateStagingWith(Map<String, String> vars, Path dir) {
        Runbook runbook = new Kinds().loader().load(RUNBOOK, vars);
        SqlRenderer renderer = new SqlRenderer(runbook, "r1", List.of());
        StateStore store = StateStore.open(dir, runbook.name(), "20260101_000000_aaaa", Clock.systemUTC());
        for (Node n : topology.nodesFor(runbook.step("create-staging").on())) {
            RenderedStatement s = renderer.render(runbook.step("create-staging"), n).get(0);
            store.update("create-staging", n.id(), st -> st.startAttempt(Clock.systemUTC().instant())
                    .withStatement(StatementState.sent(1, "q", s.checksum(), Clock.systemUTC().instant()).finished(StatementState.Outcome.DONE, 0L, 0L, 1L, Clock.systemUTC().instant()))
                    .finish(Status.DONE, Clock.systemUTC().instant(), null, null));
        }
        return store;
    }
}
