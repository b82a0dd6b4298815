package dev.chrunbook.testing;

import dev.chrunbook.kafka.KafkaAdmin;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Kafka cluster of one topic in memory, for the Kafka kinds' unit tests: each look at a group
 * ({@link #describe}) moves to the next scripted moment (membership, committed offsets); the last one stays.
 */
public final class FakeKafkaAdmin implements KafkaAdmin {
    /** One moment of the group: its membership and its committed offset per partition. */
    public record Moment(boolean stable, int members, Map<Integer, Long> committed) {
    }

    private final String topic;
    private final Map<Integer, Long> end;
    private final Deque<Moment> moments = new ArrayDeque<>();
    private Moment now;
    private Map<Integer, Long> atTime = Map.of();
    public final Map<TopicPartition, Long> commits = new TreeMap<>((a, b) -> Integer.compare(a.partition(), b.partition()));
    public int looks;

    public FakeKafkaAdmin(String topic, Map<Integer, Long> endOffsets, List<Moment> script) {
        this.topic = topic;
        this.end = endOffsets;
        this.moments.addAll(script);
        this.now = moments.peekFirst();
    }

    /** What {@link #offsetsAt} answers: the first offset at or after any time asked for. */
    public FakeKafkaAdmin offsetsAtAnyTime(Map<Integer, Long> offsets) {
        this.atTime = offsets;
        return this;
    }

    private Map<TopicPartition, Long> of(Map<Integer, Long> byPartition) {
        Map<TopicPartition, Long> out = new TreeMap<>((a, b) -> Integer.compare(a.partition(), b.partition()));
        byPartition.forEach((p, o) -> out.put(new TopicPartition(topic, p), o));
        return out;
    }

    @Override
    public List<TopicPartition> partitions(String t) {
        return end.keySet().stream().map(p -> new TopicPartition(topic, p)).toList();
    }

    @Override
    public Map<TopicPartition, Long> offsetsAt(String t, long timestampMs) {
        return of(atTime);
    }

    @Override
    public Map<TopicPartition, Retained> retained(String t) {
        Map<TopicPartition, Retained> out = new TreeMap<>((a, b) -> Integer.compare(a.partition(), b.partition()));
        end.keySet().forEach(p -> out.put(new TopicPartition(topic, p), new Retained(0, 0)));
        return out;
    }

    @Override
    public Map<String, String> retentionConfig(String t) {
        return Map.of("retention.ms", "604800000", "retention.bytes", "-1");
    }

    @Override
    public Map<TopicPartition, Long> endOffsets(String t) {
        return of(end);
    }

    @Override
    public Map<TopicPartition, Long> committed(String group, String t) {
        return of(now.committed());
    }

    @Override
    public GroupState describe(String group) {
        looks++;
        if (looks > 1 && moments.size() > 1) {
            moments.pollFirst();
            now = moments.peekFirst();
        }
        return new GroupState(now.members(), now.stable(), now.stable() ? "STABLE" : "PREPARING_REBALANCE");
    }

    @Override
    public void commit(String group, Map<TopicPartition, Long> offsets) {
        commits.putAll(offsets);
    }

    @Override
    public void close() {
    }
}
