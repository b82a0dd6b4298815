package dev.chrunbook.chunks;

import dev.chrunbook.SqlQuoting;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.state.ChunkState;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Plans a node's chunks from the source's partitions (system.parts: rows and bytes per partition).
 * A partition larger than the limits is split into ranges of the split expression at its
 * quantiles; the ranges are half-open and the first and last are open, so together they hold
 * every row of the partition exactly once, whatever quantiles the server estimates.
 */
public final class ChunkPlanner {
    /**
     * The limits of one chunk (0: none) and how many run at once: a chunk holds at most a
     * {@code 2 x parallel}-th of the node's rows, so that there are chunks enough to run side by side.
     */
    public record Limits(long maxRows, long maxBytes, int parallel) {
        public Limits(long maxRows, long maxBytes) {
            this(maxRows, maxBytes, 1);
        }

        /** Below this many rows a chunk costs more in statements than it gains side by side. */
        static final long SMALLEST_SHARE = 100_000;

        /** The rows a chunk may hold on a node holding {@code total} rows. */
        long rowsFor(long total) {
            long share = Math.max(SMALLEST_SHARE, ceil(total, 2L * Math.max(1, parallel)));
            return maxRows > 0 ? Math.min(maxRows, share) : share;
        }

        /**
         * The rows a chunk aims at: the node's rows in a number of chunks that is a multiple of
         * {@code parallel} (each lane copies as many), none over {@link #rowsFor}. Chunks of equal
         * size end together; one large chunk left alone at the end would run on one thread.
         */
        long targetFor(long total) {
            long cap = rowsFor(total);
            int lanes = Math.max(1, parallel);
            long fits = Math.max(1, ceil(total, Math.max(1, cap)));
            if (fits == 1) {
                return Math.max(1, total); // one chunk holds it all: below the smallest share, splitting costs more than it gains
            }
            long n = ceil(fits, lanes) * lanes;
            return Math.max(1, ceil(total, n));
        }
    }

    /** A partition of the source as system.parts counts it. */
    public record Partition(String id, long rows, long bytes, int parts) {
    }

    private final ChunkSql sql;
    private final Limits limits;

    public ChunkPlanner(ChunkSql sql, Limits limits) {
        this.sql = sql;
        this.limits = limits;
    }

    public static List<Partition> partitions(ClickHouseClient client, String database, String table) {
        List<Partition> out = new ArrayList<>();
        for (List<String> r : client.select("SELECT partition_id, sum(rows), sum(bytes_on_disk), count() FROM system.parts"
                + " WHERE active AND database = " + SqlQuoting.literal(database) + " AND table = " + SqlQuoting.literal(table)
                + " GROUP BY partition_id ORDER BY partition_id")) {
            out.add(new Partition(r.get(0), Long.parseLong(r.get(1)), Long.parseLong(r.get(2)), Integer.parseInt(r.get(3))));
        }
        return out;
    }

    /** How many chunks a partition takes under the limits (1 when it fits or there is nothing to split by). */
    public int pieces(Partition p, long maxRows) {
        if (sql.splitBy().isEmpty()) {
            return 1;
        }
        long byRows = maxRows > 0 ? ceil(p.rows(), maxRows) : 1;
        long byBytes = limits.maxBytes() > 0 ? ceil(p.bytes(), limits.maxBytes()) : 1;
        return (int) Math.min(1000, Math.max(1, Math.max(byRows, byBytes)));
    }

    /** The rows a chunk may hold, for these partitions of the node. */
    public long maxRows(List<Partition> partitions) {
        return limits.rowsFor(partitions.stream().mapToLong(Partition::rows).sum());
    }

    /** The rows a chunk aims at, for these partitions of the node: what a large partition is split by. */
    public long targetRows(List<Partition> partitions) {
        return limits.targetFor(partitions.stream().mapToLong(Partition::rows).sum());
    }

    /** Cut points of a partition to be split into {@code k} ranges. */
    interface Cutter {
        List<Long> cuts(Partition p, int k);
    }

    /**
     * Small partitions that fit together go into one chunk (a statement per chunk, not per partition);
     * a partition over the limits is split into ranges.
     */
    public List<ChunkState> plan(ClickHouseClient client) {
        return plan(partitions(client, sql.database(), sql.source()), (p, k) -> cuts(client, p, k));
    }

    List<ChunkState> plan(List<Partition> partitions, Cutter cutter) {
        long maxRows = maxRows(partitions);
        long target = targetRows(partitions);
        List<ChunkState> chunks = new ArrayList<>();
        List<Partition> group = new ArrayList<>();
        for (Partition p : partitions) {
            int k = pieces(p, target);
            if (k > 1 || !fits(group, p, target, maxRows)) {
                addGroup(chunks, group);
            }
            if (k == 1) {
                group.add(p);
                continue;
            }
            List<Long> cuts = cutter.cuts(p, k);
            long rows = p.rows() / (cuts.size() + 1);
            long bytes = p.bytes() / (cuts.size() + 1);
            Long from = null;
            for (Long cut : cuts) {
                chunks.add(ChunkState.planned(chunks.size() + 1, p.id(), from, cut, rows, bytes));
                from = cut;
            }
            chunks.add(ChunkState.planned(chunks.size() + 1, p.id(), from, null, rows, bytes));
        }
        addGroup(chunks, group);
        return chunks;
    }

    /** A partition joins the group while the group stays under the limits and ends nearer the target with it than without. */
    private boolean fits(List<Partition> group, Partition p, long target, long maxRows) {
        long before = group.stream().mapToLong(Partition::rows).sum();
        long rows = before + p.rows();
        long bytes = group.stream().mapToLong(Partition::bytes).sum() + p.bytes();
        boolean within = (maxRows <= 0 || rows <= maxRows) && (limits.maxBytes() <= 0 || bytes <= limits.maxBytes());
        return group.isEmpty() || (within && (rows <= target || rows - target < target - before));
    }

    private static void addGroup(List<ChunkState> chunks, List<Partition> group) {
        if (group.isEmpty()) {
            return;
        }
        ChunkState first = ChunkState.planned(chunks.size() + 1, group.get(0).id(), null, null,
                group.stream().mapToLong(Partition::rows).sum(), group.stream().mapToLong(Partition::bytes).sum());
        chunks.add(first.withAlso(group.subList(1, group.size()).stream().map(Partition::id).toList()));
        group.clear();
    }

    /** Distinct cut points at the partition's 1/k, 2/k, ... quantiles of the split expression. */
    private List<Long> cuts(ClickHouseClient client, Partition p, int k) {
        List<String> levels = new ArrayList<>();
        for (int i = 1; i < k; i++) {
            levels.add(String.valueOf((double) i / k));
        }
        String text = client.selectOne("SELECT arrayStringConcat(arrayMap(x -> toString(toUInt64(x)), quantiles("
                + String.join(", ", levels) + ")(toUInt64(" + sql.splitBy() + "))), ',') FROM "
                + SqlQuoting.identifier(sql.database()) + "." + SqlQuoting.identifier(sql.source())
                + " WHERE " + sql.partitionWhere(p.id()));
        TreeSet<Long> cuts = new TreeSet<>();
        if (text != null && !text.isBlank()) {
            for (String v : text.split(",")) {
                cuts.add(Long.parseLong(v.trim()));
            }
        }
        return List.copyOf(cuts);
    }

    private static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }
}
