package dev.chrunbook.apply;

import dev.chrunbook.catalog.Catalog;

import dev.chrunbook.Sleeper;
import dev.chrunbook.observe.ExecutionListener;

import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseConnector;
import dev.chrunbook.clickhouse.ClickHouseException;
import dev.chrunbook.clickhouse.QueryOutcome;
import dev.chrunbook.clickhouse.ServerError;
import dev.chrunbook.render.RenderedStatement;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.state.StatementState;
import dev.chrunbook.state.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.chrunbook.verify.AssertChecker;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The applier: runs one step's statements on one node, in order, checkpointing each one. A
 * statement recorded as sent by an earlier (crashed) run is resolved on the server first: watched
 * if still running, taken as done if it finished, and only re-sent if the node never saw it.
 */
public final class NodeApplier {
    private static final Logger LOG = LoggerFactory.getLogger(NodeApplier.class);

    private final StateStore store;
    private final ClickHouseConnector connector;
    private final ExecutionListener listener;
    private final String runId;
    private final AssertChecker asserts;
    private final StatementSender sender;

    public NodeApplier(StateStore store, ClickHouseConnector connector, Sleeper sleeper, ExecutionListener listener, String runId,
                StatementSender sender) {
        this.store = store;
        this.connector = connector;
        this.listener = listener;
        this.runId = runId;
        this.asserts = new AssertChecker(sleeper, sender::stopping);
        this.sender = sender;
    }

    /**
     * @param assertsOnResume ask the asserts again when resuming an interrupted attempt (a step that is
     *                        only asserts has nothing else to resume)
     */
    public NodeState apply(NodeWork work, boolean assertsOnResume) {
        String step = work.step().id();
        String node = work.node().id();
        try (ClickHouseClient client = connector.connect(work.node().host(), work.node().httpPort())) {
            NodeState state = store.node(step, node);
            boolean resuming = state.status() == Status.RUNNING;
            if (resuming) {
                state = store.update(step, node, NodeState::resume);
            } else {
                if (work.check().isPresent() && !work.rerun() && truthy(client.selectOne(work.check().get()))) {
                    return finish(work, store.update(step, node, s -> s.finish(Status.SKIPPED, now(), null,
                            "check found the step's effect already in place")));
                }
                state = store.update(step, node, s -> s.startAttempt(now(), work.definitions()));
            }
            // asserts guard statements not yet sent
            if (!resuming || assertsOnResume) {
                Optional<String> problems = asserts.check(client, work.asserts(), work.step().waitFor(),
                        (attempt, p) -> listener.waiting(work.step(), work.node(), p));
                if (problems.isPresent() && sender.stopping()) {
                    return finish(work, store.update(step, node, s -> s.finish(Status.FAILED, now(), "cancelled by the operator while"
                            + " waiting for its asserts; run the step again to go on. They still found:\n" + problems.get(), null)));
                }
                if (problems.isPresent()) {
                    return finish(work, store.update(step, node, s -> s.failVerification(now(), problems.get())));
                }
            }
            Map<String, String> settings = work.step().dropUnknownSettings()
                    ? new Catalog(client).knownSettings(work.settings(), work.step().id() + " on " + work.node().id()) : work.settings();
            for (int i = 0; i < work.statements().size(); i++) {
                Optional<String> error = runStatement(work, client, state, i, settings);
                if (error.isPresent()) {
                    return finish(work, store.update(step, node, s -> s.finish(Status.FAILED, now(), error.get(), null)));
                }
                state = store.node(step, node);
            }
            return finish(work, store.update(step, node, s -> s.finish(Status.DONE, now(), null, null)));
        } catch (ClickHouseException e) {
            // Unreachable, or the connection broke and the statement's fate is unknown: leave it
            // RUNNING so the next run reattaches instead of re-sending.
            LOG.debug("node {} step {}", node, step, e);
            NodeState s = store.node(step, node);
            String message = (e.connectionLost() ? "connection lost: " : "") + e.getMessage();
            if (s.status() == Status.RUNNING && s.statements().stream().anyMatch(x -> x.status() == StatementState.Outcome.SENT)) {
                return finish(work, store.update(step, node, st -> st.detached(message + "; run again to reattach")));
            }
            return finish(work, store.update(step, node, st -> st.finish(Status.FAILED, now(), message, null)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return store.node(step, node);
        }
    }

    /** Runs statement {@code i}; an empty result means done, otherwise the error. */
    private Optional<String> runStatement(NodeWork work, ClickHouseClient client, NodeState state, int i,
                                          Map<String, String> settings) throws InterruptedException {
        RenderedStatement statement = work.statements().get(i);
        StatementState recorded = state.statements().stream().filter(s -> s.index() == i + 1).findFirst().orElse(null);
        if (recorded != null && recorded.status() == StatementState.Outcome.DONE) {
            return Optional.empty();
        }
        String queryId = recorded != null && recorded.status() == StatementState.Outcome.SENT
                ? recorded.queryId()
                : QueryIds.of(runId, work.step().id(), work.node(), state.attempts(), i + 1);
        if (recorded != null && recorded.status() == StatementState.Outcome.SENT) {
            QueryOutcome earlier = sender.reattach(client, work.node(), queryId, running(work, queryId));
            if (earlier.state() != QueryOutcome.State.NOT_FOUND) {
                return record(work, recorded, earlier);
            }
            LOG.info("{} on {}: statement {} was never received by the server; sending it now", work.step().id(),
                    work.node().id(), queryId);
        }
        StatementState sent = StatementState.sent(i + 1, queryId, statement.checksum(), now());
        Optional<QueryOutcome> outcome = sender.send(client, work.node(), queryId, statement.sql(), settings, () -> {
            store.update(work.step().id(), work.node().id(), s -> s.withStatement(sent));
            listener.statementStarted(work.step(), work.node(), queryId, statement.sql());
        }, running(work, queryId));
        if (outcome.isEmpty()) {
            return Optional.of("statement " + (i + 1) + " not sent: the run was cancelled by the operator; run the step again to go on");
        }
        if (outcome.get().state() != QueryOutcome.State.FINISHED) {
            QueryOutcome failed = outcome.get();
            if (ServerError.in(failed.error()).orElse(null) == ServerError.UNFINISHED) {
                failed = new QueryOutcome(failed.state(), failed.rowsRead(), failed.rowsWritten(), failed.durationMs(),
                        failed.error() + ReplicaDiagnosis.describe(client, work.node()));
            }
            return record(work, sent, failed);
        }
        Instant answered = now();
        return record(work, sent, sender.logged(client, queryId), answered);
    }

    private Consumer<QueryOutcome> running(NodeWork work, String queryId) {
        return outcome -> listener.statementRunning(work.step(), work.node(), queryId, outcome);
    }

    private Optional<String> record(NodeWork work, StatementState sent, QueryOutcome outcome) {
        return record(work, sent, outcome, now());
    }

    /** @param ended when the statement ended as far as chrunbook saw it (the server's answer) */
    private Optional<String> record(NodeWork work, StatementState sent, QueryOutcome outcome, Instant ended) {
        boolean ok = outcome.state() == QueryOutcome.State.FINISHED;
        StatementState done = sent.finished(ok ? StatementState.Outcome.DONE : StatementState.Outcome.FAILED,
                outcome.rowsRead(), outcome.rowsWritten(), outcome.durationMs(), ended);
        store.update(work.step().id(), work.node().id(), s -> s.withStatement(done));
        String error = ok ? null : "statement " + sent.index() + " (" + sent.queryId() + "): " + describeFailure(sent, outcome);
        listener.statementFinished(work.step(), work.node(), done, work.settings(), error);
        return Optional.ofNullable(error);
    }

    /** A cancelled statement's message says what it left behind and how to clean it up. */
    private String describeFailure(StatementState sent, QueryOutcome outcome) {
        if (!sender.wasCancelled(sent.queryId())) {
            return outcome.error();
        }
        return "cancelled by the operator" + (outcome.rowsWritten() > 0 ? " after writing " + outcome.rowsWritten() + " row(s)" : "")
                + ". What it wrote before the cancel stays in its target table as partial data: remove it (TRUNCATE the"
                + " staging table, or DROP PARTITION), or keep it if a later dedupe step removes duplicates, then rerun the step";
    }

    private NodeState finish(NodeWork work, NodeState state) {
        listener.nodeFinished(work.step(), work.node(), state);
        return state;
    }

    private Instant now() {
        return store.clock().instant();
    }

    static boolean truthy(String value) {
        return value != null && !value.isBlank() && !value.equals("0") && !value.equalsIgnoreCase("false");
    }
}
