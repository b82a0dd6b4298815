package dev.chrunbook.transfer;

import dev.chrunbook.Node;
import dev.chrunbook.Sleeper;
import dev.chrunbook.apply.Cancellations;
import dev.chrunbook.apply.QueryWatch;
import dev.chrunbook.chunks.ChunkProgress;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A target node's copy from another cluster: plans its chunks once from the source (the ledger in
 * the state, in sort-key order), then copies up to {@code parallel} at once, each checked against the
 * source before and after, and prints the cursor as chunks end. Rows never leave the servers.
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
    private final Set<Integer> taken = new HashSet<>();
    private final List<String> problems = new ArrayList<>();
    private final AtomicLong copiedRows = new AtomicLong();
    private Instant began;
    private final Cancellations cancellations;

    /** @param cursor the copy's cursor over every shard, as the state has it now */
    public RemoteCopy(Spec spec, StateStore store, ClickHouseConnector connector, Sleeper sleeper, ExecutionListener listener,
                      Supplier<String> cursor, String targetDefinition, Cancellations cancellations) {
        this.cancellations = cancellations;
        this.spec = spec;
        this.store = store;
        this.connector = connector;
        this.sleeper = sleeper;
        this.listener = listener;
        this.cursor = cursor;
        this.chunk = new RemoteChunk(spec.sql(), targetDefinition, spec.settings(), spec.runId(), spec.step(), spec.node(),
                new QueryWatch(sleeper), listener, store.clock(), cancellations);
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
        began = store.clock().instant();
        try (ClickHouseClient client = connect()) {
            if (ledger().isEmpty()) {
                List<ChunkState> planned = plan(client);
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
            return new Result(false, rows, (!problems.isEmpty() ? String.join("\n", problems) : cancellations.stopping()
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

    private List<ChunkState> plan(ClickHouseClient client) {
        List<RemotePlanner.Day> days = new ArrayList<>();
        for (List<String> r : client.select(spec.sql().plan(spec.from().orElse(null)))) {
            days.add(new RemotePlanner.Day(Long.parseLong(r.get(0)), Long.parseLong(r.get(1)), Long.parseLong(r.get(2))));
        }
        return new RemotePlanner(spec.fetchLimit()).plan(days, spec.from().orElse(null));
    }

    private void copyPending() throws InterruptedException {
        dev.chrunbook.chunks.Lanes.run(spec.parallel(), "chrunbook-" + spec.step().id() + "-remote", this::work, this::fail);
    }

    private void work() throws InterruptedException {
        java.util.concurrent.ExecutorService beside = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "chrunbook-" + spec.step().id() + "-remote-fingerprint");
            t.setDaemon(true);
            return t;
        });
        try (ClickHouseClient client = connect(); ClickHouseClient side = connect()) {
            Side sideLane = new Side(side, beside);
            ChunkState c;
            while (!cancellations.stopping() && (c = next()) != null) {
                Optional<Problem> problem = Optional.empty();
                for (int attempt = 0; attempt <= spec.retries(); attempt++) {
                    if (attempt > 0) {
                        Duration pause = spec.retryPause().multipliedBy(1L << Math.min(attempt - 1, 6));
                        listener.waiting(spec.step(), spec.node(), problem.get().message() + "; again in " + pause.toSeconds() + " s");
                        sleeper.sleep(pause);
                        c = current(c);
                    }
                    problem = process(client, sideLane, c);
                    if (problem.isEmpty() || !problem.get().retryable()) {
                        break;
                    }
                }
                if (problem.isPresent()) {
                    save(current(c).failed(problem.get().message()));
                    fail(problem.get().message());
                }
                listener.cursor(spec.step(), spec.node(), cursor.get(), ChunkProgress.line(ledger(), copiedRows.get(), began,
                        store.clock().instant()));
            }
        } finally {
            beside.shutdownNow();
        }
    }

    /** A lane's second connection and the thread it is used on: the source's fingerprint is read there while the copy's is read here. */
    private record Side(ClickHouseClient client, java.util.concurrent.ExecutorService thread) {
        <T> java.util.concurrent.CompletableFuture<T> run(java.util.function.Supplier<T> query) {
            return java.util.concurrent.CompletableFuture.supplyAsync(query, thread);
        }
    }

    /** A query's answer from the side thread, with the failure it threw (a ClickHouseException) as its own. */
    private static <T> T joined(java.util.concurrent.CompletableFuture<T> f) throws InterruptedException {
        try {
            return f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The next chunk not done, in the ledger's (the sort key's) order, so that the cursor moves on steadily. */
    private synchronized ChunkState next() {
        for (ChunkState c : ledger()) {
            if (c.phase() != Phase.DONE && taken.add(c.index())) {
                return c;
            }
        }
        return null;
    }

    private ChunkState current(ChunkState c) {
        return ledger().stream().filter(x -> x.index() == c.index()).findFirst().orElse(c);
    }

    /**
     * Copies, checks and attaches one chunk. The source's fingerprint is read once, when first needed:
     * after the copy for a new chunk, beside the copy's own (read beside the copy, it slowed the copy
     * down more than it took alone).
     */
    private Optional<Problem> process(ClickHouseClient client, Side beside, ChunkState c) throws InterruptedException {
        try {
            RemoteChunk.Print[] memo = new RemoteChunk.Print[1];
            java.util.function.Supplier<RemoteChunk.Print> source = () -> memo[0] != null ? memo[0] : (memo[0] = chunk.source(client, c));
            long present = chunk.targetRows(client, c); // a count: the full fingerprint only when rows are there
            RemoteChunk.Print target = present == 0 ? null : chunk.target(client, c);
            if (present > 0 && source.get().equals(target)) { // in already: an earlier run attached it, or the rows were there
                finish(client, c, source.get());
                return Optional.empty();
            }
            // a chunk verified in its table by an earlier run, whose ATTACH did not happen or not for every partition, goes on
            boolean ready = c.phase() == Phase.COPIED && chunk.tableExists(client, c) && chunk.copied(client, c).equals(source.get());
            if (present > 0 && !ready) {
                return Optional.of(new Problem(c.label() + ": the target " + spec.sql().target() + " already holds " + target
                        + " of its range, the source " + source.get() + "; copying would double rows: delete them from the target"
                        + " (or narrow team_ids / start / end), then run the step again", false));
            }
            if (!ready) {
                ChunkState sending = c.sending(chunk.nextQueryId(c), store.clock().instant());
                save(sending);
                QueryOutcome o = chunk.copy(client, sending);
                if (o.state() != QueryOutcome.State.FINISHED) {
                    chunk.logged(sending, o, 0);
                    save(sending.redo(o.error()));
                    if (cancellations.wasCancelled(sending.queryId())) {
                        return Optional.of(new Problem(c.label() + " (" + sending.queryId() + "): cancelled by the operator: what it copied"
                                + " is only in its table " + chunk.table(c) + ", which the next run drops; the target is untouched", false));
                    }
                    return Optional.of(new Problem(c.label() + " (" + sending.queryId() + "): copy failed: " + o.error(), true));
                }
                // both fingerprints at once: the chunk table's is read on this node, the source's (on the side connection) on the source
                var fromSource = memo[0] != null ? java.util.concurrent.CompletableFuture.completedFuture(memo[0])
                        : beside.run(() -> chunk.source(beside.client(), c));
                RemoteChunk.Print copied = chunk.copied(client, sending);
                memo[0] = joined(fromSource);
                chunk.logged(sending, o, copied.rows());
                if (!copied.equals(source.get())) {
                    save(sending.redo("differs"));
                    return Optional.of(new Problem(c.label() + ": the copy holds " + copied + ", the source " + source.get(), true));
                }
                save(sending.copied(copied.rows(), copied.sum()));
                copiedRows.addAndGet(copied.rows());
            }
            Optional<String> partial = chunk.attach(client, current(c), present == 0);
            if (partial.isPresent()) {
                return Optional.of(new Problem(c.label() + ": " + partial.get() + "; the chunk table " + chunk.table(c) + " is kept", false));
            }
            // ATTACH adds the verified chunk table's parts as they are: their row count in the target tells that it happened
            long after = chunk.targetRows(client, c);
            if (after != source.get().rows()) {
                return Optional.of(new Problem(c.label() + ": after ATTACH PARTITION the target holds " + after + " rows of its range,"
                        + " the source " + source.get() + "; the chunk table " + chunk.table(c) + " is kept for a look", false));
            }
            finish(client, c, source.get());
            return Optional.empty();
        } catch (ClickHouseException e) { // the source or target unreachable, or a statement refused
            return Optional.of(new Problem(c.label() + ": " + e.getMessage(), true));
        }
    }

    private void finish(ClickHouseClient client, ChunkState c, RemoteChunk.Print source) {
        ChunkState now = current(c);
        save((now.phase() == Phase.COPIED ? now : now.copied(source.rows(), source.sum())).done());
        chunk.drop(client, c);
    }

    private void fail(String problem) {
        synchronized (problems) {
            problems.add(spec.node().id() + ": " + problem);
        }
    }
}
