package dev.chrunbook.kinds;

import dev.chrunbook.Node;
import dev.chrunbook.SqlQuoting;
import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.chunks.ChunkPlanner;
import dev.chrunbook.chunks.ChunkSql;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseException;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.ChunkState;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.state.Status;
import dev.chrunbook.verify.Changes;
import dev.chrunbook.verify.RowHash;
import dev.chrunbook.verify.SliceSql;
import dev.chrunbook.verify.SliceVerify;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code kind: slice-verify}: the old table against the new one on each node, slice by slice (the
 * copy's chunks), by distinct id and values, in bounded memory, resumable (see {@link SliceVerify}).
 * The rows compared are those ingested before the copy began, minus the margin: both tables hold
 * them. When the dedupe step has started, the rows ingested from then until it began are checked
 * too, for ids the new table holds more than once (the catch-up overlaps the copy).
 */
final class SliceVerifyKind extends BuiltInKind {
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final Set<String> KEYS = Set.of("old", "new", "id_column", "ingested_column", "copy_step", "split_by", "margin",
            "dedupe_step", "memory_mib", "values");
    /** The ledger's name for the slice of rows ingested while the catch-up ran (before dedupe). */
    static final String WINDOW = "catch-up";
    static final long MEMORY_MIB = 256;

    SliceVerifyKind() {
        super("verify", KEYS, List.of("old", "new", "id_column", "ingested_column", "copy_step"));
    }

    @Override
    public String name() {
        return "slice-verify";
    }

    @Override
    void checkParams(Step step, Map<String, String> params) {
        checkDurations(step, params, List.of("margin"));
        String values = params.getOrDefault("values", "changed");
        if (!List.of("changed", "all").contains(values)) {
            throw dev.chrunbook.ChrunbookException.invalidInput("step '" + step.id() + "' verify.values: 'changed' (where they could have"
                    + " changed since the copy, the default) or 'all', not '" + values + "'");
        }
        checkWholeNumbers(step, params, List.of("memory_mib"));
    }

    @Override
    Map<String, String> drifting(Map<String, String> params) {
        return only(params, List.of("old", "new", "id_column", "ingested_column", "copy_step", "split_by", "margin", "dedupe_step"));
    }

    @Override
    public boolean changesCluster() {
        return false;
    }

    /**
     * The ledger when the step ran before; else how it goes, and the statements of its first slice as
     * they would be sent now (a copy not begun yet bounds the rows at now).
     */
    @Override
    public List<String> preview(NodeWork work, Services.Probes probes, NodeState state) {
        Map<String, String> p = work.params();
        Optional<String> ledger = ledgerLine(state, "slice");
        if (ledger.isPresent()) {
            return List.of(ledger.get());
        }
        List<String> lines = new ArrayList<>();
        lines.add("slices: the chunks of step " + p.get("copy_step") + " on this node (its partitions when it has no ledger),"
                + " rows ingested before it began minus " + p.getOrDefault("margin", "0s")
                + (p.containsKey("dedupe_step") ? "; then the rows ingested from there until " + p.get("dedupe_step")
                + " began, for ids " + p.get("new") + " holds more than once" : ""));
        lines.add("each slice: " + p.get("new") + " by distinct " + p.get("id_column") + ", " + p.get("old") + " as a stream (by distinct id"
                + " only when it differs), values " + ("all".equals(p.get("values")) ? "of every slice" : "where they could have changed since the copy")
                + ", each statement meant to take at most " + memoryMib(p) + " MiB (sent with max_memory_usage = twice that)");
        Node node = work.node();
        try (ClickHouseClient client = probes.connector().connect(node.host(), node.httpPort())) {
            List<ChunkPlanner.Partition> partitions = ChunkPlanner.partitions(client, probes.database(), p.get("old"));
            Optional<SliceSql> sql = sql(client, probes.database(), p, true);
            if (partitions.isEmpty() || sql.isEmpty()) {
                lines.add("(no statements to show: " + p.get("old") + " has no partition here)");
                return lines;
            }
            ChunkState first = ChunkState.planned(1, partitions.get(0).id(), null, null, partitions.get(0).rows(), partitions.get(0).bytes());
            String where = locate(client, probes.database(), p).where(first) + " AND " + before(p, Instant.now());
            lines.add("the statements of the first slice (" + first.label() + "), in one piece"
                    + (RowHash.storedColumns(client, probes.database(), p.get("new")).isEmpty() ? ", with " + p.get("new")
                    + " holding the columns of " + p.get("old") + " (it does not exist yet)" : "") + ":");
            lines.add(sql.get().newIds(where, 0, 1) + ";");
            lines.add(sql.get().idStream(where) + ";");
            lines.add("where values are compared, also:");
            lines.add(sql.get().values(false, where) + ";");
            lines.add(sql.get().values(true, where) + ";");
        } catch (ClickHouseException e) {
            lines.add("(cannot read " + p.get("old") + " here: " + e.getMessage() + ")");
        }
        return lines;
    }

    /**
     * The statements of the verify on this node, once both tables exist; or, for a plan made before
     * the new table is, with the new table holding the old one's columns.
     */
    private static Optional<SliceSql> sql(ClickHouseClient client, String db, Map<String, String> p, boolean planned) {
        Map<String, String> oldColumns = RowHash.storedColumns(client, db, p.get("old"));
        Map<String, String> newColumns = RowHash.storedColumns(client, db, p.get("new"));
        if (planned && newColumns.isEmpty()) {
            newColumns = oldColumns;
        }
        if (oldColumns.isEmpty() || newColumns.isEmpty()) {
            return Optional.empty();
        }
        RowHash hash = RowHash.of(client, qualified(db, p.get("old")), p.get("id_column"), oldColumns, newColumns);
        return Optional.of(new SliceSql(qualified(db, p.get("old")), qualified(db, p.get("new")), hash,
                SqlQuoting.identifier(p.get("ingested_column")), memoryMib(p) * 1024 * 1024));
    }

    /** A slice's rows as a WHERE: by the old table's partition key where the server prunes by it. */
    private static ChunkSql locate(ClickHouseClient client, String db, Map<String, String> p) {
        return ChunkPlanner.locate(client, new ChunkSql(db, p.get("old"), p.get("new"), List.of(), p.getOrDefault("split_by", ""), "", ""));
    }

    /** The rows both tables hold: ingested before the bound. */
    private static String before(Map<String, String> p, Instant bound) {
        return SqlQuoting.identifier(p.get("ingested_column")) + " < toDateTime(" + SqlQuoting.literal(SECONDS.format(bound)) + ")";
    }

    /** What a plan says of a verify that ran before: its ledger's units verified of all. */
    static Optional<String> ledgerLine(NodeState state, String unit) {
        if (state == null || state.chunks().isEmpty()) {
            return Optional.empty();
        }
        long done = state.chunks().stream().filter(c -> c.phase() == ChunkState.Phase.DONE).count();
        return Optional.of("ledger: " + done + " of " + state.chunks().size() + " " + unit + "(s) verified; the others are verified when it runs");
    }

    private static long memoryMib(Map<String, String> p) {
        return number(p, "memory_mib", MEMORY_MIB);
    }

    @Override
    public NodeState apply(NodeWork work, Services services) {
        StateStore store = services.store();
        String step = work.step().id();
        String nodeId = work.node().id();
        Map<String, String> p = work.params();
        start(work, store);
        Optional<Instant> copied = store.state().firstStart(p.get("copy_step"));
        if (copied.isEmpty()) {
            return finish(work, services, store.update(step, nodeId, s -> s.finish(Status.FAILED, store.clock().instant(),
                    "step '" + p.get("copy_step") + "' has not started: there is nothing to verify", null)));
        }
        Instant bound = copied.get().minus(duration(p.get("margin"), Duration.ZERO));
        Node node = work.node();
        String db = services.database();
        try (ClickHouseClient client = services.probes().connector().connect(node.host(), node.httpPort())) {
            SliceSql sql = sql(client, db, p, false).orElseThrow(() -> new ClickHouseException("table " + db + "." + p.get("old") + " or "
                    + p.get("new") + " does not exist on " + nodeId, null, false));
            Optional<Instant> dedupe = Optional.ofNullable(p.get("dedupe_step")).flatMap(d -> store.state().firstStart(d));
            List<SliceVerify.Slice> slices = slices(work, services, client, bound, dedupe);
            return verify(this, work, services, client, sql, slices, memoryMib(p), "a chunk of the copy, the dedupe, a mutation of " + p.get("old"));
        } catch (ClickHouseException e) {
            return failed(work, services, e);
        }
    }

    /** Runs the slices with the node's ledger and progress, and ends the step by what they came to. */
    static NodeState verify(BuiltInKind kind, NodeWork work, Services services, ClickHouseClient client, SliceSql sql, List<SliceVerify.Slice> slices,
                            long memoryMib, String causes) {
        StateStore store = services.store();
        String step = work.step().id();
        String nodeId = work.node().id();
        RowHash hash = sql.hash();
        SliceVerify.Result r = new SliceVerify(client, sql, memoryMib * 1024 * 1024, c -> store.update(step, nodeId, s -> s.withChunk(c)),
                line -> services.listener().progress(work.step(), work.node(), line), store.clock()).run(slices);
        if (r.passed()) {
            kind.recordDone(store, work, r.rows());
            String note = r.slices() + " slice(s), " + r.rows() + " ids: the same in both tables, each once in the new one"
                    + "; values (" + hash.compared().size() + " column(s)) compared in " + r.valued() + " slice(s)"
                    + (hash.skipped().isEmpty() ? "" : " (not compared, not in both under one type: " + String.join(", ", hash.skipped()) + ")");
            return finish(work, services, store.update(step, nodeId, s -> s.finish(Status.DONE, store.clock().instant(), null, note)));
        }
        String failed = r.differing() + " of " + r.slices() + " slice(s) differ:\n" + r.problems()
                + "find out why (" + causes + "), then run the step again: the slices verified are kept, those that differ are verified again";
        return finish(work, services, store.update(step, nodeId, s -> s.failVerification(store.clock().instant(), failed)));
    }

    /** A statement failed: the slices verified are kept. */
    static NodeState failed(NodeWork work, Services services, ClickHouseException e) {
        StateStore store = services.store();
        String error = "verify: " + e.getMessage() + " (the slices verified are kept: running the step again goes on from there)";
        return finish(work, services, store.update(work.step().id(), work.node().id(), s -> s.finish(Status.FAILED, store.clock().instant(), error, null)));
    }

    /**
     * The step's ledger from an earlier attempt, unless it is a rerun of one that passed (then every
     * slice is verified again); else {@code plan}'s, kept in the state before anything is read.
     */
    static List<ChunkState> ledger(NodeWork work, StateStore store, java.util.function.Supplier<List<ChunkState>> plan) {
        List<ChunkState> ledger = store.node(work.step().id(), work.node().id()).chunks();
        if (ledger.isEmpty() || work.rerun() && ledger.stream().allMatch(c -> c.phase() == ChunkState.Phase.DONE)) {
            List<ChunkState> planned = plan.get();
            store.update(work.step().id(), work.node().id(), s -> s.withChunks(planned));
            return planned;
        }
        return ledger;
    }

    /** The slices: the ledger's (see {@link #ledger}), planned as the copy's chunks on this node (else the old table's partitions), then the catch-up's window. */
    private static List<SliceVerify.Slice> slices(NodeWork work, Services services, ClickHouseClient client, Instant bound,
                                                 Optional<Instant> dedupe) {
        Map<String, String> p = work.params();
        StateStore store = services.store();
        ChunkSql where = locate(client, services.database(), p);
        NodeState copy = store.node(p.get("copy_step"), work.node().id());
        Changes changes = copy.chunks().isEmpty() || "all".equals(p.get("values")) ? Changes.ALL : Changes.since(client, services.database(), p.get("old"), p.get("new"),
                store.state().firstStart(p.get("copy_step")).orElse(null), copy.finished());
        List<ChunkState> ledger = ledger(work, store, () -> plan(copy.chunks(), client, services.database(), p.get("old"), dedupe.isPresent()));
        String ingested = SqlQuoting.identifier(p.get("ingested_column"));
        String before = before(p, bound);
        List<SliceVerify.Slice> out = new ArrayList<>();
        for (ChunkState c : ledger) {
            if (WINDOW.equals(c.partition())) {
                if (dedupe.isPresent()) {
                    out.add(new SliceVerify.Slice(c, "the rows ingested from " + SECONDS.format(bound) + " until " + p.get("dedupe_step")
                            + " began", ingested + " >= toDateTime(" + SqlQuoting.literal(SECONDS.format(bound)) + ") AND " + ingested
                            + " < toDateTime(" + SqlQuoting.literal(SECONDS.format(dedupe.get())) + ")", true, false));
                }
            } else {
                out.add(new SliceVerify.Slice(c, c.label(), where.where(c) + " AND " + before, false, changes.values(c.partitions())));
            }
        }
        return out;
    }

    /** Slices as the copy's chunks on this node, or one per partition of the old table when it has none. */
    private static List<ChunkState> plan(List<ChunkState> copy, ClickHouseClient client, String db, String old, boolean window) {
        List<ChunkState> out = new ArrayList<>();
        if (copy.isEmpty()) {
            for (ChunkPlanner.Partition part : ChunkPlanner.partitions(client, db, old)) {
                out.add(ChunkState.planned(out.size() + 1, part.id(), null, null, part.rows(), part.bytes()));
            }
        } else {
            for (ChunkState c : copy) {
                out.add(ChunkState.planned(out.size() + 1, c.partition(), c.from(), c.to(), c.plannedRows(), c.plannedBytes())
                        .withAlso(c.alsoPartitions()));
            }
        }
        if (window) {
            out.add(ChunkState.planned(out.size() + 1, WINDOW, null, null, 0, 0));
        }
        return out;
    }

    private static String qualified(String db, String table) {
        return SqlQuoting.identifier(db) + "." + SqlQuoting.identifier(table);
    }
}
