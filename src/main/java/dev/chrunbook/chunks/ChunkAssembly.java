package dev.chrunbook.chunks;

import dev.chrunbook.catalog.Catalog;

import dev.chrunbook.apply.StatementSender;

import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.state.ChunkState;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Puts a partition whose chunks are all copied into the target: a partition of one chunk replaces
 * the target's from its chunk table; the chunks of a split partition are attached, one after the
 * other, to a table of the partition first (their ranges do not overlap, so nothing is doubled),
 * which then replaces it. REPLACE PARTITION swaps the partition whole: doing it again leaves the
 * same rows, never twice as many. The target's partition is then verified against the source.
 */
final class ChunkAssembly {
    private final ChunkSql sql;
    private final String targetDefinition;
    private final Duration margin;
    private final StatementSender sender;

    ChunkAssembly(ChunkSql sql, String targetDefinition, Duration margin, StatementSender sender) {
        this.sql = sql;
        this.targetDefinition = targetDefinition;
        this.margin = margin;
        this.sender = sender;
    }

    /**
     * Empty when the partition is in the target, holding exactly the rows of its chunk tables (each
     * verified against the source); else the problem. REPLACE and ATTACH move parts as they are, so
     * the row count tells whether it happened; the identity was checked chunk by chunk.
     */
    Optional<String> replace(ClickHouseClient client, String partition, List<ChunkState> chunks) {
        long copied = 0;
        for (ChunkState c : chunks) {
            copied += Long.parseLong(client.selectOne("SELECT count() FROM " + sql.qualified(sql.chunkTable(c))));
        }
        List<String> partitions = chunks.get(0).partitions();
        if (chunks.size() == 1) { // a chunk of several small partitions replaces all of them in one ALTER
            sender.housekeeping(client, sql.replace(partitions, sql.chunkTable(chunks.get(0))));
        } else {
            String whole = sql.partitionTable(partition);
            sender.housekeeping(client, sql.drop(whole));
            sender.housekeeping(client, sql.create(targetDefinition, whole));
            for (ChunkState c : chunks) {
                sender.housekeeping(client, sql.attach(partition, sql.chunkTable(c), whole));
            }
            sender.housekeeping(client, sql.replace(partition, whole));
        }
        long target = Long.parseLong(client.selectOne("SELECT count() FROM " + sql.qualified(sql.target()) + " WHERE "
                + String.join(" OR ", partitions.stream().map(sql::partitionWhere).toList())));
        return target == copied ? Optional.empty() : Optional.of(chunks.get(0).label() + ": the target holds " + target
                + " rows after REPLACE PARTITION, its " + chunks.size() + " chunk table(s) " + copied);
    }

    /**
     * The target's partition against the source's by identity, over the rows ingested before its first
     * chunk began (minus the margin): how --rerun finds a partition that changed after it was copied.
     */
    Optional<String> differs(ClickHouseClient client, String partition, List<ChunkState> chunks) {
        Instant before = chunks.stream().map(ChunkState::started).filter(Objects::nonNull).min(Instant::compareTo)
                .map(t -> t.minus(margin)).orElse(null);
        Map<String, List<String>> both = ChunkCopier.sides(client.select(sql.fingerprints(sql.target(), sql.source(),
                sql.partitionWhere(partition), before, true)));
        List<String> target = both.get(sql.target());
        List<String> source = both.get(sql.source());
        if (target.equals(source)) {
            return Optional.empty();
        }
        return Optional.of("partition " + partition + ": the target holds " + ChunkCopier.describe(target) + ", the source "
                + ChunkCopier.describe(source));
    }

    /** Drops the partition's temporary tables once it is done. */
    void cleanUp(ClickHouseClient client, String partition, List<ChunkState> chunks) {
        for (ChunkState c : chunks) {
            sender.housekeeping(client, sql.drop(sql.chunkTable(c)));
        }
        if (chunks.size() > 1) {
            sender.housekeeping(client, sql.drop(sql.partitionTable(partition)));
        }
    }

    /** Drops the chunk tables of partitions in the target already, which a run killed between the two leaves behind. */
    void dropLeftovers(ClickHouseClient client, List<ChunkState> ledger) {
        Set<String> present = new HashSet<>(new Catalog(client).tablesStartingWith(sql.database(), sql.partitionTable("")));
        for (String partition : units(ledger)) {
            List<ChunkState> chunks = chunksOf(ledger, partition);
            if (chunks.stream().allMatch(c -> c.phase() == ChunkState.Phase.DONE)
                    && (chunks.stream().anyMatch(c -> present.contains(sql.chunkTable(c))) || present.contains(sql.partitionTable(partition)))) {
                cleanUp(client, partition, chunks);
            }
        }
    }

    /** One partition of each unit that is put in together (a chunk of whole partitions, or a split one's ranges). */
    static List<String> units(List<ChunkState> ledger) {
        return ledger.stream().map(ChunkState::partition).distinct().toList();
    }

    /** The chunks holding a partition: its ranges, or the one chunk of whole partitions it is in. */
    static List<ChunkState> chunksOf(List<ChunkState> ledger, String partition) {
        return ledger.stream().filter(c -> c.partitions().contains(partition)).toList();
    }
}
