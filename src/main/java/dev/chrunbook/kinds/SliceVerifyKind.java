package dev.chrunbook.kinds;

import dev.chrunbook.catalog.Catalog;

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

/**
 * {@code kind: slice-verify}: the old table against the new one on each node, slice by slice (the
 * copy's chunks), by distinct id and values, in bounded memory, resumable (see {@link SliceVerify}).
 * The rows compared are those ingested before the copy began, minus the margin: both tables hold
 * them. When the dedupe step has started, the rows ingested from then until it began are checked
 * too, for ids the new table holds more than once (the catch-up overlaps the copy).
 */
final class SliceVerifyKind extends BuiltInKind {
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    static final ParamBlock BLOCK = ParamBlock.named("verify").required("old").required("new").required("id_column")
            .required("ingested_column").required("copy_step").text("split_by", "").duration("margin", "0s").text("dedupe_step")
            .whole("memory_mib", 256).text("values", "changed");

    /** A node's {@code verify:} block, read once. */
    record Settings(String oldTable, String newTable, String idColumn, String ingestedColumn, String copyStep, String splitBy,
                    Duration margin, Optional<String> dedupeStep, long memoryMib, String values) {
        Settings(ParamBlock.Values v) {
            this(v.text("old"), v.text("new"), v.text("id_column"), v.text("ingested_column"), v.text("copy_step"), v.text("split_by"),
                    v.duration("margin"), v.optional("dedupe_step"), v.whole("memory_mib"), v.text("values"));
        }

        boolean allValues() {
            return "all".equals(values);
        }
    }
    /** The ledger's name for the slice of rows ingested while the catch-up ran (before dedupe). */
    static final String WINDOW = "catch-up";

    SliceVerifyKind() {
        super(BLOCK);
    }

    @Override
    public String name() {
        return "slice-verify";
    }

    @Override
    void checkParams(Step step, ParamBlock.Values v) {
        String values = new Settings(v).values();
        if (!List.of("changed", "all").contains(values)) {
            throw dev.chrunbook.ChrunbookException.invalidInput("step '" + step.id() + "' verify.values: 'changed' (where they could have"
                    + " changed since the copy, the default) or 'all', not '" + values + "'");
        }
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
        Settings p = new Settings(values(work));
        Optional<String> ledger = ledgerLine(state, "slice");
        if (ledger.isPresent()) {
            return List.of(ledger.get());
        }
        List<String> lines = new ArrayList<>();
        lines.add("slices: the chunks of step " + p.copyStep() + " on this node (its partitions when it has no ledger),"
                + " rows ingested before it began minus " + p.margin().toSeconds() + " s"
                + (p.dedupeStep().isPresent() ? "; then the rows ingested from there until " + p.dedupeStep().get()
                + " began, for ids " + p.newTable() + " holds more than once" : ""));
        lines.add("each slice: " + p.newTable() + " by distinct " + p.idColumn() + ", " + p.oldTable() + " as a stream (by distinct id"
                + " only when it differs), values " + (p.allValues() ? "of every slice" : "where they could have changed since the copy")
                + ", each statement meant to take at most " + p.memoryMib() + " MiB (sent with max_memory_usage = twice that)");
        Node node = work.node();
        try (ClickHouseClient client = probes.connector().connect(node.host(), node.httpPort())) {
            List<Catalog.Partition> partitions = new Catalog(client).partitions(probes.database(), p.oldTable());
            Optional<SliceSql> sql = sql(client, probes.database(), p, true);
            if (partitions.isEmpty() || sql.isEmpty()) {
                lines.add("(no statements to show: " + p.oldTable() + " has no partition here)");
                return lines;
            }
            ChunkState first = ChunkState.planned(1, partitions.get(0).id(), null, null, partitions.get(0).rows(), partitions.get(0).bytes());
            String where = locate(client, probes.database(), p).where(first) + " AND " + before(p, Instant.now());
            lines.add("the statements of the first slice (" + first.label() + "), in one piece"
                    + (RowHash.storedColumns(client, probes.database(), p.newTable()).isEmpty() ? ", with " + p.newTable()
                    + " holding the columns of " + p.oldTable() + " (it does not exist yet)" : "") + ":");
            lines.add(sql.get().newIds(where, 0, 1) + ";");
            lines.add(sql.get().idStream(where) + ";");
            lines.add("where values are compared, also:");
            lines.add(sql.get().values(false, where) + ";");
            lines.add(sql.get().values(true, where) + ";");
        } catch (ClickHouseException e) {
            lines.add("(cannot read " + p.oldTable() + " here: " + e.getMessage() + ")");
        }
        return lines;
    }

    /**
     * The statements of the verify on this node, once both tables exist; or, for a plan made before
     * the new table is, with the new table holding the old one's columns.
     */
    private static Optional<SliceSql> sql(ClickHouseClient client, String db, Settings p, boolean planned) {
        Map<String, String> oldColumns = RowHash.storedColumns(client, db, p.oldTable());
        Map<String, String> newColumns = RowHash.storedColumns(client, db, p.newTable());
        if (planned && newColumns.isEmpty()) {
            newColumns = oldColumns;
        }
        if (oldColumns.isEmpty() || newColumns.isEmpty()) {
            return Optional.empty();
        }
        RowHash hash = RowHash.of(client, qualified(db, p.oldTable()), p.idColumn(), oldColumns, newColumns);
        return Optional.of(new SliceSql(qualified(db, p.oldTable()), qualified(db, p.newTable()), hash,
                SqlQuoting.identifier(p.ingestedColumn()), p.memoryMib() * 1024 * 1024));
    }

    /** A slice's rows as a WHERE: by the old table's partition key where the server prunes by it. */
    private static ChunkSql locate(ClickHouseClient client, String db, Settings p) {
        return ChunkPlanner.locate(client, new ChunkSql(db, p.oldTable(), p.newTable(), List.of(), p.splitBy(), "", ""));
    }

    /** The rows both tables hold: ingested before the bound. */
    private static String before(Settings p, Instant bound) {
        return SqlQuoting.identifier(p.ingestedColumn()) + " < toDateTime(" + SqlQuoting.literal(SECONDS.format(bound)) + ")";
    }

    /** What a plan says of a verify that ran before: its ledger's units verified of all. */
    static Optional<String> ledgerLine(NodeState state, String unit) {
        if (state == null || state.chunks().isEmpty()) {
            return Optional.empty();
        }
        long done = state.chunks().stream().filter(c -> c.phase() == ChunkState.Phase.DONE).count();
        return Optional.of("ledger: " + done + " of " + state.chunks().size() + " " + unit + "(s) verified; the others are verified when it runs");
    }

    @Override
    Outcome run(NodeWork work, Services services) {
        StateStore store = services.store();
        Settings p = new Settings(values(work));
        Optional<Instant> copied = store.state().firstStart(p.copyStep());
        if (copied.isEmpty()) {
            return Outcome.failed("step '" + p.copyStep() + "' has not started: there is nothing to verify");
        }
        Instant bound = copied.get().minus(p.margin());
        Node node = work.node();
        String db = services.database();
        try (ClickHouseClient client = services.probes().connector().connect(node.host(), node.httpPort())) {
            SliceSql sql = sql(client, db, p, false).orElseThrow(() -> new ClickHouseException("table " + db + "." + p.oldTable() + " or "
                    + p.newTable() + " does not exist on " + node.id(), null, false));
            Optional<Instant> dedupe = p.dedupeStep().flatMap(d -> store.state().firstStart(d));
            List<SliceVerify.Slice> slices = slices(work, p, services, client, bound, dedupe);
            return verify(work, services, client, sql, slices, p.memoryMib(), "a chunk of the copy, the dedupe, a mutation of " + p.oldTable());
        } catch (ClickHouseException e) {
            return failed(e);
        }
    }

    /** Runs the slices with the node's ledger and progress; what they came to. */
    static Outcome verify(NodeWork work, Services services, ClickHouseClient client, SliceSql sql, List<SliceVerify.Slice> slices,
                          long memoryMib, String causes) {
        StateStore store = services.store();
        String step = work.step().id();
        String nodeId = work.node().id();
        RowHash hash = sql.hash();
        SliceVerify.Result r = new SliceVerify(client, sql, memoryMib * 1024 * 1024, c -> store.update(step, nodeId, s -> s.withChunk(c)),
                line -> services.listener().progress(work.step(), work.node(), line), store.clock()).run(slices);
        if (r.passed()) {
            return Outcome.done(r.rows(), r.slices() + " slice(s), " + r.rows() + " ids: the same in both tables, each once in the new one"
                    + "; values (" + hash.compared().size() + " column(s)) compared in " + r.valued() + " slice(s)"
                    + (hash.skipped().isEmpty() ? "" : " (not compared, not in both under one type: " + String.join(", ", hash.skipped()) + ")"));
        }
        return Outcome.refused(r.differing() + " of " + r.slices() + " slice(s) differ:\n" + r.problems()
                + "find out why (" + causes + "), then run the step again: the slices verified are kept, those that differ are verified again");
    }

    /** A statement failed: the slices verified are kept. */
    static Outcome failed(ClickHouseException e) {
        return Outcome.failed("verify: " + e.getMessage() + " (the slices verified are kept: running the step again goes on from there)");
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
    private static List<SliceVerify.Slice> slices(NodeWork work, Settings p, Services services, ClickHouseClient client, Instant bound,
                                                 Optional<Instant> dedupe) {
        StateStore store = services.store();
        ChunkSql where = locate(client, services.database(), p);
        NodeState copy = store.node(p.copyStep(), work.node().id());
        Changes changes = copy.chunks().isEmpty() || "all".equals(p.values()) ? Changes.ALL : Changes.since(client, services.database(), p.oldTable(), p.newTable(),
                store.state().firstStart(p.copyStep()).orElse(null), copy.finished());
        List<ChunkState> ledger = ledger(work, store, () -> plan(copy.chunks(), client, services.database(), p.oldTable(), dedupe.isPresent()));
        String ingested = SqlQuoting.identifier(p.ingestedColumn());
        String before = before(p, bound);
        List<SliceVerify.Slice> out = new ArrayList<>();
        for (ChunkState c : ledger) {
            if (WINDOW.equals(c.partition())) {
                if (dedupe.isPresent()) {
                    out.add(new SliceVerify.Slice(c, "the rows ingested from " + SECONDS.format(bound) + " until " + p.dedupeStep().orElse("")
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
            for (Catalog.Partition part : new Catalog(client).partitions(db, old)) {
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
