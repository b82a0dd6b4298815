package dev.chrunbook.catalog;

import dev.chrunbook.SqlQuoting;
import dev.chrunbook.ddl.DdlException;
import dev.chrunbook.ddl.Fragment;

import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A WHERE condition that keeps some partitions of a table, written so that the server reads only
 * those: by the partition key when every value is a whole number (18.16 prunes by the key's min-max
 * index, not by {@code _partition_id}; current servers by both), else by partition id (always right;
 * pruned on current servers only). A value is compared only when it is a plain number because
 * system.parts prints others in forms that are not literals (a Date key's value without quotes).
 */
public final class PartitionFilter {
    private static final String WHOLE_NUMBER = "-?\\d{1,20}";

    private PartitionFilter() {
    }

    /**
     * @param key        the table's partition key ("" for none or unknown)
     * @param partitions partition id to its value as system.parts prints it (a value may be null: unknown)
     * @return "0" for no partition; {@code (key) = v} or {@code (key) IN (v, ...)}; else by {@code _partition_id}
     */
    public static String where(String key, Map<String, String> partitions) {
        if (partitions.isEmpty()) {
            return "0";
        }
        boolean byKey = !key.isBlank() && partitions.values().stream().allMatch(v -> v != null && v.matches(WHOLE_NUMBER));
        if (byKey) {
            try {
                Fragment.check("partition key", key);
                return "(" + key + ")" + oneOrMany(String.join(", ", partitions.values()), partitions.size());
            } catch (DdlException e) {
                // fall through: an id always works, only slower
            }
        }
        String ids = partitions.keySet().stream().map(Objects::requireNonNull).map(SqlQuoting::literal).collect(Collectors.joining(", "));
        return "_partition_id" + oneOrMany(ids, partitions.size());
    }

    private static String oneOrMany(String list, int size) {
        return size == 1 ? " = " + list : " IN (" + list + ")";
    }
}
