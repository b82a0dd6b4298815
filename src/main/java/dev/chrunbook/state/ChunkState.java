package dev.chrunbook.state;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;

import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;

/**
 * One chunk of a chunked copy in the ledger of a step × node: a partition of the source, or a range
 * of one (from inclusive, to exclusive, of the split expression; null for open), what was planned,
 * where it stands and what verified it.
 *
 * @param partition the source partition's id (system.parts.partition_id)
 * @param queryId   the query id of its last copy statement
 * @param started   when that statement was sent: what it read was in the source by then
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChunkState(int index, String partition, Long from, Long to, long plannedRows, long plannedBytes,
                         Phase phase, int attempts, String queryId, Instant started, Long rows, String fingerprint, String error) {

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
        return new ChunkState(index, partition, from, to, rows, bytes, Phase.PENDING, 0, null, null, null, null, null);
    }

    public ChunkState sending(String newQueryId, Instant at) {
        return new ChunkState(index, partition, from, to, plannedRows, plannedBytes, Phase.COPYING, attempts + 1, newQueryId,
                at, null, null, null);
    }

    public ChunkState copied(long copiedRows, String verified) {
        return new ChunkState(index, partition, from, to, plannedRows, plannedBytes, Phase.COPIED, attempts, queryId, started,
                copiedRows, verified, null);
    }

    public ChunkState done() {
        return new ChunkState(index, partition, from, to, plannedRows, plannedBytes, Phase.DONE, attempts, queryId, started,
                rows, fingerprint, null);
    }

    public ChunkState redo(String why) {
        return new ChunkState(index, partition, from, to, plannedRows, plannedBytes, Phase.PENDING, attempts, queryId, null, null, null, why);
    }

    public ChunkState failed(String why) {
        return new ChunkState(index, partition, from, to, plannedRows, plannedBytes, Phase.FAILED, attempts, queryId, started,
                rows, fingerprint, why);
    }

    /** How operators name it: the partition and, for a part of one, its range. */
    public String label() {
        return "partition " + partition + (from == null && to == null ? "" : " [" + (from == null ? "-inf" : from) + ", "
                + (to == null ? "+inf" : to) + ")");
    }
}
