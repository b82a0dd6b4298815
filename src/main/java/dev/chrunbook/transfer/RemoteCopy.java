package dev.chrunbook.transfer;

import dev.chrunbook.Node;
import dev.chrunbook.Sleeper;
import dev.chrunbook.apply.NodeContext;
import dev.chrunbook.apply.StatementSender;
import dev.chrunbook.chunks.ChunkProgress;
import dev.chrunbook.chunks.ChunkQueue;
import dev.chrunbook.chunks.Lanes;
import dev.chrunbook.chunks.TablePreparer;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseConnector;
import dev.chrunbook.clickhouse.ClickHouseException;
import dev.chrunbook.clickhouse.QueryOutcome;
import dev.chrunbook.observe.ExecutionListener;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.ChunkState;
import dev.chrunbook.state.ChunkState.Phase;
import dev.chrunbook.state.SourceRange;
import dev.chrunbook.state.StateStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A target node's copy from another cluster: plans its chunks once from the source (the ledger in
 * the state, in sort-key order), then copies up to {@code parallel} at once, each checked against the
 * source before and after (the check after it beside the next copy), and prints the cursor as chunks
 * end. Rows never leave the servers.
 */
public final class RemoteCopy {
    /**
     * @param from       a cursor to start at (nothing before it is planned), when the state is fresh
     * @param retries    how often a chunk whose copy failed or differs is copied again, with a pause doubling from retryPause
     */
    public record Spec(Step step, Node node, String runId, RemoteSql sql, long fetchLimit, int parallel, int retries,
                       Duration retryPause, Map<String, String> settings, Optional<SourceRange> from) {
    }

    public record Result(boolean complete, long rows, String message) {
    }

    /** A problem with a chunk; retryable when copying it again may cure it. */
    private record Problem(String message, boolean retryable) {
    }

    private final Spec spec;
    private final StateStore store;
    private final ClickHouseConnector connector;
    private final Sleeper sleeper;
    private final ExecutionListener listener;
    private final Supplier<String> cursor;
    private final RemoteChunk chunk;
    private final ChunkQueue queue = ChunkQueue.inLedgerOrder(this::ledger);
    private final List<String> problems = new ArrayList<>();
    private final AtomicLong copiedRows = new AtomicLong();
    private Instant began;
    private final StatementSender sender;
    private TablePreparer tables;
    private ExecutorService checker;
    private ExecutorService sourceSide;

    /** @param cursor the copy's cursor over every shard, as the state has it now; @param placement where each shard's rows go */
    public RemoteCopy(Spec spec, Placement placement, StateStore store, ClickHouseConnector connector, Sleeper sleeper,
                      ExecutionListener listener, Supplier<String> cursor, String targetDefinition, StatementSender sender) {
        this.sender = sender;
        this.spec = spec;
        this.store = store;
        this.connector = connector;
        this.sleeper = sleeper;
        this.listener = listener;
        this.cursor = cursor;
        this.chunk = new RemoteChunk(spec.sql(), placement, connector, targetDefinition,
                new NodeContext(spec.runId(), spec.step(), spec.node(), spec.settings(), listener, sender, store.clock()));
    }

    private List<ChunkState> ledger() {
        return store.node(spec.step().id(), spec.node().id()).chunks();
    }

    private void save(ChunkState c) {
        store.update(spec.step().id(), spec.node().id(), s -> s.withChunk(c));
    }

    private ClickHouseClient connect() {
        return connector.connect(spec.node().host(), spec.node().httpPort());
    }

    public Result run() throws InterruptedException {
        try (chunk) {
            return copy();
        }
    }

    private Result copy() throws InterruptedException {
        began = store.clock().instant();
        try (ClickHouseClient client = connect()) {
            if (ledger().isEmpty()) {
                List<ChunkState> planned = new RemotePlanner(spec.fetchLimit()).plan(client, spec.sql(), spec.from().orElse(null));
                if (planned.isEmpty()) { // this shard has none of the rows; a filter that selects none anywhere is an error
                    RemotePreflight.noRows(client, spec.sql()).ifPresent(why -> {
                        throw dev.chrunbook.ChrunbookException.verificationFailed(why);
                    });
                }
                store.update(spec.step().id(), spec.node().id(), s -> s.withChunks(planned));
                listener.progress(spec.step(), spec.node(), "planned " + planned.size() + " chunk(s) of "
                        + planned.stream().mapToLong(ChunkState::plannedRows).sum() + " rows from " + spec.sql().source()
                        + spec.from().map(f -> " from cursor " + Cursor.of(f)).orElse(""));
            }
            for (ChunkState c : ledger()) { // what an earlier run left running ends first; its chunk is then checked anew
                if (c.phase() == Phase.COPYING) {
                    chunk.resolve(client, c);
                    save(c.redo("its copy " + c.queryId() + " was interrupted"));
                } else if (c.phase() == Phase.FAILED) {
                    save(c.redo(c.error()));
                }
            }
        }
        copyPending();
        long rows = ledger().stream().filter(c -> c.phase() == Phase.DONE && c.rows() != null).mapToLong(ChunkState::rows).sum();
        long notDone = ledger().stream().filter(c -> c.phase() != Phase.DONE).count();
        String at = "cursor " + cursor.get();
        if (!problems.isEmpty() || notDone > 0) {
            return new Result(false, rows, (!problems.isEmpty() ? String.join("\n", problems) : sender.stopping()
                    ? "cancelled by the operator: " + notDone + " chunk(s) not copied; those done are in the target" : notDone + " chunk(s) not done")
                    + "\n" + at + "; run the step again: done chunks stay, the others are checked and copied again");
        }
        int leftovers;
        try (ClickHouseClient client = connect()) {
            leftovers = chunk.dropLeftovers(client); // the copy is done on this node: no chunk table is in use
        }
        return new Result(true, rows, ledger().size() + " chunk(s), " + rows + " rows verified; " + copiedRows.get()
                + " rows copied by this run in " + Duration.between(began, store.clock().instant()).toSeconds() + " s; " + at
                + (leftovers > 0 ? "; dropped " + leftovers + " chunk table(s) interrupted runs left" : ""));
    }

    /**
     * Up to {@code parallel} lanes copy chunks; as many checkers compare each copy with the source and
     * attach it meanwhile (on sessions of their own), so that a lane's next copy waits neither for the
     * fingerprints nor for the ATTACH.
     */
    private void copyPending() throws InterruptedException {
        checker = Lanes.helpers(spec.parallel(), "chrunbook-" + spec.step().id() + "-remote-check");
        sourceSide = Lanes.helpers(spec.parallel(), "chrunbook-" + spec.step().id() + "-remote-source-fingerprint");
        try (ClickHouseClient prepareClient = connect(); TablePreparer tables = new TablePreparer("chrunbook-" + spec.step().id()
                + "-remote-tables", c -> chunk.freshTables(prepareClient, c), sender::stopping)) {
            this.tables = tables;
            Lanes.run(spec.parallel(), "chrunbook-" + spec.step().id() + "-remote", this::work, this::fail);
            checker.shutdown();
            while (!checker.awaitTermination(1, TimeUnit.SECONDS)) {
                // a check or an ATTACH still going: it runs to its end, never cut short
            }
        } finally {
            checker.shutdownNow();
            sourceSide.shutdownNow();
        }
    }

    /** One lane: takes chunks in the ledger's order until none is left (or the operator stops it), and hands each copy to the checker. */
    private void work() throws InterruptedException {
        try (ClickHouseClient client = connect()) {
            ChunkState c;
            while ((c = queue.take(sender::stopping)) != null) {
                Optional<Problem> problem = Optional.empty();
                for (int attempt = 0; attempt <= spec.retries(); attempt++) {
                    if (attempt > 0) {
                        Duration pause = spec.retryPause().multipliedBy(1L << Math.min(attempt - 1, 6));
                        listener.waiting(spec.step(), spec.node(), problem.get().message() + "; again in " + pause.toSeconds() + " s");
                        sleeper.sleep(pause);
                        c = current(c);
                    }
                    problem = send(client, c);
                    if (problem.isEmpty() || !problem.get().retryable()) {
                        break;
                    }
                }
                if (problem.isPresent()) {
                    save(current(c).failed(problem.get().message()));
                    fail(problem.get().message());
                }
            }
        }
    }

    /**
     * Copies one chunk into its table and hands it to the checker; a chunk whose rows an earlier run
     * put in, or verified in its table, is finished here. Empty when copied (or finished).
     */
    private Optional<Problem> send(ClickHouseClient client, ChunkState c) throws InterruptedException {
        try {
            long present = chunk.targetRows(client, c); // a count: the fingerprints only when rows are there
            if (present > 0 || c.phase() == Phase.COPIED) {
                return resume(client, c, present);
            }
            tables.claim(c, () -> chunk.freshTables(client, c));
            // the next chunks' tables while this one copies (not a verified copy's, whose table is attached as it is)
            tables.ahead(queue.upcoming().stream().filter(u -> u.phase() == Phase.PENDING).limit(spec.parallel()).toList());
            ChunkState sending = c.sending(chunk.nextQueryId(c), store.clock().instant());
            save(sending);
            QueryOutcome o = chunk.copy(client, sending);
            if (o.state() != QueryOutcome.State.FINISHED) {
                chunk.logged(sending, o, 0);
                save(sending.redo(o.error()));
                if (sender.wasCancelled(sending.queryId())) {
                    return Optional.of(new Problem(c.label() + " (" + sending.queryId() + "): cancelled by the operator: what it copied"
                            + " is only in its table " + chunk.table(c) + ", which the next run drops; the target is untouched", false));
                }
                return Optional.of(new Problem(c.label() + " (" + sending.queryId() + "): copy failed: " + o.error(), true));
            }
            queue.verifying();
            AtomicReference<ChunkState> again = new AtomicReference<>();
            checker.submit(() -> {
                try {
                    again.set(chunk.onCoordinator(client2 -> check(client2, sending, o)));
                } catch (RuntimeException e) {
                    fail("checking " + sending.label() + ": " + e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    queue.verified(again.get());
                }
            });
            return Optional.empty();
        } catch (ClickHouseException e) { // the source or target unreachable, or a statement refused
            return Optional.of(new Problem(c.label() + ": " + e.getMessage(), true));
        }
    }

    /** A chunk whose range already holds rows in the target, or that an earlier run verified in its table: finished, or a problem. */
    private Optional<Problem> resume(ClickHouseClient client, ChunkState c, long present) throws InterruptedException {
        RemoteChunk.Prints source = chunk.source(client, c);
        RemoteChunk.Prints target = present == 0 ? null : chunk.target(client, c);
        if (present > 0 && source.equals(target)) { // in already: an earlier run attached it, or the rows were there
            finish(client, c, source);
            return Optional.empty();
        }
        // a chunk verified in its table by an earlier run, whose ATTACH did not happen or not for every partition, goes on
        boolean ready = c.phase() == Phase.COPIED && chunk.tableExists(client, c) && chunk.copied(client, c).equals(source);
        if (!ready && present > 0) {
            return Optional.of(new Problem(c.label() + ": the target " + spec.sql().target() + " already holds " + target
                    + " of its range, the source " + source + "; copying would double rows: delete them from the target"
                    + " (or narrow team_ids / start / end), then run the step again", false));
        }
        if (!ready) { // its table is gone or differs: copied afresh
            save(c.redo("its table " + chunk.table(c) + " is gone or differs from the source"));
            return send(client, current(c));
        }
        return attach(client, c, source, false);
    }

    /**
     * On the checker: a chunk's copy against the source, both fingerprints read at once (the table's
     * on this node, the source's on the source). Verified, it is attached; differing (or unreadable),
     * it is pending again, to be copied afresh up to {@code retries} + 1 times, then failed. The
     * chunk to queue again, or null.
     */
    private ChunkState check(ClickHouseClient checkClient, ChunkState sending, QueryOutcome o) throws InterruptedException {
        String problem;
        try {
            Future<RemoteChunk.Prints> fromSource = sourceSide.submit(() -> chunk.onCoordinator(c -> chunk.source(c, sending)));
            RemoteChunk.Prints copied = chunk.copied(checkClient, sending);
            RemoteChunk.Prints source = Lanes.joined(fromSource);
            chunk.logged(sending, o, copied.rows());
            if (copied.equals(source)) {
                save(sending.copied(copied.rows(), copied.sum()));
                copiedRows.addAndGet(copied.rows());
                return attached(checkClient, sending, source);
            }
            problem = sending.label() + ": the copy holds " + copied + ", the source " + source;
        } catch (ClickHouseException e) {
            problem = sending.label() + ": checking its copy: " + e.getMessage();
        }
        save(sending.redo(problem));
        return again(sending, problem, "copying it again", "copies");
    }

    /** A verified chunk put in; refused, it stays verified in its table and is queued again, to be attached (not copied) by a lane. */
    private ChunkState attached(ClickHouseClient checkClient, ChunkState verified, RemoteChunk.Prints source) throws InterruptedException {
        try {
            attach(checkClient, verified, source, true).ifPresent(p -> {
                save(current(verified).failed(p.message()));
                fail(p.message());
            });
            return null;
        } catch (ClickHouseException e) {
            return again(verified, verified.label() + ": attaching it: " + e.getMessage(), "attaching it again", "tries");
        }
    }

    /** The chunk to take again, up to {@code retries} + 1 times in this run; then failed. None when the operator stops the copy. */
    private ChunkState again(ChunkState c, String problem, String what, String times) {
        if (sender.stopping()) {
            return null; // left as it is: the next run copies (or attaches) it
        }
        if (queue.copies(c) <= spec.retries()) {
            listener.waiting(spec.step(), spec.node(), problem + "; " + what);
            return current(c);
        }
        problem += " after " + queue.copies(c) + " " + times; // a take of the chunk: a copy, or an attach of a verified one
        save(current(c).failed(problem));
        fail(problem);
        return null;
    }

    /** Attaches a verified chunk's table to the target and checks the target's count of its range; {@code fresh}: none of its rows were there. */
    private Optional<Problem> attach(ClickHouseClient client, ChunkState c, RemoteChunk.Prints source, boolean fresh)
            throws InterruptedException {
        Optional<String> partial = chunk.attach(client, current(c), fresh);
        if (partial.isPresent()) {
            return Optional.of(new Problem(c.label() + ": " + partial.get() + "; the chunk table " + chunk.table(c) + " is kept", false));
        }
        // ATTACH adds the verified chunk table's parts as they are: their row count in the target tells that it happened
        long after = chunk.targetRows(client, c);
        if (after != source.rows()) {
            return Optional.of(new Problem(c.label() + ": after ATTACH PARTITION the target holds " + after + " rows of its range,"
                    + " the source " + source + "; the chunk table " + chunk.table(c) + " is kept for a look", false));
        }
        finish(client, c, source);
        return Optional.empty();
    }

    private ChunkState current(ChunkState c) {
        return ledger().stream().filter(x -> x.index() == c.index()).findFirst().orElse(c);
    }

    private void finish(ClickHouseClient client, ChunkState c, RemoteChunk.Prints source) throws InterruptedException {
        ChunkState now = current(c);
        save((now.phase() == Phase.COPIED ? now : now.copied(source.rows(), source.sum())).done());
        chunk.drop(client, c);
        listener.cursor(spec.step(), spec.node(), cursor.get(), ChunkProgress.line(ledger(), copiedRows.get(), began, store.clock().instant()));
    }

    private void fail(String problem) {
        synchronized (problems) {
            problems.add(spec.node().id() + ": " + problem);
        }
    }
}
