package dev.chrunbook.transfer;

import dev.chrunbook.verify.RowHash;
import dev.chrunbook.SqlQuoting;
import dev.chrunbook.state.SourceRange;

import java.time.LocalDate;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The SQL of a copy from another cluster, run on a target node: the source is read through
 * {@code cluster('<name>', db, table)}, a cluster the target's remote_servers declares (its user and
 * password stay in the server's config: no password is in the SQL, so none reaches query_log).
 *
 * @param sourceCluster  the cluster name in the target's remote_servers
 * @param columns        the target's stored columns, quoted: what is copied (the source has them all)
 * @param teams          the teams copied (whole numbers)
 * @param start          the first event time copied, {@code yyyy-MM-dd HH:mm:ss} (UTC)
 * @param end            the first event time not copied
 * @param partitionKey   the target's partition key ("" for none)
 * @param shardFilter    the rows of this target shard, by the target's sharding key ("" for all)
 */
public record RemoteSql(String sourceCluster, String sourceDatabase, String sourceTable, String targetDatabase, String target,
                        List<String> columns, String teamColumn, List<Long> teams, String timeColumn, String start, String end,
                        String idColumn, String idType, String partitionKey, String shardFilter) {

    public String source() {
        return "cluster(" + SqlQuoting.literal(sourceCluster) + ", " + SqlQuoting.literal(sourceDatabase) + ", "
                + SqlQuoting.literal(sourceTable) + ")";
    }

    /** The same over every shard's rows. */
    public RemoteSql unsharded() {
        return new RemoteSql(sourceCluster, sourceDatabase, sourceTable, targetDatabase, target, columns, teamColumn, teams, timeColumn,
                start, end, idColumn, idType, partitionKey, "");
    }

    public String qualified(String table) {
        return SqlQuoting.identifier(targetDatabase) + "." + SqlQuoting.identifier(table);
    }

    private String team() {
        return SqlQuoting.identifier(teamColumn);
    }

    private String day() {
        return "toDate(" + SqlQuoting.identifier(timeColumn) + ")";
    }

    /** The rows of the copy: its teams and time range, on this shard. */
    public String filter() {
        return filter(true);
    }

    /** Without the shard's filter on a target table: a row there that belongs to another shard is a difference too. */
    private String filter(boolean onSource) {
        String time = SqlQuoting.identifier(timeColumn);
        return team() + " IN (" + teams.stream().map(String::valueOf).collect(Collectors.joining(", ")) + ")"
                + " AND " + time + " >= toDateTime(" + SqlQuoting.literal(start) + ")"
                + " AND " + time + " < toDateTime(" + SqlQuoting.literal(end) + ")"
                + (shardFilter.isBlank() || !onSource ? "" : " AND " + shardFilter);
    }

    /**
     * Rows per team and day, in the order of the source's sort key: what the chunks are planned
     * from. With a cursor, only from its team and day on.
     */
    public String plan(SourceRange from) {
        String after = from == null ? "" : " AND (" + team() + " > " + from.team() + " OR (" + team() + " = " + from.team()
                + " AND " + day() + " >= " + date(from.fromDay()) + "))";
        return "SELECT " + team() + " AS chrunbook_team, toUInt32(" + day() + ") AS chrunbook_day, count() FROM " + source()
                + " WHERE " + filter() + after + " GROUP BY chrunbook_team, chrunbook_day ORDER BY chrunbook_team, chrunbook_day";
    }

    /** The rows of one chunk: its team and days (and piece of a day), within the copy's filter. */
    public String where(SourceRange r, boolean onSource) {
        String where = filter(onSource) + " AND " + team() + " = " + r.team()
                + " AND " + day() + " >= " + date(r.fromDay()) + " AND " + day() + " < " + date(r.toDay());
        if (r.split()) {
            where += " AND " + RowHash.idHash(idColumn, idType) + " % " + r.pieces() + " = " + r.piece();
        }
        return where;
    }

    public String copy(SourceRange r, String into) {
        String cols = String.join(", ", columns);
        return "INSERT INTO " + qualified(into) + " (" + cols + ")\nSELECT " + cols + "\nFROM " + source() + "\nWHERE "
                + where(r, true);
    }

    /** Rows, distinct ids and the sum of the ids' hashes of a chunk: in a target table, or (onSource) in the source. */
    public String fingerprint(SourceRange r, String table, boolean onSource) {
        // distinct ids by their 64-bit hash: 18.16 cannot merge uniqExact of a UUID read from several shards
        return "SELECT count(), uniqExact(" + RowHash.idHash(idColumn, idType) + "), toString(sum(" + RowHash.idHash(idColumn, idType)
                + ")) FROM " + (onSource ? source() : qualified(table)) + " WHERE " + where(r, onSource);
    }

    /** The source's rows, distinct ids and id hash sum of a chunk per target shard ({@code shardOf} numbers a row's shard). */
    public String fingerprintByShard(SourceRange r, String shardOf) {
        String hash = RowHash.idHash(idColumn, idType);
        return "SELECT " + shardOf + " AS chrunbook_shard, count(), uniqExact(" + hash + "), toString(sum(" + hash + ")) FROM " + source()
                + " WHERE " + where(r, true) + " GROUP BY chrunbook_shard";
    }

    private static String date(long epochDay) {
        return "toDate(" + SqlQuoting.literal(LocalDate.ofEpochDay(epochDay).toString()) + ")";
    }
}
