package dev.chrunbook.chunks;

import dev.chrunbook.catalog.Catalog.Partition;

import dev.chrunbook.catalog.Catalog;

import dev.chrunbook.SqlQuoting;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.ddl.DdlException;
import dev.chrunbook.ddl.Fragment;
import dev.chrunbook.state.ChunkState;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.LongStream;

/**
 * Plans a node's chunks from the source's partitions (system.parts: rows and bytes per partition).
 * A partition larger than the limits is split into ranges of the split expression at its
 * quantiles; the ranges are half-open and the first and last are open, so together they hold
 * every row of the partition exactly once, whatever quantiles the server estimates.
 */
public final class ChunkPlanner {
    /**
     * The limits of one chunk (0: none) and how many run at once. Chunks shrink as the plan goes on:
     * each holds at most a {@code parallel}-th of the rows still to plan, so the lanes (which take the
     * largest first) end on small chunks, together, instead of one lane copying a large last chunk
     * alone while the others wait.
     */
    public record Limits(long maxRows, long maxBytes, int parallel) {
        public Limits(long maxRows, long maxBytes) {
            this(maxRows, maxBytes, 1);
        }

        /** Below this many rows a chunk costs more in statements than it gains side by side. */
        static final long SMALLEST_SHARE = 100_000;

        /** The rows a chunk may hold on a node holding {@code total} rows: a {@code 2 x parallel}-th of them at most. */
        long rowsFor(long total) {
            long share = Math.max(SMALLEST_SHARE, ceil(total, 2L * Math.max(1, parallel)));
            return maxRows > 0 ? Math.min(maxRows, share) : share;
        }

        /**
         * The rows the next chunk aims at, {@code remaining} of the node's {@code total} rows being still
         * to plan: never over {@link #rowsFor}, nor under the smallest share unless the limit is lower.
         */
        long targetFor(long total, long remaining) {
            long guided = ceil(Math.max(1, remaining), Math.max(1, parallel));
            return Math.max(1, Math.min(rowsFor(total), Math.max(Math.min(SMALLEST_SHARE, rowsFor(total)), guided)));
        }
    }

    private final ChunkSql sql;
    private final Limits limits;

    public ChunkPlanner(ChunkSql sql, Limits limits) {
        this.sql = sql;
        this.limits = limits;
    }

    /**
     * The same SQL, selecting a partition's rows of the source by its key where the server prunes
     * parts by it (see {@link ChunkSql#withPartitions}).
     */
    public static ChunkSql locate(ClickHouseClient client, ChunkSql sql) {
        String db = sql.database();
        Catalog catalog = new Catalog(client);
        String key = catalog.partitionKey(db, sql.source()).orElse(null);
        return sql.withPartitions(integerKey(client, db, sql.source(), key), catalog.partitionValues(db, sql.source()));
    }

    /**
     * The partition key when its values are whole numbers (toYYYYMM(...), an integer column): then a
     * partition's value as system.parts writes it is a literal to select its rows by. Other keys
     * (a Date, a tuple) are selected by partition id, which 18.16 does not prune by, but which is always right.
     */
    private static String integerKey(ClickHouseClient client, String db, String table, String key) {
        if (key == null || key.isBlank()) {
            return "";
        }
        try {
            Fragment.check("partition key", key);
        } catch (DdlException e) {
            return "";
        }
        String type = client.selectOne("SELECT toTypeName((" + key + ")) FROM " + SqlQuoting.identifier(db) + "."
                + SqlQuoting.identifier(table) + " LIMIT 1");
        return type != null && type.matches("U?Int(8|16|32|64)") ? key : "";
    }

    /** The rows a chunk may hold, for these partitions of the node. */
    public long maxRows(List<Partition> partitions) {
        return limits.rowsFor(partitions.stream().mapToLong(Partition::rows).sum());
    }

    /** How many ranges each partition is split into by the plan (absent: copied whole), without asking the server for cuts. */
    public Map<String, Integer> ranges(List<Partition> partitions) {
        Map<String, Integer> out = new LinkedHashMap<>();
        plan(partitions, (p, levels) -> LongStream.rangeClosed(1, levels.size()).boxed().toList()).stream()
                .filter(c -> c.from() != null || c.to() != null).forEach(c -> out.merge(c.partition(), 1, Integer::sum));
        return out;
    }

    /** Cut points of a partition at these quantile levels (0 < level < 1, ascending). */
    interface Cutter {
        List<Long> cuts(Partition p, List<Double> levels);
    }

    /**
     * Small partitions that fit together go into one chunk (a statement per chunk, not per partition);
     * a partition over the target is split into ranges, shrinking as the chunks do.
     */
    public List<ChunkState> plan(ClickHouseClient client) {
        return plan(new Catalog(client).partitions(sql.database(), sql.source()), (p, levels) -> cuts(client, p, levels));
    }

    List<ChunkState> plan(List<Partition> partitions, Cutter cutter) {
        long total = partitions.stream().mapToLong(Partition::rows).sum();
        long maxRows = limits.rowsFor(total);
        long remaining = total;
        List<ChunkState> chunks = new ArrayList<>();
        List<Partition> group = new ArrayList<>();
        for (Partition p : partitions) {
            long target = limits.targetFor(total, remaining); // the open group's rows are still in remaining
            List<Long> pieces = pieces(p, total, remaining - rows(group));
            if (pieces.size() > 1 || !fits(group, p, target, maxRows)) {
                remaining -= rows(group);
                addGroup(chunks, group);
            }
            if (pieces.size() == 1) {
                group.add(p);
                continue;
            }
            remaining -= p.rows();
            List<Long> cuts = cutter.cuts(p, levels(pieces, p.rows()));
            if (cuts.size() != pieces.size() - 1) { // the server's quantiles coincide: as many ranges as distinct cuts
                pieces = new ArrayList<>(Collections.nCopies(cuts.size() + 1, p.rows() / (cuts.size() + 1)));
                pieces.set(cuts.size(), p.rows() - p.rows() / (cuts.size() + 1) * cuts.size()); // the rest in the last: every row planned once
            }
            Long from = null;
            for (int i = 0; i <= cuts.size(); i++) {
                Long to = i < cuts.size() ? cuts.get(i) : null;
                chunks.add(ChunkState.planned(chunks.size() + 1, p.id(), from, to, pieces.get(i), bytesOf(p, pieces.get(i))));
                from = to;
            }
        }
        addGroup(chunks, group);
        return chunks;
    }

    /**
     * The rows of each range a partition is split into, {@code remaining} rows being still to plan
     * (one piece when it fits the target, or there is nothing to split by): each range aims at the
     * target of its place in the plan, and none is over the byte limit.
     */
    private List<Long> pieces(Partition p, long total, long remaining) {
        long whole = Math.max(limits.targetFor(total, remaining), Math.min(2 * Limits.SMALLEST_SHARE, limits.rowsFor(total)));
        if (sql.splitBy().isEmpty() || (p.rows() <= whole && !overBytes(p.bytes()))) {
            return List.of(p.rows());
        }
        long byBytes = limits.maxBytes() > 0 ? Math.max(1, p.rows() / ceil(p.bytes(), limits.maxBytes())) : Long.MAX_VALUE;
        long most = Math.min(byBytes, limits.rowsFor(total));
        List<Long> out = new ArrayList<>();
        for (long left = p.rows(); left > 0; ) {
            long piece = Math.min(most, limits.targetFor(total, remaining));
            // no sliver at the end, and at most 1000 ranges
            piece = left - piece < Limits.SMALLEST_SHARE && left <= most || out.size() == 999 ? left : piece;
            out.add(piece);
            left -= piece;
            remaining -= piece;
        }
        return out;
    }

    /** A range's share of its partition's bytes (the product of a partition's bytes and rows would overflow a long). */
    private static long bytesOf(Partition p, long rows) {
        return (long) ((double) p.bytes() * rows / p.rows());
    }

    private boolean overBytes(long bytes) {
        return limits.maxBytes() > 0 && bytes > limits.maxBytes();
    }

    /** The quantile levels between the pieces. */
    private static List<Double> levels(List<Long> pieces, long rows) {
        List<Double> out = new ArrayList<>();
        long sum = 0;
        for (int i = 0; i < pieces.size() - 1; i++) {
            sum += pieces.get(i);
            out.add((double) sum / rows);
        }
        return out;
    }

    private static long rows(List<Partition> group) {
        return group.stream().mapToLong(Partition::rows).sum();
    }

    /** A partition joins the group while the group stays under the limits and ends nearer the target with it than without. */
    private boolean fits(List<Partition> group, Partition p, long target, long maxRows) {
        long before = rows(group);
        long rows = before + p.rows();
        long bytes = group.stream().mapToLong(Partition::bytes).sum() + p.bytes();
        boolean within = (maxRows <= 0 || rows <= maxRows) && !overBytes(bytes);
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

    /** Distinct cut points at these quantiles of the split expression. */
    private List<Long> cuts(ClickHouseClient client, Partition p, List<Double> levels) {
        String text = client.selectOne("SELECT arrayStringConcat(arrayMap(x -> toString(toUInt64(x)), quantiles("
                + String.join(", ", levels.stream().map(l -> String.format(Locale.ROOT, "%.6f", l)).toList()) + ")(toUInt64(" + sql.splitBy() + "))), ',') FROM "
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
