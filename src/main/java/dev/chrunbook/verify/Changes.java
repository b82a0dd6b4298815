package dev.chrunbook.verify;

import dev.chrunbook.catalog.Catalog;

import dev.chrunbook.clickhouse.ClickHouseClient;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What could have changed values since a copy wrote them, from the catalog: a mutation of either
 * table created since the copy began (or not done), and the partitions of the new table with a part
 * written after the copy ended on the node (the dedupe's merges, rows inserted since). A copy writes
 * values as the source holds them (INSERT ... SELECT of the same columns), and a merge of parts that
 * hold an id once keeps its values: only these can make them differ.
 *
 * @param everything values could have changed anywhere (a mutation, or no copy to go by)
 * @param rewritten  the new table's partitions (ids) with a part written after the copy ended
 */
public record Changes(boolean everything, Set<String> rewritten) {
    /** Nothing to go by: compare values everywhere. */
    public static final Changes ALL = new Changes(true, Set.of());

    public static Changes since(ClickHouseClient client, String database, String oldTable, String newTable, Instant copyStarted,
                                Instant copyFinished) {
        if (copyStarted == null || copyFinished == null) {
            return ALL;
        }
        Catalog catalog = new Catalog(client);
        boolean mutated = catalog.mutatedSince(database, List.of(oldTable, newTable), copyStarted);
        return new Changes(mutated, Set.copyOf(catalog.partitionsWrittenAfter(database, newTable, copyFinished).keySet()));
    }

    /** Whether values of a slice of these partitions could have changed. */
    public boolean values(List<String> partitions) {
        return everything || partitions.stream().anyMatch(rewritten::contains);
    }
}
