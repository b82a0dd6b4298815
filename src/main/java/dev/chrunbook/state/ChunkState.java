package dev.chrunbook.state;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One chunk of a chunked copy in the ledger of a step × node: a partition of the source, or a range
 * of one (from inclusive, to exclusive, of the split expression; null for open), what was planned,
 * where it stands and what verified it.
 *
 * @param partition the source partition's id (system.parts.partition_id); the first one when it holds several
 * @param alsoPartitions the other partitions a chunk of several small ones holds
 * @param queryId   the query id of its last copy statement
 * @param started   when that statement was sent: what it read was in the source by then
 * @param fingerprint what verified it; for an export to an ingestion endpoint, the position acknowledged in its day
 * @param range     for a copy from another cluster or an export: the key range of the source it holds (null otherwise)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChunkState(int index, String partition, Long from, Long to, long plannedRows, long plannedBytes,
                         Phase phase, int attempts, String queryId, Instant started, Long rows, String fingerprint, String error,
                         @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> alsoPartitions, SourceRange range) {

    public ChunkState {
        alsoPartitions = alsoPartitions == null ? List.of() : List.copyOf(alsoPartitions);
    }

    /** Every partition the chunk holds whole (small ones are copied together), or the one it holds a range of. */
    public List<String> partitions() {
        List<String> all = new java.util.ArrayList<>(List.of(partition));
        all.addAll(alsoPartitions);
        return all;
    }

    /** A chunk of several whole partitions. */
    public ChunkState withAlso(List<String> more) {
        return new ChunkState(index, partition, from, to, plannedRows, plannedBytes, phase, attempts, queryId, started, rows,
                fingerprint, error, more, range);
    }

    /** Where a chunk stands; written in lower case in state.json. */
    public enum Phase {
        /** Not copied yet (or to be copied again). */
        PENDING,
        /** Its copy statement was sent; a later run asks the server what became of it. */
        COPYING,
        /** In its temporary table and verified against the source. */
        COPIED,
        /** Its partition is in the target and verified. */
        DONE,
        /** Failed verification more often than allowed, or its statement failed. */
        FAILED;

        @JsonValue
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Phase of(String label) {
            return Arrays.stream(values()).filter(p -> p.label().equals(label)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no chunk phase '" + label + "'"));
        }
    }

    public static ChunkState planned(int index, String partition, Long from, Long to, long rows, long bytes) {
        return new ChunkState(index, partition, from, to, rows, bytes, Phase.PENDING, 0, null, null, null, null, null, List.of(), null);
    }

    /** A chunk of a copy from another cluster: a key range of the source, going into one partition of the target. */
    public static ChunkState planned(int index, String targetPartition, SourceRange range, long rows) {
        return new ChunkState(index, targetPartition, null, null, rows, 0, Phase.PENDING, 0, null, null, null, null, null, List.of(), range);
    }

    public ChunkState sending(String newQueryId, Instant at) {
        return new ChunkState(index, partition, from, to, plannedRows, plannedBytes, Phase.COPYING, attempts + 1, newQueryId,
                at, null, null, null, alsoPartitions, range);
    }

    public ChunkState copied(long copiedRows, String verified) {
        return new ChunkState(index, partition, from, to, plannedRows, plannedBytes, Phase.COPIED, attempts, queryId, started,
                copiedRows, verified, null, alsoPartitions, range);
    }

    public ChunkState done() {
        return new ChunkState(index, partition, from, to, plannedRows, plannedBytes, Phase.DONE, attempts, queryId, started,
                rows, fingerprint, null, alsoPartitions, range);
    }

    public ChunkState redo(String why) {
        return new ChunkState(index, partition, from, to, plannedRows, plannedBytes, Phase.PENDING, attempts, queryId, null, null, null, why, alsoPartitions, range);
    }

    public ChunkState failed(String why) {
        return new ChunkState(index, partition, from, to, plannedRows, plannedBytes, Phase.FAILED, attempts, queryId, started,
                rows, fingerprint, why, alsoPartitions, range);
    }

    /** How operators name it: the partition and, for a part of one, its range. */
    public String label() {
        if (range != null) {
            return range.label();
        }
        return (alsoPartitions.isEmpty() ? "partition " + partition : "partitions " + String.join(", ", partitions()))
                + (from == null && to == null ? "" : " [" + (from == null ? "-inf" : from) + ", " + (to == null ? "+inf" : to) + ")");
    }
}
