package dev.chrunbook.chunks;

import dev.chrunbook.SqlQuoting;
import dev.chrunbook.catalog.PartitionFilter;
import dev.chrunbook.ddl.CreateQuery;
import dev.chrunbook.state.ChunkState;
import dev.chrunbook.verify.RowHash;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The SQL of a chunked copy, pure. A chunk is copied into a temporary table of its own (the
 * target's definition without replication), verified there, and its partition is then put into
 * the target with {@code REPLACE PARTITION}: redoing a chunk replaces, it never appends.
 *
 * @param columns       the stored columns, quoted: what the copy writes and what fingerprints read
 * @param splitBy       the expression a large partition is split by (its value as UInt64), "" for none
 * @param idColumn      what identifies a row (distinct ids are compared), "" for none
 * @param ingestedColumn when a row was ingested: fingerprints compare rows ingested before a bound; "" compares all
 * @param partitionKey   the source's partition key ("" when unknown or none)
 * @param partitionValues partition id to its value as the server writes it (a literal)
 * @param idType         the id column's type ("" when unknown: its ids are hashed as text)
 */
public record ChunkSql(String database, String source, String target, List<String> columns, String splitBy,
                       String idColumn, String ingestedColumn, String partitionKey, Map<String, String> partitionValues,
                       String idType) {
    public ChunkSql(String database, String source, String target, List<String> columns, String splitBy, String idColumn,
                    String ingestedColumn) {
        this(database, source, target, columns, splitBy, idColumn, ingestedColumn, "", Map.of(), "");
    }

    /** The same, knowing the id column's type (system.columns.type). */
    public ChunkSql withIdType(String type) {
        return new ChunkSql(database, source, target, columns, splitBy, idColumn, ingestedColumn, partitionKey, partitionValues,
                type == null ? "" : type);
    }

    /**
     * The same with the source's partition key and each partition's value (system.parts.partition), so
     * that a chunk's rows are selected by the key, which the server prunes parts by; 18.16 reads every
     * part for a condition on {@code _partition_id}.
     */
    public ChunkSql withPartitions(String key, Map<String, String> values) {
        return new ChunkSql(database, source, target, columns, splitBy, idColumn, ingestedColumn, key, Map.copyOf(values), idType);
    }
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private String table(String name) {
        return qualified(name);
    }

    /** A table of the database, quoted. */
    public String qualified(String name) {
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

    /** The rows of a chunk: its partitions, or one partition's range of the split expression. */
    public String where(ChunkState c) {
        if (c.partitions().size() > 1) {
            return "(" + String.join(" OR ", c.partitions().stream().map(this::partitionWhere).toList()) + ")";
        }
        StringBuilder sb = new StringBuilder(partitionWhere(c.partition()));
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
     * count, distinct ids and an order-independent fingerprint (the sum of a 64-bit hash of each
     * row's id, or of the whole row without an id column) of the rows of a chunk's range in a table,
     * of the rows ingested before {@code before} when there is an ingestion column.
     */
    public String fingerprint(String table, String where, Instant before) {
        return fingerprint(table, where, before, false);
    }

    /**
     * The fingerprints of the same rows in two tables in one statement, each row led by its table's
     * name: the server reads both halves of a UNION ALL at once, where two statements read one after
     * the other (the check of a chunk just copied is on the copy's path when it is the last).
     */
    public String fingerprints(String first, String second, String where, Instant before, boolean distinctIds) {
        return fingerprint(first, where, before, distinctIds).replaceFirst("^SELECT ", "SELECT " + SqlQuoting.literal(first) + ", ")
                + " UNION ALL " + fingerprint(second, where, before, distinctIds).replaceFirst("^SELECT ", "SELECT " + SqlQuoting.literal(second) + ", ");
    }

    /**
     * @param distinctIds also count the distinct ids, as the verify step does: what a partition is
     *                    checked by on --rerun; a chunk just copied is checked by its rows and the sum
     *                    of their ids' 64-bit hashes, which needs no set of every id in memory
     */
    public String fingerprint(String table, String where, Instant before, boolean distinctIds) {
        String bound = ingestedColumn.isEmpty() || before == null ? ""
                : " AND " + SqlQuoting.identifier(ingestedColumn) + " < toDateTime(" + SqlQuoting.literal(SECONDS.format(before)) + ")";
        if (idColumn.isEmpty()) {
            return "SELECT count(), 0, toString(sum(cityHash64(toString(tuple(" + String.join(", ", columns) + ")))))"
                    + " FROM " + table(table) + " WHERE " + where + bound;
        }
        // by identity: each row's id hashed (by its bytes when its type has plain ones, else as text), summed
        String id = SqlQuoting.identifier(idColumn);
        String distinct = distinctIds ? "uniqExact(" + id + ")" : "0";
        String hash = RowHash.idHash(idColumn, idType);
        return "SELECT count(), " + distinct + ", toString(sum(" + hash + "))"
                + " FROM " + table(table) + " WHERE " + where + bound;
    }

    /** The rows of a partition: by its key when its value is a known whole number, else by its id. */
    public String partitionWhere(String partition) {
        return PartitionFilter.where(partitionKey, Collections.singletonMap(partition, partitionValues.get(partition))); // the value may be null
    }

    public String replace(String partition, String from) {
        return replace(List.of(partition), from);
    }

    /** REPLACE of several partitions from one table in one ALTER: one round trip, the server replaces them one after the other. */
    public String replace(List<String> partitions, String from) {
        return alterPartitions("REPLACE", partitions, from, target);
    }

    public String attach(String partition, String from, String into) {
        return attach(List.of(partition), from, into);
    }

    /** ATTACH of several partitions from one table in one ALTER (appends: the caller knows they are not in {@code into} yet). */
    public String attach(List<String> partitions, String from, String into) {
        return alterPartitions("ATTACH", partitions, from, into);
    }

    /** One ALTER of {@code into} with a {@code verb PARTITION ID ... FROM from} command per partition, each id quoted. */
    private String alterPartitions(String verb, List<String> partitions, String from, String into) {
        return "ALTER TABLE " + table(into) + " " + String.join(", ", partitions.stream()
                .map(p -> verb + " PARTITION ID " + SqlQuoting.literal(p) + " FROM " + table(from)).toList());
    }
}
