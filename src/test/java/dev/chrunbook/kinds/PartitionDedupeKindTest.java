package dev.chrunbook.kinds;

import dev.chrunbook.apply.Cancellations;
import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.apply.StatementSender;
import dev.chrunbook.observe.ExecutionListener;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.ChunkState;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.state.Status;
import dev.chrunbook.testing.FakeClickHouse;
import dev.chrunbook.testing.Fixtures;
import dev.chrunbook.testing.Waits;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.chrunbook.testing.Fixtures.NODE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The partition dedupe against a node in memory, its ledger planned already: an operator's cancel
 * kills the running OPTIMIZE, sends no next one, and the rerun resumes at the partition it stopped in.
 */
class PartitionDedupeKindTest {
    private static final Map<String, String> PARAMS = Map.of("table", "events");
    private static final Step STEP = Fixtures.step("dedupe", "partition-dedupe", "dedupe", PARAMS);

    @TempDir
    Path dir;
    private StateStore store;
    private final FakeClickHouse node = new FakeClickHouse();

    @BeforeEach
    void plannedLedger() {
        store = StateStore.open(dir, "rb", "20261201_000000_0001", Clock.systemUTC());
        store.update(STEP.id(), NODE.id(), s -> s.withChunks(List.of(ChunkState.planned(1, "202401", null, null, 10, 100),
                ChunkState.planned(2, "202402", null, null, 10, 100))));
    }

    private NodeState dedupe(Cancellations cancellations) {
        Services services = new Services(store, null, new Services.Probes(node, b -> null, new Fixtures.CountingSleeper(), n -> 1_000_000, "db"),
                null, "db", new Fixtures.CountingSleeper(), new ExecutionListener() { },
                new StatementSender(cancellations, new Fixtures.CountingSleeper()));
        NodeWork work = new NodeWork(STEP, NODE, List.of(), Map.of(), Optional.empty(), List.of(), PARAMS, false, Map.of());
        return new PartitionDedupeKind().apply(work, services);
    }

    private long optimizes() {
        return node.statements.stream().filter(s -> s.startsWith("OPTIMIZE")).count();
    }

    @Test
    void aCancelKillsTheRunningOptimizeAndSendsNoNextOne() throws Exception {
        node.hangUntilKilled("PARTITION ID '202401'");
        Cancellations cancellations = new Cancellations(node);
        CompletableFuture<NodeState> running = CompletableFuture.supplyAsync(() -> dedupe(cancellations));
        Waits.until(node::hanging, Duration.ofSeconds(5), "the first partition's OPTIMIZE runs");

        List<String> killed = cancellations.cancelAll();
        NodeState end = running.get(2, TimeUnit.SECONDS);

        assertEquals(1, killed.size(), "the running OPTIMIZE was killed: " + killed);
        assertEquals(Status.FAILED, end.status(), end.toString());
        assertTrue(end.error().contains("cancelled by the operator"), end.error());
        assertEquals(1, optimizes(), "no OPTIMIZE after the cancel: " + node.statements);

        NodeState again = dedupe(new Cancellations(node));
        assertEquals(Status.DONE, again.status(), again.toString());
        assertEquals(3, optimizes(), "the rerun deduplicates the killed partition and the next: " + node.statements);
        assertTrue(again.chunks().stream().allMatch(c -> c.phase() == ChunkState.Phase.DONE), again.chunks().toString());
    }

    @Test
    void aCancelBetweenPartitionsSendsNothingMore() {
        Cancellations cancellations = new Cancellations(node);
        cancellations.cancelAll();
        NodeState end = dedupe(cancellations);
        assertEquals(Status.FAILED, end.status(), end.toString());
        assertTrue(end.error().contains("cancelled by the operator"), end.error());
        assertEquals(0, optimizes(), node.statements.toString());
    }
}
