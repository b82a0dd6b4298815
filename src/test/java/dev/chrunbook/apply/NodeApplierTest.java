package dev.chrunbook.apply;

import dev.chrunbook.clickhouse.QueryOutcome;
import dev.chrunbook.observe.ExecutionListener;
import dev.chrunbook.render.RenderedStatement;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.state.StatementState;
import dev.chrunbook.state.Status;
import dev.chrunbook.Node;
import dev.chrunbook.testing.FakeClickHouse;
import dev.chrunbook.testing.FakeClickHouse.Fate;
import dev.chrunbook.testing.FakeClickHouse.Send;
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

import static dev.chrunbook.testing.Fixtures.NODE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The applier against a node in memory: every state a statement can be in when a run reattaches,
 * and a connection lost before and after sending. Nothing is ever sent twice.
 */
class NodeApplierTest {
    private static final String RUN = "20261201_000000_0001";
    private static final Step STEP = Fixtures.step("copy", "sql");
    private static final String QUERY = QueryIds.of(RUN, "copy", NODE, 1, 1);

    @TempDir
    Path dir;
    private StateStore store;
    private final FakeClickHouse node = new FakeClickHouse();
    private final Fixtures.CountingSleeper sleeper = new Fixtures.CountingSleeper();
    private final List<String> running = new ArrayList<>();

    @BeforeEach
    void state() {
        store = StateStore.open(dir, "rb", RUN, Clock.systemUTC());
    }

    private NodeState apply() {
        ExecutionListener listener = new ExecutionListener() {
            @Override
            public void statementRunning(Step step, Node n, String queryId, QueryOutcome progress) {
                running.add(queryId);
            }
        };
        NodeApplier applier = new NodeApplier(store, node, sleeper, listener, RUN, new StatementSender(new Cancellations(node), sleeper));
        NodeWork work = new NodeWork(STEP, NODE, List.of(RenderedStatement.of("INSERT INTO t SELECT * FROM s")), Map.of(),
                Optional.empty(), List.of(), Map.of(), false, Map.of());
        return applier.apply(work, false);
    }

    /** A crash right after the statement was recorded as sent: the state the next run finds. */
    private void crashedAfterRecordingSent() {
        store.update("copy", NODE.id(), s -> s.startAttempt(Clock.systemUTC().instant())
                .withStatement(StatementState.sent(1, QUERY, RenderedStatement.of("INSERT INTO t SELECT * FROM s").checksum(),
                        Clock.systemUTC().instant())));
    }

    @Test
    void aFreshAttemptSendsTheStatementOnceWithItsQueryId() {
        NodeState end = apply();
        assertEquals(Status.DONE, end.status(), end.toString());
        assertEquals(List.of(QUERY), node.executed);
        assertEquals(7, end.rowsWritten(), "rows written come from query_log");
    }

    @Test
    void onReattachAStatementTheNodeNeverSawIsSent() {
        crashedAfterRecordingSent();
        NodeState end = apply();
        assertEquals(Status.DONE, end.status(), end.toString());
        assertEquals(List.of(QUERY), node.executed, "sent under the recorded query id");
    }

    @Test
    void onReattachAStatementStillRunningIsWatchedNotSent() {
        crashedAfterRecordingSent();
        node.knows(QUERY, Fate.FINISHED, 3, null);
        NodeState end = apply();
        assertEquals(Status.DONE, end.status(), end.toString());
        assertEquals(List.of(), node.executed, "never sent twice");
        assertEquals(3, running.size(), "watched while the node ran it");
        assertTrue(sleeper.slept.size() >= 3, "polled between looks: " + sleeper.slept);
    }

    @Test
    void onReattachAStatementThatFinishedIsDone() {
        crashedAfterRecordingSent();
        node.knows(QUERY, Fate.FINISHED, 0, null);
        NodeState end = apply();
        assertEquals(Status.DONE, end.status(), end.toString());
        assertEquals(List.of(), node.executed);
        assertEquals(42, end.rowsWritten(), "rows of the earlier run's statement, from query_log");
    }

    @Test
    void onReattachAStatementStartedWithoutALoggedEndFails() {
        crashedAfterRecordingSent();
        node.knows(QUERY, Fate.STARTED_ONLY, 0, null);
        NodeState end = apply();
        assertEquals(Status.FAILED, end.status(), end.toString());
        assertTrue(end.error().contains("started but its end is not logged"), end.error());
        assertEquals(List.of(), node.executed, "not re-sent: it may have written rows");
    }

    @Test
    void onReattachAStatementThatFailedFailsWithTheServersError() {
        crashedAfterRecordingSent();
        node.knows(QUERY, Fate.FAILED, 0, "Code: 241. Memory limit exceeded");
        NodeState end = apply();
        assertEquals(Status.FAILED, end.status(), end.toString());
        assertTrue(end.error().contains("Memory limit exceeded"), end.error());
        assertEquals(List.of(), node.executed);
    }

    @Test
    void aServerErrorFailsTheStepAndNamesTheStatement() {
        node.nextSend(Send.ERROR);
        NodeState end = apply();
        assertEquals(Status.FAILED, end.status(), end.toString());
        assertTrue(end.error().contains("statement 1 (" + QUERY + "): Code: 62"), end.error());
    }

    @Test
    void aConnectionLostAfterSendingIsWatchedOnTheServer() {
        node.nextSend(Send.LOST_AFTER);
        NodeState end = apply();
        assertEquals(Status.DONE, end.status(), end.toString());
        assertEquals(List.of(QUERY), node.executed, "sent once; the answer was lost, not the statement");
        assertEquals(2, running.size());
    }

    @Test
    void aConnectionLostBeforeTheServerGotItFailsSayingNothingRan() {
        node.nextSend(Send.LOST_BEFORE);
        NodeState end = apply();
        assertEquals(Status.FAILED, end.status(), end.toString());
        assertEquals(List.of(), node.executed);
        assertTrue(end.error().contains("never reached the server"), end.error());
    }

    @Test
    void anUnreachableNodeFailsWithoutRecordingAStatement() {
        node.unreachable();
        NodeState end = apply();
        assertEquals(Status.FAILED, end.status(), end.toString());
        assertTrue(end.error().startsWith("connection lost: connect to"), end.error());
        assertEquals(List.of(), end.statements());
    }

    @Test
    void anUnreachableNodeOnReattachLeavesTheStatementToTheNextRun() {
        crashedAfterRecordingSent();
        node.unreachable();
        NodeState end = apply();
        assertEquals(Status.RUNNING, end.status(), "its fate is unknown: " + end);
        assertTrue(end.error().contains("run again to reattach"), end.error());
        assertEquals(StatementState.Outcome.SENT, end.statements().get(0).status());
    }

    @Test
    void aReplicatedAlterThatTimedOutNamesTheStuckReplicaAndTheCommandThatUnsticksIt() {
        // what 18.16 answered after a ZooKeeper freeze: the ALTER went through on ch4, not on ch3, whose replica stayed read-only
        node.refuseOnce("INSERT INTO t", "Code: 341, e.displayText() = DB::Exception: Alter is not finished because timeout when waiting"
                        + " for some replicas: ch3")
                .answer(sql -> {
                    if (sql.startsWith("SELECT zookeeper_path FROM system.replicas")) {
                        return table(List.of("/clickhouse/tables/2/posthog.sharded_events_mig"));
                    }
                    if (sql.contains("FROM system.replicas")) {
                        return table(List.of("posthog", "sharded_events_mig", "ch3", "1", "0", "2", "2", "0"));
                    }
                    if (sql.contains("/replicas'")) { // the replicas' names under the table's path
                        return new dev.chrunbook.clickhouse.Table(List.of("name"), List.of(List.of("ch3"), List.of("ch4")));
                    }
                    if (sql.contains("AND name = 'columns'")) { // the table's columns version, then each replica's
                        return table(List.of(sql.contains("/replicas/ch3'") ? "1" : "2"));
                    }
                    return new dev.chrunbook.clickhouse.Table(List.of("x"), List.of());
                });
        NodeState end = apply();
        assertEquals(Status.FAILED, end.status(), end.toString());
        assertTrue(end.error().contains("posthog.sharded_events_mig replica ch3: read-only"), end.error());
        assertTrue(end.error().contains("SYSTEM RESTART REPLICA posthog.sharded_events_mig"), end.error());
        assertTrue(end.error().contains("the table's 2, ch3's 1 (behind), ch4's 2"), end.error());
    }

    private static dev.chrunbook.clickhouse.Table table(List<String> row) {
        return new dev.chrunbook.clickhouse.Table(java.util.stream.IntStream.range(0, row.size()).mapToObj(i -> "c" + i).toList(), List.of(row));
    }
}
