package dev.chrunbook.kinds;

import dev.chrunbook.Node;
import dev.chrunbook.apply.Cancellations;
import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.apply.StatementSender;
import dev.chrunbook.clickhouse.Table;
import dev.chrunbook.cluster.Topology;
import dev.chrunbook.observe.ExecutionListener;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.state.Status;
import dev.chrunbook.testing.FakeClickHouse;
import dev.chrunbook.testing.Fixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * replicas-agree on a shard of two replicas in memory: it waits while one replica lacks rows, reads
 * again only the partition that differed, and stops at its next look when the operator cancels.
 */
class ReplicasAgreeApplyTest {
    private static final Topology TOPOLOGY = Topology.synthetic("c", 1, 2);
    private static final Node FIRST = TOPOLOGY.nodes().get(0);
    private static final Node SECOND = TOPOLOGY.nodes().get(1);
    private static final Map<String, String> PARAMS = Map.of("table", "t", "ingested_column", "at", "before_step_start", "copy",
            "timeout", "20s");

    @TempDir
    Path dir;
    private StateStore store;
    private final List<String> digestsAsked = new ArrayList<>();

    @BeforeEach
    void copyStarted() {
        store = StateStore.open(dir, "rb", "20261201_000000_0001", Clock.systemUTC());
        store.update("copy", FIRST.id(), s -> s.startAttempt(Clock.systemUTC().instant()));
    }

    /** A replica of t (one column, no partition key) whose per-partition digest is {@code digest} at each look. */
    private FakeClickHouse replica(java.util.function.IntFunction<List<List<String>>> digest) {
        AtomicInteger looks = new AtomicInteger();
        return new FakeClickHouse().answer(sql -> {
            if (sql.contains("FROM system.columns")) {
                return new Table(List.of("name", "type", "default_kind", "default_expression", "comment"),
                        List.of(List.of("id", "UInt64", "", "", "")));
            }
            if (sql.startsWith("SELECT _partition_id, count()")) {
                digestsAsked.add(sql);
                // a later look names its partitions (by _partition_id: t has no partition key): only they are read
                List<List<String>> rows = digest.apply(looks.getAndIncrement()).stream()
                        .filter(r -> !sql.contains("_partition_id = '") || sql.contains("'" + r.get(0) + "'")).toList();
                return new Table(List.of("p", "c", "h"), rows);
            }
            return new Table(List.of("x"), List.of());
        });
    }

    private NodeState agree(FakeClickHouse first, FakeClickHouse second, Fixtures.CountingSleeper sleeper, Cancellations cancellations) {
        Services services = new Services(store, null, new Services.Probes((h, p) -> (h.equals(SECOND.host()) ? second : first).connect(h, p),
                b -> null, sleeper, n -> 0, "db"), TOPOLOGY, "db", sleeper, new ExecutionListener() { },
                new StatementSender(cancellations, sleeper));
        Step step = Fixtures.step("agree", "replicas-agree", "replicas", PARAMS);
        return new ReplicasAgreeKind().apply(new NodeWork(step, FIRST, List.of(), Map.of(), Optional.empty(), List.of(), PARAMS, false,
                Map.of()), services);
    }

    @Test
    void aReplicaThatCatchesUpAgreesAndOnlyTheDifferingPartitionIsReadAgain() {
        FakeClickHouse first = replica(look -> List.of(List.of("202401", "10", "5"), List.of("202402", "20", "7")));
        FakeClickHouse second = replica(look -> List.of(List.of("202401", look == 0 ? "9" : "10", look == 0 ? "4" : "5"),
                List.of("202402", "20", "7")));
        NodeState end = agree(first, second, new Fixtures.CountingSleeper(), new Cancellations(first));
        assertEquals(Status.DONE, end.status(), end.toString());
        assertTrue(end.note().contains("30 rows"), end.note());
        assertEquals(4, digestsAsked.size(), "two looks at two replicas: " + digestsAsked);
        assertTrue(digestsAsked.get(2).contains("'202401'") && !digestsAsked.get(2).contains("'202402'"),
                "the second look reads the partition that differed: " + digestsAsked.get(2));
    }

    @Test
    void aCancelEndsTheWaitAtItsNextLook() {
        FakeClickHouse first = replica(look -> List.of(List.of("202401", "10", "5")));
        FakeClickHouse second = replica(look -> List.of(List.of("202401", "9", "4")));
        Cancellations cancellations = new Cancellations(first);
        Fixtures.CountingSleeper sleeper = new Fixtures.CountingSleeper() {
            @Override
            public void sleep(java.time.Duration d) {
                super.sleep(d);
                cancellations.cancelAll(); // Ctrl-C, cancel, during the first wait
            }
        };
        NodeState end = agree(first, second, sleeper, cancellations);
        assertEquals(Status.FAILED, end.status(), end.toString());
        assertTrue(end.error().contains("cancelled by the operator"), end.error());
        assertEquals(2, digestsAsked.size(), "one look, not the ten of its 20 s timeout: " + digestsAsked);
    }
}
