package dev.chrunbook.state;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RunStateTest {
    private static final Instant T = Instant.parse("2026-12-01T00:00:00Z");

    private static NodeState ended(Status status, long at) {
        return new NodeState(status, 1, T, T.plusSeconds(at), null, null, null, List.of(), Map.of(), List.of());
    }

    private static RunState with(NodeState a, NodeState b) {
        return new RunState("r", "id", T, Map.of("recheck", Map.of("n1", a, "n2", b)));
    }

    @Test
    void aStepHasFinishedWhenItIsDoneOnEveryNodeAndThenAtItsEarliestEnd() {
        // a check that failed on one shard is not a clean finish: a window anchored on it would skip that shard's failure
        assertEquals(Optional.empty(), with(ended(Status.DONE, 10), ended(Status.FAILED, 20)).lastFinish("recheck"));
        assertEquals(Optional.empty(), with(ended(Status.DONE, 10), NodeState.pending().startAttempt(T)).lastFinish("recheck"));
        assertEquals(Optional.of(T.plusSeconds(10)), with(ended(Status.DONE, 10), ended(Status.DONE, 20)).lastFinish("recheck"));
        assertEquals(Optional.empty(), with(ended(Status.DONE, 10), ended(Status.DONE, 20)).lastFinish("swap"));
    }
}
