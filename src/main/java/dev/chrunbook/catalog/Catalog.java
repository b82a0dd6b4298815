package dev.chrunbook.catalog;

import dev.chrunbook.SqlQuoting;
import dev.chrunbook.clickhouse.ClickHouseClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What chrunbook asks a node's catalog: a table's definition, keys and engine, its columns, its parts
 * and sizes by partition, the settings the server knows. The one place that reads system.tables,
 * system.columns, system.parts and system.settings; these read the same on 18.16 and current
 * servers (what differs between versions is in clickhouse.DriverProfile and facts.ServerFacts).
 */
public final class Catalog {
    private static final Logger LOG = LoggerFactory.getLogger(Catalog.class);

    private final ClickHouseClient client;

    public Catalog(ClickHouseClient client) {
        this.client = client;
    }

    private static String table(String database, String table) {
        return "database = " + SqlQuoting.literal(database) + " AND name = " + SqlQuoting.literal(table);
    }

    private static String columnsOf(String database, String table) {
        return "database = " + SqlQuoting.literal(database) + " AND table = " + SqlQuoting.literal(table);
    }

    private Optional<String> tableField(String field, String database, String table) {
        return Optional.ofNullable(client.selectOne("SELECT " + field + " FROM system.tables WHERE " + table(database, table)));
    }

    /** The table's CREATE statement as the server keeps it; empty when there is no such table. */
    public Optional<String> definition(String database, String table) {
        return tableField("create_table_query", database, table);
    }

    public boolean exists(String database, String table) {
        return !"0".equals(client.selectOne("SELECT count() FROM system.tables WHERE " + table(database, table)));
    }

    /** The sorting key; empty when there is no such table ("" for a table without one). */
    public Optional<String> sortingKey(String database, String table) {
        return tableField("sorting_key", database, table);
    }

    public Optional<String> partitionKey(String database, String table) {
        return tableField("partition_key", database, table);
    }

    /** The engine with its parameters (a Distributed table's cluster, table and sharding key). */
    public Optional<String> engineFull(String database, String table) {
        return tableField("engine_full", database, table);
    }

    public Optional<String> engine(String database, String table) {
        return tableField("engine", database, table);
    }

    /** The database's engine (Atomic on current servers, Ordinary on 18.16: EXCHANGE TABLES needs Atomic); empty when there is none. */
    public Optional<String> databaseEngine(String database) {
        return Optional.ofNullable(client.selectOne("SELECT engine FROM system.databases WHERE name = " + SqlQuoting.literal(database)));
    }

    /** The database's tables whose name starts with {@code prefix} (chrunbook's own scratch tables). */
    public List<String> tablesStartingWith(String database, String prefix) {
        List<String> out = new ArrayList<>();
        client.select("SELECT name FROM system.tables WHERE database = " + SqlQuoting.literal(database) + " AND startsWith(name, "
                + SqlQuoting.literal(prefix) + ")").forEach(r -> out.add(r.get(0)));
        return out;
    }

    /** Those of {@code names} that the database holds (which system tables a server version has). */
    public List<String> tablesAmong(String database, List<String> names) {
        List<String> out = new ArrayList<>();
        client.select("SELECT name FROM system.tables WHERE database = " + SqlQuoting.literal(database) + " AND name IN ("
                + String.join(", ", names.stream().map(SqlQuoting::literal).toList()) + ")").forEach(r -> out.add(r.get(0)));
        return out;
    }

    /**
     * What the node's inserts into a table left lately: the rows of its unmerged (level 0) parts written
     * in the last {@code seconds}, and how many seconds ago its newest unmerged part was written (empty
     * when it has none). A merge's part is not an insert, so a table nothing feeds any more drops to no
     * rows and then no newest part; read from system.parts alone, it costs nothing however large the table.
     */
    public record NewParts(long rows, Optional<Long> newestAgeSeconds) {
    }

    public Map<String, NewParts> newParts(String database, List<String> tables, int seconds) {
        Map<String, NewParts> out = new LinkedHashMap<>();
        tables.forEach(t -> out.put(t, new NewParts(0, Optional.empty())));
        for (List<String> r : client.select("SELECT table, sumIf(rows, modification_time >= now() - " + seconds + "),"
                + " toUInt32(now()) - toUInt32(max(modification_time)) FROM system.parts WHERE active AND level = 0 AND database = "
                + SqlQuoting.literal(database) + " AND table IN (" + String.join(", ", tables.stream().map(SqlQuoting::literal).toList())
                + ") GROUP BY table")) {
            out.put(r.get(0), new NewParts(Long.parseLong(r.get(1)), Optional.of(Long.parseLong(r.get(2)))));
        }
        return out;
    }

    /** A column as system.columns describes it. */
    public record Column(String name, String type, String defaultKind, String defaultExpression, String comment) {
    }

    /** Every column of the table, in order; empty when there is no such table. */
    public List<Column> columns(String database, String table) {
        List<Column> out = new ArrayList<>();
        for (List<String> r : client.select("SELECT name, type, default_kind, default_expression, comment FROM system.columns WHERE "
                + columnsOf(database, table))) {
            out.add(new Column(r.get(0), r.get(1), orEmpty(r.get(2)), orEmpty(r.get(3)), orEmpty(r.get(4))));
        }
        return out;
    }

    /** Name to type of the columns whose kind is one of {@code kinds} ("" for a plain column), in order. */
    public Map<String, String> columnTypes(String database, String table, Set<String> kinds) {
        Map<String, String> out = new LinkedHashMap<>();
        columns(database, table).stream().filter(c -> kinds.contains(c.defaultKind())).forEach(c -> out.put(c.name(), c.type()));
        return out;
    }

    /** Columns whose values a row stores and an INSERT writes: plain and DEFAULT. */
    public static final Set<String> WRITTEN = Set.of("", "DEFAULT");
    /** Columns whose values a row stores: WRITTEN and MATERIALIZED. */
    public static final Set<String> STORED = Set.of("", "DEFAULT", "MATERIALIZED");
    /** Every column but EPHEMERAL. */
    public static final Set<String> ALL = Set.of("", "DEFAULT", "MATERIALIZED", "ALIAS");

    public Optional<String> columnType(String database, String table, String column) {
        return Optional.ofNullable(columnTypes(database, table, ALL).get(column));
    }

    /** The columns an INSERT into the table writes (plain and DEFAULT), quoted; empty when there is no such table. */
    public List<String> writtenColumns(String database, String table) {
        return columnTypes(database, table, WRITTEN).keySet().stream().map(SqlQuoting::identifier).toList();
    }

    /** The columns a copy into {@code target} writes, quoted, and whether MATERIALIZED ones are among them. */
    public record CopiedColumns(List<String> columns, boolean materialized) {
        /** What an INSERT needs to write MATERIALIZED columns as data (18.16 and current servers alike). */
        public Map<String, String> settings(Map<String, String> settings) {
            if (!materialized) {
                return settings;
            }
            Map<String, String> out = new LinkedHashMap<>(settings);
            out.put("insert_allow_materialized_columns", "1");
            return out;
        }
    }

    /**
     * The columns a copy from {@code source} into {@code target} writes: every column the target stores,
     * and its MATERIALIZED columns that the source has too (not as an ALIAS), whose stored values are
     * copied as data (computing them again would give today's expression's values, not those the rows
     * were written with).
     */
    public CopiedColumns copiedColumns(String database, String target, String source) {
        Set<String> inSource = new HashSet<>(columnTypes(database, source, STORED).keySet());
        List<String> out = new ArrayList<>();
        boolean materialized = false;
        for (Column c : columns(database, target)) {
            boolean copied = WRITTEN.contains(c.defaultKind()) || ("MATERIALIZED".equals(c.defaultKind()) && inSource.contains(c.name()));
            if (copied) {
                out.add(SqlQuoting.identifier(c.name()));
                materialized |= "MATERIALIZED".equals(c.defaultKind());
            }
        }
        return new CopiedColumns(out, materialized);
    }

    /** A partition's active parts: its rows, bytes on disk and how many parts. */
    public record Partition(String id, long rows, long bytes, int parts) {
    }

    /** The table's partitions with active parts, by partition id. */
    public List<Partition> partitions(String database, String table) {
        List<Partition> out = new ArrayList<>();
        for (List<String> r : client.select("SELECT partition_id, sum(rows), sum(bytes_on_disk), count() FROM system.parts"
                + " WHERE active AND " + columnsOf(database, table) + " GROUP BY partition_id ORDER BY partition_id")) {
            out.add(new Partition(r.get(0), Long.parseLong(r.get(1)), Long.parseLong(r.get(2)), Integer.parseInt(r.get(3))));
        }
        return out;
    }

    /** Partition id to the partition's value as the server prints it (what a WHERE by the partition key compares). */
    public Map<String, String> partitionValues(String database, String table) {
        Map<String, String> out = new LinkedHashMap<>();
        client.select("SELECT DISTINCT partition_id, partition FROM system.parts WHERE active AND " + columnsOf(database, table))
                .forEach(r -> out.put(r.get(0), r.get(1)));
        return out;
    }

    /**
     * The partitions with an active part written after {@code moment} (an insert, a merge, a fetch or a
     * mutation since), id to value as {@link #partitionValues} gives them.
     */
    public Map<String, String> partitionsWrittenAfter(String database, String table, Instant moment) {
        Map<String, String> out = new LinkedHashMap<>();
        client.select("SELECT DISTINCT partition_id, partition FROM system.parts WHERE active AND " + columnsOf(database, table)
                + " AND toUnixTimestamp(modification_time) > " + moment.getEpochSecond() + " ORDER BY partition_id")
                .forEach(r -> out.put(r.get(0), r.get(1)));
        return out;
    }

    /** Whether a mutation of one of the tables was made since {@code moment}, or is not done yet. */
    public boolean mutatedSince(String database, List<String> tables, Instant moment) {
        return !"0".equals(client.selectOne("SELECT count() FROM system.mutations WHERE database = " + SqlQuoting.literal(database)
                + " AND table IN (" + String.join(", ", tables.stream().map(SqlQuoting::literal).toList()) + ")"
                + " AND (toUnixTimestamp(create_time) >= " + moment.getEpochSecond() + " OR NOT is_done)"));
    }

    /** The most active parts any partition of the table has (what parts_to_delay_insert is about), in one aggregate. */
    public long mostPartsInAPartition(String database, String table) {
        String v = client.selectOne("SELECT max(n) FROM (SELECT count() AS n FROM system.parts WHERE active AND "
                + columnsOf(database, table) + " GROUP BY partition_id)");
        return v == null || v.isBlank() ? 0 : (long) Double.parseDouble(v);
    }

    /** The sum of the table's partitions: rows, bytes and the largest partition's bytes. */
    public record Size(long rows, long bytes, long largestPartitionBytes) {
    }

    public Size size(String database, String table) {
        long rows = 0;
        long bytes = 0;
        long largest = 0;
        for (Partition p : partitions(database, table)) {
            rows += p.rows();
            bytes += p.bytes();
            largest = Math.max(largest, p.bytes());
        }
        return new Size(rows, bytes, largest);
    }

    /**
     * The settings less those this server does not know (drop_unknown_settings), each left out
     * logged so that the operator sees it.
     *
     * @param where the step and node, for the log
     */
    public Map<String, String> knownSettings(Map<String, String> settings, String where) {
        if (settings.isEmpty()) {
            return settings;
        }
        String names = String.join(", ", settings.keySet().stream().map(SqlQuoting::literal).toList());
        Set<String> known = new HashSet<>();
        client.select("SELECT name FROM system.settings WHERE name IN (" + names + ")").forEach(r -> known.add(r.get(0)));
        Map<String, String> kept = new LinkedHashMap<>();
        settings.forEach((k, v) -> {
            if (known.contains(k)) {
                kept.put(k, v);
            } else {
                LOG.warn("{}: server does not know setting {}; not sent", where, k);
            }
        });
        return kept;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
