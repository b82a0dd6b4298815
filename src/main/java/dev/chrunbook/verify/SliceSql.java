package dev.chrunbook.verify;

import dev.chrunbook.SqlQuoting;

import java.util.Map;

/**
 * The statements of a verify that goes slice by slice, pure. Each reads one slice of one table and
 * returns one digest row: by id (side, rows, distinct ids, sum of the distinct ids' hashes, ids held
 * more than once) or by value (side, rows, sum of the values' hashes). Sums of 64-bit hashes are
 * order-independent, so a slice is compared without sorting or joining the tables.
 *
 * Each statement takes the WHERE of the slice's rows in the table it reads (they differ only for a
 * source on another cluster, whose rows of a target shard are selected by the sharding key).
 *
 * @param oldTable   the table copied from, qualified and quoted (or a table function: cluster(...))
 * @param newTable   the table copied to, qualified and quoted (or its Distributed table)
 * @param hash       the hashes of ids and values
 * @param ingested   when a row was ingested, quoted: of an id held more than once in the old table,
 *                   the version ingested last is the one a ReplacingMergeTree keeps
 * @param budgetBytes the memory a statement is meant to take: a GROUP BY's state is written to disk beyond
 *                   half of it (max_bytes_before_external_group_by), and the server stops a statement
 *                   that takes twice as much (max_memory_usage) rather than let it take the node's
 */
public record SliceSql(String oldTable, String newTable, RowHash hash, String ingested, long budgetBytes) {
    /** What each digest row leads with: how a statement of the verify is found in query_log. */
    public static final String OLD = "verify old", NEW = "verify new";

    /**
     * The new table's slice by distinct id, in one hash piece of {@code pieces} (ids split by their
     * hash: the pieces' digests add up), as a stream and a set of the piece's ids' hashes (uniqExact:
     * 8 bytes an id in an open hash table, what {@code pieces} is sized by). Its ids held more than
     * once show as rows beyond its distinct ids; only then is its id sum not the distinct ids' sum,
     * and the slice fails anyway.
     */
    public String newIds(String where, int piece, int pieces) {
        return "SELECT " + SqlQuoting.literal(NEW) + " AS side, count() AS rows, uniqExact(h) AS ids, toString(sum(h)) AS id_sum,"
                + " rows - ids AS doubled FROM (SELECT " + hash.id() + " AS h FROM " + newTable + " WHERE " + where
                + (pieces > 1 ? " AND " + hash.id() + " % " + pieces + " = " + piece : "") + ")";
    }

    /** A table's slice by distinct id, exactly (ids held more than once counted): a GROUP BY spilled to disk beyond half of {@link #budgetBytes}. */
    public String ids(boolean old, String where) {
        return "SELECT " + SqlQuoting.literal(old ? OLD : NEW) + " AS side, sum(c) AS rows, count() AS ids, toString(sum(h)) AS id_sum,"
                + " countIf(c > 1) AS doubled FROM (SELECT h, count() AS c FROM (SELECT " + hash.id() + " AS h FROM "
                + table(old) + " WHERE " + where + ") GROUP BY h)";
    }

    /**
     * The old table's slice by id as a stream, in constant memory: its ids taken as distinct. When this
     * differs from the new table's {@link #ids}, the old table's are counted by {@link #ids} too.
     */
    public String idStream(String where) {
        return "SELECT " + SqlQuoting.literal(OLD) + " AS side, count() AS rows, count() AS ids, toString(sum(" + hash.id() + ")) AS id_sum,"
                + " toUInt64(0) AS doubled FROM " + oldTable + " WHERE " + where;
    }

    /** A table's slice by value, as a stream: rows and the sum of their values' hashes. */
    public String values(boolean old, String where) {
        return "SELECT " + SqlQuoting.literal((old ? OLD : NEW) + " values") + " AS side, count() AS rows, toString(sum(" + hash.values()
                + ")) AS value_sum FROM " + table(old) + " WHERE " + where;
    }

    /**
     * The old table's slice by value when it holds ids more than once (a ReplacingMergeTree's
     * unmerged versions): of each id, the values of its version ingested last.
     */
    public String versions(String where) {
        return "SELECT " + SqlQuoting.literal(OLD + " values") + " AS side, count() AS rows, toString(sum(v)) AS value_sum"
                + " FROM (SELECT argMax(v, t) AS v FROM (SELECT " + hash.id() + " AS h, " + hash.values() + " AS v, " + ingested
                + " AS t FROM " + oldTable + " WHERE " + where + ") GROUP BY h)";
    }

    /**
     * The first ids of a slice that differ, each named with its problem: missing in the new table,
     * only in it, held more than once by it, or held with other values (than the old table's version
     * ingested last). Asked only for a slice whose digests differ, in hash pieces of its ids as
     * {@link #newIds} is (each id's state here is larger: its text and its values' hash, of both tables).
     */
    public String drillDown(String oldWhere, String where, int piece, int pieces, int limit) {
        String part = pieces > 1 ? " AND " + hash.id() + " % " + pieces + " = " + piece : "";
        return "SELECT multiIf(old_rows = 0, 'id only in the new table', new_rows = 0, 'id missing in the new table',"
                + " new_rows > 1, 'id more than once in the new table', 'values differ from the old table''s') AS problem,"
                + " toString(id) AS id, old_rows, new_rows FROM ("
                + "SELECT any(i) AS id, sumIf(c, s = 1) AS old_rows, sumIf(c, s = 2) AS new_rows, anyIf(v, s = 1) AS old_v, anyIf(v, s = 2) AS new_v"
                + " FROM (" + side(1, oldTable, oldWhere + part) + " UNION ALL " + side(2, newTable, where + part) + ")"
                + " GROUP BY h HAVING old_rows = 0 OR new_rows != 1 OR old_v != new_v)"
                + " ORDER BY problem, id LIMIT " + limit;
    }

    /** The first ids the new table holds more than once in a slice: for rows only the new table is checked for. */
    public String doubled(String where, int limit) {
        return "SELECT 'id more than once in the new table' AS problem, any(i) AS id, count() AS new_rows FROM (SELECT " + hash.id()
                + " AS h, toString(" + hash.idColumn() + ") AS i FROM " + newTable + " WHERE " + where + ") GROUP BY h HAVING new_rows > 1"
                + " ORDER BY id LIMIT " + limit;
    }

    private String side(int s, String table, String where) {
        return "SELECT " + s + " AS s, h, any(i) AS i, count() AS c, argMax(v, t) AS v FROM (SELECT " + hash.id() + " AS h, "
                + hash.idColumn() + " AS i, " + hash.values() + " AS v, " + ingested + " AS t FROM " + table + " WHERE " + where + ") GROUP BY h";
    }

    private String table(boolean old) {
        return old ? oldTable : newTable;
    }

    /** The settings of a statement without a GROUP BY: stopped at twice the budget. */
    public Map<String, String> limited() {
        return budgetBytes > 0 ? Map.of("max_memory_usage", String.valueOf(budgetBytes * 2)) : Map.of();
    }

    /** The settings of a statement with a GROUP BY: its state spilled to disk beyond half the budget, stopped at twice it. */
    public Map<String, String> spilling() {
        return budgetBytes > 0 ? Map.of("max_memory_usage", String.valueOf(budgetBytes * 2),
                "max_bytes_before_external_group_by", String.valueOf(budgetBytes / 2)) : Map.of();
    }
}
