package dev.chrunbook.run;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.kinds.Kinds;
import dev.chrunbook.runbook.Runbook;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.RunState;
import dev.chrunbook.state.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** run --repeat: rounds until the cut-over starts, the first round that does not pass, a run holding the lock meanwhile. */
class RepeatedRunTest {
    @TempDir
    Path dir;

    private final StringWriter progress = new StringWriter();
    private final AtomicReference<Optional<RunState>> state = new AtomicReference<>(Optional.empty());
    private final AtomicInteger slept = new AtomicInteger();

    private Runbook runbook() throws Exception {
        Path file = dir.resolve("runbook.yaml");
        Files.writeString(file, """
                name: engine
                cluster: c
                database: db
                steps:
                  - id: recheck
                    kind: check
                    on: first-node
                    assert: ["SELECT 1 WHERE 0"]
                  - id: swap
                    on: first-node
                    sql: RENAME TABLE db.a TO db.b
                """);
        return new Kinds().loader().load(file, Map.of());
    }

    private RepeatedRun repeated(Runbook book) {
        return new RepeatedRun(book, state::get, Duration.ofSeconds(5), Clock.systemUTC(), d -> slept.addAndGet((int) d.toSeconds()),
                new PrintWriter(progress));
    }

    private static RunResult round(Runbook book, Status status) {
        Instant t = Instant.now();
        NodeState node = new NodeState(status, 1, t, t, null, null, null, List.of(), Map.of(), List.of());
        return new RunResult("r", List.of(new StepResult(book.steps().get(0), Map.of("n1", node), false)), Optional.empty());
    }

    private void swapStarts() {
        state.set(Optional.of(new RunState("engine", "r", Instant.now(),
                Map.of("swap", Map.of("n1", NodeState.pending().startAttempt(Instant.now().plusSeconds(1)))))));
    }

    @Test
    void roundsGoOnUntilTheCutOverStartsAndItsStartEndsThePauseEarly() throws Exception {
        Runbook book = runbook();
        AtomicInteger rounds = new AtomicInteger();
        RepeatedRun.Outcome out = repeated(book).run(List.of("recheck"), () -> {
            if (rounds.incrementAndGet() == 3) {
                swapStarts();
            }
            return round(book, Status.DONE);
        });
        assertEquals(3, out.rounds());
        assertEquals(Optional.of("swap"), out.laterStep());
        assertFalse(out.failed());
        assertEquals(10, slept.get(), "two whole pauses; the third ends as soon as the swap is seen");
        assertTrue(progress.toString().contains("round 2 of recheck clean"), progress.toString());
    }

    @Test
    void aRoundThatDoesNotPassEndsTheRepetition() throws Exception {
        Runbook book = runbook();
        AtomicInteger rounds = new AtomicInteger();
        RepeatedRun.Outcome out = repeated(book).run(List.of("recheck"),
                () -> round(book, rounds.incrementAndGet() == 2 ? Status.FAILED : Status.DONE));
        assertEquals(2, out.rounds());
        assertTrue(out.failed());
        assertEquals(Optional.empty(), out.laterStep());
    }

    @Test
    void aRunHoldingTheStateMeanwhileIsWaitedOutNotAFailure() throws Exception {
        Runbook book = runbook();
        AtomicInteger calls = new AtomicInteger();
        RepeatedRun.Outcome out = repeated(book).run(List.of("recheck"), () -> {
            if (calls.incrementAndGet() == 1) {
                throw ChrunbookException.stateConflict("another chrunbook run holds run.lock");
            }
            swapStarts();
            return round(book, Status.DONE);
        });
        assertEquals(1, out.rounds());
        assertEquals(Optional.of("swap"), out.laterStep());
        assertTrue(progress.toString().contains("not now: another chrunbook run holds"), progress.toString());
    }

    @Test
    void aSwapThatStartedBeforeTheRepetitionDoesNotEndIt() throws Exception {
        Runbook book = runbook();
        state.set(Optional.of(new RunState("engine", "r", Instant.now(),
                Map.of("swap", Map.of("n1", NodeState.pending().startAttempt(Instant.now().minusSeconds(600)))))));
        AtomicInteger rounds = new AtomicInteger();
        RepeatedRun.Outcome out = repeated(book).run(List.of("recheck"),
                () -> round(book, rounds.incrementAndGet() == 2 ? Status.FAILED : Status.DONE));
        assertEquals(2, out.rounds(), "an earlier cut-over (taken back since) does not count");
    }
}
