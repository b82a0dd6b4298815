package dev.chrunbook.verify;

import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.Table;
import dev.chrunbook.state.ChunkState;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * A verify that goes slice by slice (the copy's chunks: a partition, or a range of days of a large
 * one), each compared by distinct ids and their fingerprint in memory the runbook bounds, and by
 * value where values could have changed since the copy wrote them; each slice's result is kept in
 * the ledger, so that a killed or failed verify goes on at the slice it stopped at. Reads per slice:
 * <ol>
 *   <li>the new table by distinct id (it must hold each id once: the dedupe ran);</li>
 *   <li>the old table's ids as a stream: when its rows equal the new table's distinct ids, with the
 *       same fingerprint, the old table holds each id once too, and the same ones;</li>
 *   <li>only when they differ, the old table by distinct id (a ReplacingMergeTree's unmerged versions);</li>
 *   <li>the values of both, as streams, when the slice says they could have changed (see
 *       {@link Slice#values}) or the old table holds versions of an id;</li>
 *   <li>only for a slice that differs, its first differing ids, named.</li>
 * </ol>
 */
public final class SliceVerify {
    /** How many differing ids a slice names. */
    static final int NAMED = 20;
    /** What the fingerprint of a slice whose values were compared says. */
    private static final String VALUED = ", value sum ";

    /**
     * One slice: its entry in the ledger, how operators name it, its rows (a WHERE) in the new and in
     * the old table, whether only the new table is checked in it (ids held twice among rows the
     * catch-up wrote), and whether its values are compared: they could have changed since the copy
     * wrote them (a mutation of either table, a part of the new one written after the copy: the
     * dedupe's merges, rows inserted).
     */
    public record Slice(ChunkState entry, String label, String where, String oldWhere, boolean newOnly, boolean values) {
        /** A slice whose rows are selected alike in both tables. */
        public Slice(ChunkState entry, String label, String where, boolean newOnly, boolean values) {
            this(entry, label, where, where, newOnly, values);
        }
    }

    /** What a verify came to: slices and ids compared, slices whose values were compared, and the problems of the slices that differ. */
    public record Result(int slices, int differing, long rows, int valued, String problems) {
        public boolean passed() {
            return differing == 0;
        }
    }

    /** One table's digest of a slice by id (a row of {@link SliceSql#ids} or {@link SliceSql#idStream}). */
    record Digest(long rows, long ids, String idSum, long doubled) {
        static Digest of(Table t) {
            List<String> r = t.rows().get(0);
            return new Digest(Long.parseLong(r.get(1)), Long.parseLong(r.get(2)), r.get(3), Long.parseLong(r.get(4)));
        }

        /** The new table's digest holds this one's ids (the old table's), each once. */
        boolean sameIds(Digest fresh) {
            return fresh.doubled == 0 && ids == fresh.ids && idSum.equals(fresh.idSum);
        }

        /** Two hash pieces' digests together: their ids are apart, so they add up (the id sums as unsigned 64-bit, as the server wraps them). */
        Digest plus(Digest o) {
            return new Digest(rows + o.rows, ids + o.ids, Long.toUnsignedString(Long.parseUnsignedLong(idSum) + Long.parseUnsignedLong(o.idSum)),
                    doubled + o.doubled);
        }

        String describe() {
            return rows + " rows, " + ids + " ids" + (doubled > 0 ? " (" + doubled + " held more than once)" : "");
        }
    }

    /**
     * What a set of ids' hashes takes per id, at most: 8 bytes a cell in an open hash table that is
     * at least half empty and doubles as it grows (both sizes held while it does), per thread.
     */
    static final long BYTES_PER_ID = 48;
    /**
     * What the drill-down takes per row of a slice: an id, its text and its values' hash, in a set of
     * each table and one of both (measured on 18.16: about 150 MiB for 1M rows a table).
     */
    static final long DRILL_BYTES_PER_ROW = 320;

    private final ClickHouseClient client;
    private final SliceSql sql;
    private final long budgetBytes;
    private final Consumer<ChunkState> ledger;
    private final Consumer<String> progress;
    private final Clock clock;

    /**
     * @param budgetBytes the memory a statement may take: the new table's ids of a slice are read in hash pieces within it
     * @param ledger   keeps a slice's result (the state file), called as each slice ends
     * @param progress told a line of slices done, rows per second and ETA after each slice
     */
    public SliceVerify(ClickHouseClient client, SliceSql sql, long budgetBytes, Consumer<ChunkState> ledger, Consumer<String> progress,
                       Clock clock) {
        this.client = client;
        this.sql = sql;
        this.budgetBytes = budgetBytes;
        this.ledger = ledger;
        this.progress = progress;
        this.clock = clock;
    }

    /** Verifies every slice not done in an earlier run; a failed one is verified again. */
    public Result run(List<Slice> slices) {
        Instant began = clock.instant();
        long rows = 0;
        long rowsThisRun = 0;
        int differing = 0;
        StringBuilder problems = new StringBuilder();
        int done = 0;
        int valued = 0;
        for (Slice s : slices) {
            ChunkState entry = s.entry();
            if (entry.phase() != ChunkState.Phase.DONE) {
                entry = verify(s);
                ledger.accept(entry);
                rowsThisRun += entry.rows() == null ? 0 : entry.rows();
            }
            if (entry.phase() == ChunkState.Phase.FAILED) {
                differing++;
                problems.append(entry.error()).append('\n');
            }
            rows += entry.rows() == null ? 0 : entry.rows();
            valued += entry.fingerprint() != null && entry.fingerprint().contains(VALUED) ? 1 : 0;
            done++;
            progress.accept(line(done, slices, rowsThisRun, began));
        }
        return new Result(slices.size(), differing, rows, valued, problems.toString());
    }

    private ChunkState verify(Slice s) {
        Digest fresh = newIds(s);
        ChunkState compared = s.entry().copied(fresh.ids(), fresh.ids() + " ids, id sum " + fresh.idSum());
        if (s.newOnly()) {
            return fresh.doubled() == 0 ? compared.done() : compared.failed(s.label() + ": the new table holds " + fresh.doubled()
                    + " row(s) beyond its distinct ids\n" + client.table(sql.doubled(s.where(), NAMED), sql.spilling()).format(NAMED));
        }
        Digest old = Digest.of(client.table(sql.idStream(s.oldWhere()), sql.limited()));
        if (!old.sameIds(fresh)) {
            old = Digest.of(client.table(sql.ids(true, s.oldWhere()), sql.spilling()));
        }
        if (!old.sameIds(fresh)) {
            return compared.failed(s.label() + ": the old table holds " + old.describe() + ", the new table " + fresh.describe()
                    + "; the first that differ:\n" + drillDown(s));
        }
        boolean versions = old.rows() != old.ids();
        if (!s.values() && !versions) {
            return compared.done();
        }
        List<String> newValues = client.table(sql.values(false, s.where()), sql.limited()).rows().get(0);
        List<String> oldValues = (versions ? client.table(sql.versions(s.oldWhere()), sql.spilling())
                : client.table(sql.values(true, s.oldWhere()), sql.limited())).rows().get(0);
        ChunkState valued = s.entry().copied(fresh.ids(), compared.fingerprint() + VALUED + newValues.get(2));
        if (java.util.Objects.equals(newValues.get(2), oldValues.get(2))) {
            return valued.done();
        }
        return valued.failed(s.label() + ": the same " + fresh.ids() + " ids in both tables, with other values; the first that differ:\n"
                + drillDown(s));
    }

    /** The new table's slice by distinct id, in as many hash pieces as its planned rows need to keep each set within the budget. */
    private Digest newIds(Slice s) {
        int pieces = pieces(s, BYTES_PER_ID);
        Digest sum = null;
        for (int piece = 0; piece < pieces; piece++) {
            Digest d = Digest.of(client.table(sql.newIds(s.where(), piece, pieces), sql.limited()));
            sum = sum == null ? d : sum.plus(d);
        }
        return sum;
    }

    /** The first ids of a slice that differ, named, read in hash pieces until there are enough. */
    private String drillDown(Slice s) {
        int pieces = pieces(s, DRILL_BYTES_PER_ROW);
        Table first = null;
        List<List<String>> rows = new java.util.ArrayList<>();
        for (int piece = 0; piece < pieces && rows.size() < NAMED; piece++) {
            Table t = client.table(sql.drillDown(s.oldWhere(), s.where(), piece, pieces, NAMED), sql.spilling());
            first = first == null ? t : first;
            rows.addAll(t.rows());
        }
        return new Table(first.columns(), rows.subList(0, Math.min(NAMED, rows.size()))).format(NAMED);
    }

    /** How many hash pieces a slice is read in for its sets to stay within the budget. */
    private int pieces(Slice s, long bytesPerRow) {
        return (int) Math.max(1, Math.min(1024, (s.entry().plannedRows() * bytesPerRow + budgetBytes - 1) / budgetBytes));
    }

    private String line(int done, List<Slice> slices, long rowsThisRun, Instant began) {
        long left = slices.stream().skip(done).filter(x -> x.entry().phase() != ChunkState.Phase.DONE).mapToLong(x -> x.entry().plannedRows()).sum();
        double seconds = Math.max(0.001, Duration.between(began, clock.instant()).toMillis() / 1000.0);
        double rate = rowsThisRun / seconds;
        String eta = left == 0 ? "0 s" : rate > 0 ? (long) Math.ceil(left / rate) + " s" : "?";
        return String.format("slices %d/%d, %,.0f rows/s, ETA %s", done, slices.size(), rate, eta);
    }
}
