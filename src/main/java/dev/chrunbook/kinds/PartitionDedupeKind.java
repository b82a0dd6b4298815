package dev.chrunbook.kinds;

import dev.chrunbook.catalog.Catalog;

import dev.chrunbook.Node;
import dev.chrunbook.SqlQuoting;
import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.apply.QueryIds;
import dev.chrunbook.apply.StatementSender;
import dev.chrunbook.chunks.ChunkPlanner;
import dev.chrunbook.chunks.ChunkSql;
import dev.chrunbook.chunks.Throttle;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseException;
import dev.chrunbook.clickhouse.QueryOutcome;
import dev.chrunbook.state.ChunkState;
import dev.chrunbook.state.ChunkState.Phase;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.state.StatementState;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code kind: partition-dedupe}: {@code OPTIMIZE TABLE t PARTITION p FINAL DEDUPLICATE} one partition
 * at a time on each node, only for partitions with more than one part or with duplicates of the sort
 * key, each refused unless the node's free disk is at least {@code disk_factor} times the
 * partition's bytes. The partitions are a ledger in the state: a rerun resumes at the first one not done.
 */
final class PartitionDedupeKind extends BuiltInKind {
    static final ParamBlock BLOCK = ParamBlock.named("dedupe").required("table").whole("disk_factor", 2).whole("max_queue", 0)
            .whole("max_parts", 0).whole("max_merges", 0).duration("timeout", "0s");

    /** A node's {@code dedupe:} block, read once. */
    record Settings(String table, long diskFactor, long maxQueue, long maxParts, long maxMerges) {
        Settings(ParamBlock.Values v) {
            this(v.text("table"), v.whole("disk_factor"), v.whole("max_queue"), v.whole("max_parts"), v.whole("max_merges"));
        }
    }

    PartitionDedupeKind() {
        super(BLOCK);
    }

    @Override
    public String name() {
        return "partition-dedupe";
    }

    @Override
    public List<String> preview(NodeWork work, Services.Probes probes, NodeState state) {
        List<ChunkState> ledger = state == null ? List.of() : state.chunks();
        if (ledger.isEmpty()) {
            return List.of("partitions of " + new Settings(values(work)).table() + " with more than one part or with duplicates are"
                    + " listed when it runs, and deduplicated one at a time");
        }
        List<String> lines = new ArrayList<>();
        long done = ledger.stream().filter(c -> c.phase() == Phase.DONE).count();
        lines.add("ledger: " + done + " of " + ledger.size() + " partition(s) deduplicated; the others:");
        ledger.stream().filter(c -> c.phase() != Phase.DONE).forEach(c -> lines.add("  partition " + c.partition() + ": "
                + c.plannedBytes() + " bytes, " + c.phase().label()));
        return lines;
    }

    @Override
    public boolean changesCluster() {
        return true;
    }

    @Override
    public Optional<Bulk> bulk(NodeWork work) {
        return Optional.of(new Bulk(new Settings(values(work)).table(), false));
    }

    @Override
    public boolean bulky() {
        return true;
    }

    @Override
    Outcome run(NodeWork work, Services services) throws InterruptedException {
        StateStore store = services.store();
        Node node = work.node();
        Settings settings = new Settings(values(work));
        String table = settings.table();
        String where = "step '" + work.step().id() + "' on " + node.id();
        try (ClickHouseClient client = services.probes().connector().connect(node.host(), node.httpPort())) {
            if (ledger(work, store).isEmpty()) {
                List<ChunkState> planned = plan(client, services.database(), table);
                store.update(work.step().id(), node.id(), s -> s.withChunks(planned));
            }
            Throttle throttle = new Throttle(store.dir().resolve(Throttle.PAUSE_FILE), services.database(), table,
                    settings.maxQueue(), settings.maxParts(), settings.maxMerges(), Optional.empty());
            long factor = settings.diskFactor();
            StatementSender sender = services.sender();
            List<ChunkState> all = ledger(work, store);
            int done = 0;
            for (ChunkState c : all) {
                if (c.phase() == Phase.DONE) {
                    done++;
                    continue;
                }
                if (c.phase() == Phase.COPYING && sender.reattach(client, node, c.queryId(), o -> { }).state() == QueryOutcome.State.FINISHED) {
                    save(work, store, c.done());
                    done++;
                    continue;
                }
                // the dedupe waits as long as the throttle holds: a partition deferred costs nothing
                Optional<String> held = Throttle.await(() -> throttle.holds(client), services.sleeper(), Duration.ofSeconds(1),
                        Duration.ofMillis(Long.MAX_VALUE), sender::stopping, why -> services.listener().waiting(work.step(), node, why));
                long free = services.probes().freeDisk().applyAsLong(node);
                if (held.isEmpty() && free < factor * c.plannedBytes()) {
                    String problem = "partition " + c.partition() + " of " + table + " holds " + c.plannedBytes() + " bytes; "
                            + node.id() + " has " + free + " bytes free, less than disk_factor " + factor + " x that: free disk"
                            + " or lower disk_factor, then run the step again (" + done + " of " + all.size() + " partitions done)";
                    return Outcome.refused(problem);
                }
                ChunkState sending = c.sending(QueryIds.of(store.state().runId(), work.step().id() + "-p" + c.index(), node,
                        c.attempts() + 1, 1), store.clock().instant());
                String sql = "OPTIMIZE TABLE " + SqlQuoting.identifier(services.database()) + "." + SqlQuoting.identifier(table)
                        + " PARTITION ID " + SqlQuoting.literal(sending.partition()) + " FINAL DEDUPLICATE";
                Optional<QueryOutcome> sent = held.isPresent() ? Optional.empty() : sender.send(client, node, sending.queryId(), sql, Map.of(), () -> {
                    save(work, store, sending);
                    services.listener().statementStarted(work.step(), node, sending.queryId(), sql);
                }, o -> services.listener().statementRunning(work.step(), node, sending.queryId(), o));
                if (sent.isEmpty()) {
                    return Outcome.cancelled("on " + node.id() + " before partition " + c.partition() + " (" + done + " of "
                            + all.size() + " partitions done; the rerun resumes there)");
                }
                QueryOutcome o = sent.get().state() == QueryOutcome.State.FINISHED ? sender.logged(client, sending.queryId()) : sent.get();
                boolean ok = o.state() == QueryOutcome.State.FINISHED;
                String failure = ok ? null : sender.wasCancelled(sending.queryId())
                        ? "cancelled by the operator while it ran (an OPTIMIZE stopped midway leaves the partition as it was)" : o.error();
                services.listener().statementFinished(work.step(), node, StatementState.sent(sending.index(), sending.queryId(),
                        "partition", sending.started()).finished(ok ? StatementState.Outcome.DONE : StatementState.Outcome.FAILED,
                        o.rowsRead(), o.rowsWritten(), o.durationMs(), store.clock().instant()), Map.of(), failure);
                if (!ok) {
                    save(work, store, sending.failed(failure));
                    String error = where + ": partition " + c.partition() + ": " + failure + "; run the step again (it resumes there)";
                    return Outcome.failed(error);
                }
                save(work, store, sending.done());
                done++;
                services.listener().progress(work.step(), node, "partitions " + done + "/" + all.size() + " deduplicated");
            }
            return Outcome.done(done, done + " partition(s) of " + table + " deduplicated one at a time; partitions with one part"
                    + " and no duplicates skipped");
        }
    }

    /**
     * Partitions with more than one part, or one part that holds duplicates of the sort key: counted
     * by a 64-bit hash of the key (8 bytes an entry where the key's tuple took about 300), in the
     * partition the server prunes to by its key (18.16 reads every part for a condition on
     * _partition_id). A hash that two keys share counts as a duplicate: a partition deduplicated
     * for nothing, never one left as it is.
     */
    private static List<ChunkState> plan(ClickHouseClient client, String db, String table) {
        Catalog catalog = new Catalog(client);
        String key = catalog.sortingKey(db, table)
                .orElseThrow(() -> new ClickHouseException("table " + db + "." + table + " does not exist", null, false));
        ChunkSql partitions = ChunkPlanner.locate(client, new ChunkSql(db, table, table, List.of(), "", "", ""));
        String from = " FROM " + SqlQuoting.identifier(db) + "." + SqlQuoting.identifier(table) + " WHERE ";
        String hashed = "uniqExact(cityHash64(" + key + "))";
        if (!key.isBlank() && !computes(client, "SELECT " + hashed + from + "0")) {
            hashed = "uniqExact(cityHash64(toString(tuple(" + key + "))))"; // a key of a type the server does not hash (a UUID on 18.16)
        }
        List<ChunkState> out = new ArrayList<>();
        for (Catalog.Partition p : catalog.partitions(db, table)) {
            boolean needed = p.parts() > 1 || (!key.isBlank() && !"0".equals(client.selectOne("SELECT count() - " + hashed + from
                    + partitions.partitionWhere(p.id()))));
            if (needed) {
                out.add(ChunkState.planned(out.size() + 1, p.id(), null, null, p.rows(), p.bytes()));
            }
        }
        return out;
    }

    private static boolean computes(ClickHouseClient client, String sql) {
        try {
            client.select(sql);
            return true;
        } catch (ClickHouseException e) {
            return false;
        }
    }

    private static List<ChunkState> ledger(NodeWork work, StateStore store) {
        return store.node(work.step().id(), work.node().id()).chunks();
    }

    private static void save(NodeWork work, StateStore store, ChunkState c) {
        store.update(work.step().id(), work.node().id(), s -> s.withChunk(c));
    }

}
