package dev.chrunbook.plan;

import dev.chrunbook.kinds.Kinds;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.render.SqlRenderer;
import dev.chrunbook.runbook.Runbook;
import dev.chrunbook.runbook.RunbookLoader;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.RunState;
import dev.chrunbook.state.Status;
import dev.chrunbook.Node;
import dev.chrunbook.cluster.Topology;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkPlannerTest {
    private final Runbook runbook = new Kinds().loader().load(Path.of("src/test/resources/planner/runbook.yaml"), Map.of());
    private final Topology topology = Topology.synthetic("posthog", 2, 2);
    private final WorkPlanner planner = new WorkPlanner(runbook, topology, new SqlRenderer(runbook, "r1", List.of()), new Kinds());
    private final RunState empty = new RunState("planner", "r1", Instant.EPOCH, null);

    @Test
    void withoutSelectionOnlyTheNextPendingStepRuns() {
        assertEquals(List.of("one"), ids(planner.steps(options(List.of(), null, false), empty)));
        assertEquals(List.of("two"), ids(planner.steps(options(List.of(), null, false), done("one"))));
    }

    @Test
    void toAndAllStopShortOfAPauseBeforeStepAndSayWhich() {
        WorkPlanner.Selection to = planner.steps(options(List.of(), "four", false), empty);
        assertEquals(List.of("one", "two"), ids(to));
        assertEquals("cut", to.pausedAt().map(Step::id).orElse(""));
        WorkPlanner.Selection all = planner.steps(options(List.of(), null, true), done("one", "two"));
        assertEquals(List.of(), ids(all));
        assertEquals("cut", all.pausedAt().map(Step::id).orElse(""));
    }

    @Test
    void aPauseBeforeStepRunsWhenNamed() {
        WorkPlanner.Selection named = planner.steps(options(List.of("four", "cut"), null, false), done("one", "two"));
        assertEquals(List.of("cut", "four"), ids(named), "in runbook order");
        assertTrue(named.pausedAt().isEmpty());
    }

    @Test
    void aStepWaitsForTheStepsBeforeIt() {
        ChrunbookException e = assertThrows(ChrunbookException.class,
                () -> planner.checkOrder(List.of(runbook.step("two")), empty));
        assertTrue(e.getMessage().contains("comes after 'one'"), e.getMessage());
    }

    @Test
    void targetsAndShardFiltersPickTheRightNodes() {
        assertEquals(List.of("shard-1-replica-1:8123", "shard-2-replica-1:8123"),
                planner.nodes(runbook.step("two"), List.of(), Optional.empty()).stream().map(Node::id).toList());
        assertEquals(List.of("shard-2-replica-1:8123", "shard-2-replica-2:8123"),
                planner.nodes(runbook.step("four"), List.of(2), Optional.empty()).stream().map(Node::id).toList());
        ChrunbookException e = assertThrows(ChrunbookException.class,
                () -> planner.nodes(runbook.step("one"), List.of(2), Optional.empty()));
        assertTrue(e.getMessage().contains("selects none of them"), e.getMessage());
    }

    private RunState done(String... steps) {
        Map<String, Map<String, NodeState>> map = new LinkedHashMap<>();
        for (String s : steps) {
            Map<String, NodeState> nodes = new LinkedHashMap<>();
            for (Node n : topology.nodesFor(runbook.step(s).on())) {
                nodes.put(n.id(), NodeState.pending().startAttempt(Instant.EPOCH).finish(Status.DONE, Instant.EPOCH, null, null));
            }
            map.put(s, nodes);
        }
        return new RunState("planner", "r1", Instant.EPOCH, map);
    }

    private static RunOptions options(List<String> steps, String to, boolean all) {
        return new RunOptions(steps, Optional.ofNullable(to), all, List.of(), Optional.empty(), false, 0);
    }

    private static List<String> ids(WorkPlanner.Selection s) {
        return s.steps().stream().map(Step::id).toList();
    }
}
