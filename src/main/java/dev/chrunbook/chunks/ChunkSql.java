package dev.chrunbook.chunks;

import dev.chrunbook.SqlQuoting;
import dev.chrunbook.ddl.CreateQuery;
import dev.chrunbook.state.ChunkState;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The SQL of a chunked copy, pure. A chunk is copied into a temporary table of its own (the
 * target's definition without replication), verified there, and its partition is then put into
 * the target with {@code REPLACE PARTITION}: redoing a chunk replaces, it never appends.
 *
 * @param columns       the stored columns, quoted: what the copy writes and what fingerprints read
 * @param splitBy       the expression a large partition is split by (its value as UInt64), "" for none
 * @param idColumn      what identifies a row (distinct ids are compared), "" for none
 * @param ingestedColumn when a row was ingested: fingerprints compare rows ingested before a bound; "" compares all
 */
public record ChunkSql(String database, String source, String target, List<String> columns, String splitBy,
                       String idColumn, String ingestedColumn) {
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private String table(String name) {
        return SqlQuoting.identifier(database) + "." + SqlQuoting.identifier(name);
    }

    /** The temporary table of a chunk; one per chunk, so that redoing one leaves the others alone. */
    public String chunkTable(ChunkState c) {
        return target + "_chunk_" + c.partition().replace('-', '_') + "_" + c.index();
    }

    /** The table a split partition's chunks are put together in before it replaces the target's partition. */
    public String partitionTable(String partition) {
        return target + "_chunk_" + partition.replace('-', '_');
    }

    /** The rows of a chunk: its partition and, for a part of one, the range of the split expression. */
    public String where(ChunkState c) {
        StringBuilder sb = new StringBuilder("_partition_id = " + SqlQuoting.literal(c.partition()));
        if (c.from() != null) {
            sb.append(" AND toUInt64(").append(splitBy).append(") >= ").append(c.from());
        }
        if (c.to() != null) {
            sb.append(" AND toUInt64(").append(splitBy).append(") < ").append(c.to());
        }
        return sb.toString();
    }

    /** A local twin of the target: the same columns, keys and partitioning, no replication. */
    public String create(String targetDefinition, String name) {
        CreateQuery target = CreateQuery.parse(targetDefinition);
        return target.withName(database, name).withEngine(target.engine().unreplicated()).sql(false, null);
    }

    public String drop(String name) {
        return "DROP TABLE IF EXISTS " + table(name);
    }

    public String copy(ChunkState c, String into) {
        String cols = String.join(", ", columns);
        return "INSERT INTO " + table(into) + " (" + cols + ")\nSELECT " + cols + "\nFROM " + table(source) + "\nWHERE " + where(c);
    }

    /**
     * count, distinct ids and an order-independent fingerprint of the rows of a chunk's range in a
     * table (a row's text as the server prints it: every type has one), of the rows ingested before
     * {@code before} when there is an ingestion column.
     */
    public String fingerprint(String table, String where, Instant before) {
        String bound = ingestedColumn.isEmpty() || before == null ? ""
                : " AND " + SqlQuoting.identifier(ingestedColumn) + " < toDateTime(" + SqlQuoting.literal(SECONDS.format(before)) + ")";
        String ids = idColumn.isEmpty() ? "0" : "uniqExact(" + SqlQuoting.identifier(idColumn) + ")";
        return "SELECT count(), " + ids + ", toString(sum(cityHash64(toString(tuple(" + String.join(", ", columns) + ")))))"
                + " FROM " + table(table) + " WHERE " + where + bound;
    }

    public String partitionWhere(String partition) {
        return "_partition_id = " + SqlQuoting.literal(partition);
    }

    public String replace(String partition, String from) {
        return "ALTER TABLE " + table(target) + " REPLACE PARTITION ID " + SqlQuoting.literal(partition) + " FROM " + table(from);
    }

    public String attach(String partition, String from, String into) {
        return "ALTER TABLE " + table(into) + " ATTACH PARTITION ID " + SqlQuoting.literal(partition) + " FROM " + table(from);
    }
}
