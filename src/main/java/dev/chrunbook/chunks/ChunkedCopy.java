package dev.chrunbook.chunks;

import dev.chrunbook.Node;
import dev.chrunbook.Sleeper;
import dev.chrunbook.apply.NodeContext;
import dev.chrunbook.apply.StatementSender;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseConnector;
import dev.chrunbook.clickhouse.ClickHouseException;
import dev.chrunbook.clickhouse.QueryOutcome;
import dev.chrunbook.observe.ExecutionListener;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.ChunkState;
import dev.chrunbook.state.ChunkState.Phase;
import dev.chrunbook.state.StateStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A node's chunked copy: plans the chunks once (the ledger in the state), resolves what an earlier
 * run left, copies up to {@code parallel} chunks at once with a pause between chunks while the
 * throttle holds, and puts each partition into the target as soon as all its chunks are copied
 * and verified. Rows never leave the server.
 */
public final class ChunkedCopy {
    /**
     * @param margin        fingerprints compare the rows ingested before a chunk's copy began minus this
     * @param verifyRetries how often a chunk whose copy differs from the source is copied again
     */
    /** @param targetDefinition the target's CREATE statement, which each chunk's table is made like */
    public record Spec(Step step, Node node, String runId, ChunkSql sql, String targetDefinition, ChunkPlanner.Limits limits, int parallel,
                       Duration margin, int verifyRetries, Throttle throttle, Duration throttleTimeout,
                       Map<String, String> settings, boolean rerun) {
    }

    /** How the copy on the node ended. */
    public record Result(boolean complete, long rows, String message) {
    }

    private static final Duration THROTTLE_POLL = Duration.ofSeconds(1);

    private final Spec spec;
    private final StateStore store;
    private final ClickHouseConnector connector;
    private final Sleeper sleeper;
    private final ExecutionListener listener;
    private final StatementSender sender;
    private final ChunkQueue queue = ChunkQueue.largestFirst(this::ledger);
    private final java.util.Set<String> assembling = new java.util.HashSet<>();
    private final List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>()); // lanes and helpers add
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong copiedRows = new AtomicLong();
    private final ChunkCopier copier;
    private final ChunkAssembly assembly;
    private volatile Instant began;
    /** What the lanes share while chunks are copied: set once before they start, read by them and by the helpers. */
    private volatile Helpers helpers;

    /**
     * The helpers of one copy: the throttle measured in the background, the tables prepared ahead, and
     * the single-threaded verifier, assembler and recorder, each with its own connection.
     */
    private record Helpers(ThrottleWatch throttle, TablePreparer tables, ExecutorService assembler, ExecutorService verifier,
                           ExecutorService recorder, ClickHouseClient assemblyClient, ClickHouseClient verifyClient,
                           ClickHouseClient recordClient) {
    }

    public ChunkedCopy(Spec spec, StateStore store, ClickHouseConnector connector, Sleeper sleeper, ExecutionListener listener,
                       StatementSender sender) {
        this.spec = spec;
        this.store = store;
        this.connector = connector;
        this.sleeper = sleeper;
        this.listener = listener;
        this.sender = sender;
        this.copier = new ChunkCopier(spec.sql(), spec.targetDefinition(), spec.margin(), new NodeContext(spec.runId(), spec.step(),
                spec.node(), spec.settings(), listener, sender, store.clock()));
        this.assembly = new ChunkAssembly(spec.sql(), spec.targetDefinition(), spec.margin(), sender);
    }

    private List<ChunkState> ledger() {
        return store.node(spec.step().id(), spec.node().id()).chunks();
    }

    private void save(ChunkState c) {
        store.update(spec.step().id(), spec.node().id(), s -> s.withChunk(c));
    }

    /** Changes every chunk of a partition in one update of the state. */
    private void saveAll(String partition, java.util.function.UnaryOperator<ChunkState> change) {
        store.update(spec.step().id(), spec.node().id(), s -> s.withChunks(s.chunks().stream()
                .map(c -> c.partitions().contains(partition) ? change.apply(c) : c).toList()));
    }

    private ClickHouseClient connect() {
        return connector.connect(spec.node().host(), spec.node().httpPort());
    }

    public Result run() throws InterruptedException {
        began = store.clock().instant();
        try (ClickHouseClient client = connect()) {
            if (ledger().isEmpty()) {
                List<ChunkState> planned = new ChunkPlanner(spec.sql(), spec.limits()).plan(client);
                store.update(spec.step().id(), spec.node().id(), s -> s.withChunks(planned));
                listener.progress(spec.step(), spec.node(), "planned " + planned.size() + " chunk(s) of "
                        + planned.stream().mapToLong(ChunkState::plannedRows).sum() + " rows");
            }
            resolveEarlier(client);
            if (spec.rerun()) {
                reverify(client);
            }
            for (String partition : ChunkAssembly.units(ledger())) {
                assemble(client, partition);
            }
            assembly.dropLeftovers(client, ledger());
        }
        copyPending();
        long rows = ledger().stream().filter(c -> c.phase() == Phase.DONE && c.rows() != null).mapToLong(ChunkState::rows).sum();
        long notDone = ledger().stream().filter(c -> c.phase() != Phase.DONE).count();
        if (!problems.isEmpty() || notDone > 0) {
            return new Result(false, rows, (!problems.isEmpty() ? String.join("\n", problems) : sender.stopping()
                    ? "cancelled by the operator: " + notDone + " chunk(s) not copied; those done are in the target" : notDone + " chunk(s) not done")
                    + "\nrun the step again: done chunks stay, the others are copied again");
        }
        long seconds = Math.max(1, Duration.between(began, store.clock().instant()).toSeconds());
        return new Result(true, rows, ledger().size() + " chunk(s), " + rows + " rows verified; " + copiedRows.get()
                + " rows copied by this run in " + seconds + " s");
    }

    /** A chunk an earlier run sent is watched or verified; a failed one is copied again. */
    private void resolveEarlier(ClickHouseClient client) throws InterruptedException {
        for (ChunkState c : ledger()) {
            if (c.phase() == Phase.COPYING) {
                QueryOutcome o = copier.resolve(client, c);
                ChunkCopier.Outcome v = o.state() == QueryOutcome.State.FINISHED ? copier.verify(client, c) : null;
                save(v != null && v.copied() ? v.chunk() : c.redo("its copy " + c.queryId() + " "
                        + (v != null ? "differs: " + v.problem() : o.state().name().toLowerCase() + (o.error() == null ? "" : ": " + o.error()))));
            } else if (c.phase() == Phase.FAILED) {
                save(c.redo(c.error()));
            }
        }
    }

    /** With --rerun: every done partition is compared with the source again; one that differs is copied again. */
    private void reverify(ClickHouseClient client) {
        for (String partition : ledger().stream().flatMap(c -> c.partitions().stream()).distinct().toList()) {
            List<ChunkState> chunks = chunksOf(partition);
            if (chunks.stream().allMatch(c -> c.phase() == Phase.DONE)) {
                assembly.differs(client, partition, chunks).ifPresent(problem -> {
                    listener.waiting(spec.step(), spec.node(), problem + ": copying partition " + partition + " again");
                    saveAll(partition, c -> c.redo(problem));
                });
            }
        }
    }

    /**
     * Up to {@code parallel} workers copy chunks; one verifier compares each copy with the source and
     * one assembler puts their partitions into the target meanwhile, so that a worker's next INSERT
     * waits neither for the checks nor for REPLACE PARTITION; a recorder reads query_log for the audit,
     * which neither of them then waits for.
     */
    private void copyPending() throws InterruptedException {
        int threads = (int) Math.max(1, Math.min(spec.parallel(), ledger().stream().filter(c -> c.phase() == Phase.PENDING).count()));
        try (ClickHouseClient assemblyClient = connect(); ClickHouseClient verifyClient = connect(); ClickHouseClient prepareClient = connect();
             ClickHouseClient recordClient = connect();
             TablePreparer tables = new TablePreparer("chrunbook-" + spec.step().id() + "-tables", c -> copier.freshTable(prepareClient, c),
                     () -> stop.get() || sender.stopping());
             ThrottleWatch watch = new ThrottleWatch(spec.throttle(), this::connect, THROTTLE_POLL, "chrunbook-" + spec.step().id() + "-throttle")) {
            ExecutorService assembler = Lanes.helper("chrunbook-" + spec.step().id() + "-assembly");
            ExecutorService verifier = Lanes.helper("chrunbook-" + spec.step().id() + "-verify");
            ExecutorService recorder = Lanes.helper("chrunbook-" + spec.step().id() + "-record");
            helpers = new Helpers(watch, tables, assembler, verifier, recorder, assemblyClient, verifyClient, recordClient);
            try {
                Lanes.run(threads, "chrunbook-" + spec.step().id() + "-chunks", this::work, this::fail);
                for (ExecutorService pool : List.of(verifier, assembler, recorder)) { // the verifier hands partitions to the assembler
                    pool.shutdown();
                    while (!pool.awaitTermination(1, java.util.concurrent.TimeUnit.SECONDS)) {
                        // checks and partitions still going in: REPLACE runs to its end, never cut short
                    }
                }
            } finally {
                verifier.shutdownNow();
                assembler.shutdownNow();
                recorder.shutdownNow();
            }
        }
    }

    /** Work handed to one of the helpers, run there one task at a time in order, on the helper's own connection. */
    private void offPath(ExecutorService helper, Lanes.Work task, String what, Runnable after) {
        helper.submit(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                fail(spec.node().id() + ": " + what + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                after.run();
            }
        });
    }

    /** One worker: takes pending chunks one by one until none is left (or the copy stops), and hands each copy on to be verified. */
    private void work() throws InterruptedException {
        try (ClickHouseClient client = connect()) {
            ChunkState c;
            while ((c = queue.take(() -> stop.get() || sender.stopping())) != null) {
                if (!throttle()) {
                    return;
                }
                ChunkCopier.Outcome o = copyOnce(client, c);
                if (!o.copied()) {
                    save(o.chunk().failed(o.problem()));
                    fail(o.problem());
                    if (copier.cancelled(o.chunk())) {
                        stop.set(true);
                    }
                    continue;
                }
                ChunkState sent = o.chunk();
                queue.verifying();
                AtomicReference<ChunkState> again = new AtomicReference<>();
                offPath(helpers.verifier(), () -> again.set(verify(sent)), "verifying " + sent.label(), () -> queue.verified(again.get()));
            }
        } catch (ClickHouseException e) {
            fail(spec.node().id() + ": " + e.getMessage());
        }
    }

    /** Waits while the throttle holds; false when it held longer than its timeout (the copy fails) or the run is cancelled. */
    private boolean throttle() throws InterruptedException {
        var held = Throttle.await(helpers.throttle()::holds, sleeper, THROTTLE_POLL, spec.throttleTimeout(), sender::stopping,
                hold -> listener.waiting(spec.step(), spec.node(), hold));
        if (held.isPresent() && !sender.stopping()) { // a cancel is reported as such once the workers stop
            fail(held.get());
            stop.set(true);
        }
        return held.isEmpty();
    }

    /** Copies a chunk into its fresh temporary table: the chunk as sent, or why its copy failed. */
    private ChunkCopier.Outcome copyOnce(ClickHouseClient client, ChunkState c) throws InterruptedException {
        helpers.tables().claim(c, () -> copier.freshTable(client, c));
        helpers.tables().ahead(queue.upcoming().stream().limit(spec.parallel()).toList()); // the next chunks' tables, while this one copies
        ChunkState sending = c.sending(copier.nextQueryId(c), store.clock().instant());
        save(sending);
        QueryOutcome sent = copier.send(client, sending);
        if (sent.state() != QueryOutcome.State.FINISHED) {
            String why = copier.cancelled(sending) ? "cancelled by the operator: what it wrote is only in its temporary table "
                    + spec.sql().chunkTable(sending) + ", which the next run drops; the target is untouched"
                    : "copy failed: " + sent.error();
            return new ChunkCopier.Outcome(sending, sending.label() + " (" + sending.queryId() + "): " + why);
        }
        offPath(helpers.recorder(), () -> copier.logSuccess(helpers.recordClient(), sending), "recording " + sending.queryId(), () -> { });
        return new ChunkCopier.Outcome(sending, null);
    }

    /**
     * On the verifier: a chunk's copy against the source. Verified, it is saved as copied and its
     * partitions go in; differing, it is pending again (returned) until it has been copied
     * {@code verify_retries} + 1 times, then failed.
     */
    private ChunkState verify(ChunkState sent) {
        ChunkCopier.Outcome verified = copier.verify(helpers.verifyClient(), sent);
        if (verified.copied()) {
            save(verified.chunk());
            copiedRows.addAndGet(verified.chunk().rows());
            String partition = sent.partition();
            offPath(helpers.assembler(), () -> assemble(helpers.assemblyClient(), partition), "putting partition " + partition + " in", () -> { });
            progress();
            return null;
        }
        if (stop.get() || sender.stopping()) { // not taken again by this run: the next copies it afresh
            save(sent.redo(verified.problem()));
            return null;
        }
        if (queue.copies(sent) <= spec.verifyRetries()) {
            listener.waiting(spec.step(), spec.node(), verified.problem() + "; copying it again");
            ChunkState again = sent.redo(verified.problem());
            save(again);
            return again;
        }
        String problem = verified.problem() + " after " + queue.copies(sent) + " copies";
        save(sent.failed(problem));
        fail(problem);
        return null;
    }

    /**
     * Puts a chunk's partitions into the target once every chunk holding them is copied (a chunk of
     * whole partitions alone, the ranges of a split partition together), then checks them there.
     */
    private void assemble(ClickHouseClient client, String partition) {
        synchronized (assembling) {
            List<ChunkState> chunks = chunksOf(partition);
            if (chunks.isEmpty() || !chunks.stream().allMatch(c -> c.phase() == Phase.COPIED) || !assembling.add(partition)) {
                return;
            }
        }
        try {
            List<ChunkState> chunks = chunksOf(partition);
            var problem = assembly.replace(client, partition, chunks);
            if (problem.isPresent()) {
                saveAll(partition, c -> c.failed(problem.get()));
                fail(problem.get());
            } else {
                saveAll(partition, ChunkState::done); // at once: a crash leaves them all done or all copied
                assembly.cleanUp(client, partition, chunks);
            }
        } finally {
            synchronized (assembling) {
                assembling.remove(partition);
            }
        }
    }

    private List<ChunkState> chunksOf(String partition) {
        return ChunkAssembly.chunksOf(ledger(), partition);
    }

    private void fail(String problem) {
        problems.add(problem);
    }

    /** Chunks done of all, rows per second over this run's chunks, and an ETA from the planned rows left. */
    private void progress() {
        listener.progress(spec.step(), spec.node(), ChunkProgress.line(ledger(), copiedRows.get(), began, store.clock().instant()));
    }
}
