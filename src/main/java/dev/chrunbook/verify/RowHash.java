package dev.chrunbook.verify;

import dev.chrunbook.catalog.Catalog;

import dev.chrunbook.SqlQuoting;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The two 64-bit hashes a verify compares rows by: of a row's id, and of its stored values (the
 * columns both tables hold under the same name and type). Hashed by value where the server can,
 * a few times faster than hashing each row's text; a UUID by its bytes (18.16 hashes no UUID);
 * the row's text where the server refuses its types.
 *
 * @param idColumn the id column, quoted
 * @param id       the id's hash
 * @param values   the stored values' hash
 * @param compared the columns whose values are compared
 * @param skipped  stored columns of either table that the other holds under another type or not at all
 */
public record RowHash(String idColumn, String id, String values, List<String> compared, List<String> skipped) {
    /** Types whose bytes hash as they are: hashing them needs no text of every value. */
    private static final Pattern BYTES = Pattern.compile(
            "UUID|U?Int(8|16|32|64)|Float(32|64)|Date|DateTime|String|FixedString\\(\\d+\\)");

    /** A 64-bit hash of each row's id: of its bytes when its type has plain ones, else of its text. */
    public static String idHash(String idColumn, String idType) {
        String id = SqlQuoting.identifier(idColumn);
        return BYTES.matcher(idType).matches() ? "cityHash64(reinterpretAsString(" + id + "))" : "cityHash64(toString(" + id + "))";
    }

    /** The stored columns (plain, DEFAULT, MATERIALIZED) of a table by name, with their types, in table order. */
    public static Map<String, String> storedColumns(ClickHouseClient client, String database, String table) {
        return new Catalog(client).columnTypes(database, table, Catalog.STORED);
    }

    /**
     * The hashes for two tables' rows, as {@code probe} (a table holding the columns) lets them be
     * computed: every value by itself when the server hashes all these types, else the row's text.
     */
    public static RowHash of(ClickHouseClient client, String probe, String idColumn, Map<String, String> oldColumns,
                             Map<String, String> newColumns) {
        List<String> compared = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        oldColumns.forEach((name, type) -> (type.equals(newColumns.get(name)) ? compared : skipped).add(name));
        newColumns.keySet().stream().filter(n -> !oldColumns.containsKey(n)).forEach(skipped::add);
        String idType = oldColumns.getOrDefault(idColumn, "");
        if (!idType.equals(newColumns.get(idColumn))) {
            throw new ClickHouseException("the id column " + idColumn + " is not in both tables under the same type (" + idType
                    + ", " + newColumns.get(idColumn) + "): set id_column to a column both hold", null, false);
        }
        Map<String, String> both = new LinkedHashMap<>();
        compared.forEach(c -> both.put(c, oldColumns.get(c)));
        return new RowHash(SqlQuoting.identifier(idColumn), idHash(idColumn, idType), valuesHash(client, probe, both), List.copyOf(compared),
                List.copyOf(skipped));
    }

    /**
     * A 64-bit hash of a row's values of these columns (name to type): each value by itself where the
     * server hashes them over a row of {@code probe}, else the row's text.
     */
    public static String valuesHash(ClickHouseClient client, String probe, Map<String, String> columns) {
        List<String> args = columns.entrySet().stream().map(c -> argument(c.getKey(), c.getValue())).toList();
        String byValue = "cityHash64(" + String.join(", ", args) + ")";
        return hashes(client, probe, byValue) ? byValue
                : "cityHash64(" + String.join(", ", columns.entrySet().stream().map(c -> nullable(c.getValue())
                ? "isNull(" + SqlQuoting.identifier(c.getKey()) + "), ifNull(toString(" + SqlQuoting.identifier(c.getKey()) + "), '')"
                : "toString(" + SqlQuoting.identifier(c.getKey()) + ")").toList()) + ")";
    }

    /**
     * A column as an argument of the hash. A Nullable one is its NULL flag and its value: a hash of a
     * NULL argument is NULL (on 18.16 as on 26.7), and sum() leaves NULLs out, so the row would be
     * compared by nothing; the flag tells a NULL from the type's default.
     */
    static String argument(String name, String type) {
        String column = SqlQuoting.identifier(name);
        if (nullable(type)) {
            String inner = type.replaceFirst("^(LowCardinality\\()?Nullable\\(", "").replaceFirst("\\)\\)?$", "");
            return "isNull(" + column + "), " + byBytes("assumeNotNull(" + column + ")", inner);
        }
        return byBytes(column, type);
    }

    private static boolean nullable(String type) {
        return type.startsWith("Nullable(") || type.startsWith("LowCardinality(Nullable(");
    }

    /** A UUID by its bytes: 18.16 hashes no UUID. */
    private static String byBytes(String expression, String type) {
        return "UUID".equals(type) ? "reinterpretAsString(" + expression + ")" : expression;
    }

    /** Whether the server computes {@code expression} over a row of {@code table}. */
    private static boolean hashes(ClickHouseClient client, String table, String expression) {
        try {
            client.select("SELECT " + expression + " FROM " + table + " LIMIT 1");
            return true;
        } catch (ClickHouseException e) {
            return false;
        }
    }
}
