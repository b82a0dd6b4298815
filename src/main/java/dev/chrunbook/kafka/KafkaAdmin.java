package dev.chrunbook.kafka;

import org.apache.kafka.common.TopicPartition;

import java.util.List;
import java.util.Map;

/**
 * The Kafka admin calls chrunbook needs: offsets by time, group offsets and membership, lag,
 * retention. Every call may throw {@link KafkaException}.
 */
public interface KafkaAdmin extends AutoCloseable {

    /**
     * What retention left of a partition: the log start offset (0 when nothing was ever deleted) and
     * the first retained message's time (-1 when the partition holds none).
     */
    record Retained(long logStartOffset, long firstTimestampMs) {
        public boolean lostMessages() {
            return logStartOffset > 0;
        }
    }

    /** A group's membership: how many consumers, and whether it is stable (no rebalance under way). */
    record GroupState(int members, boolean stable, String state) {
    }

    List<TopicPartition> partitions(String topic);

    /** Per partition: the first offset whose message time is at or after {@code timestampMs}, else the end. */
    Map<TopicPartition, Long> offsetsAt(String topic, long timestampMs);

    Map<TopicPartition, Retained> retained(String topic);

    /** retention.ms and retention.bytes of the topic ("?" when unset). */
    Map<String, String> retentionConfig(String topic);

    Map<TopicPartition, Long> endOffsets(String topic);

    /** Committed offsets of a group for a topic; empty when the group has none. */
    Map<TopicPartition, Long> committed(String group, String topic);

    /** Members currently in the group (0 when it does not exist). */
    default int members(String group) {
        return describe(group).members();
    }

    GroupState describe(String group);

    /** Commits offsets for a group that has no active member (a new group). */
    void commit(String group, Map<TopicPartition, Long> offsets);

    /** Per partition: end offset minus committed offset (the whole partition when nothing is committed). */
    default Map<TopicPartition, Long> lag(String group, String topic) {
        Map<TopicPartition, Long> end = endOffsets(topic);
        Map<TopicPartition, Long> committed = committed(group, topic);
        Map<TopicPartition, Long> out = new java.util.TreeMap<>((a, b) -> Integer.compare(a.partition(), b.partition()));
        end.forEach((tp, e) -> out.put(tp, Math.max(0, e - committed.getOrDefault(tp, 0L))));
        return out;
    }

    @Override
    void close();
}
