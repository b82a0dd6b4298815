package dev.chrunbook.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.ConsumerGroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@link KafkaAdmin} over the Kafka admin client. */
public final class KafkaAdminClient implements KafkaAdmin {
    private static final long TIMEOUT_S = 30;

    private final Admin admin;

    public KafkaAdminClient(String brokers) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "chrunbook");
        this.admin = Admin.create(p);
    }

    @Override
    public List<TopicPartition> partitions(String topic) {
        TopicDescription d = get(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic);
        return d.partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    /** Per partition: the first offset whose message time is at or after {@code timestampMs}, else the end. */
    @Override
    public Map<TopicPartition, Long> offsetsAt(String topic, long timestampMs) {
        Map<TopicPartition, OffsetSpec> byTime = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (TopicPartition tp : partitions(topic)) {
            byTime.put(tp, OffsetSpec.forTimestamp(timestampMs));
            latest.put(tp, OffsetSpec.latest());
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> at = get(admin.listOffsets(byTime).all());
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = get(admin.listOffsets(latest).all());
        Map<TopicPartition, Long> out = new TreeMap<>((a, b) -> Integer.compare(a.partition(), b.partition()));
        at.forEach((tp, info) -> out.put(tp, info.offset() >= 0 ? info.offset() : end.get(tp).offset()));
        return out;
    }

    @Override
    public Map<TopicPartition, Retained> retained(String topic) {
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> first = new HashMap<>();
        for (TopicPartition tp : partitions(topic)) {
            earliest.put(tp, OffsetSpec.earliest());
            first.put(tp, OffsetSpec.forTimestamp(0));
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> start = get(admin.listOffsets(earliest).all());
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> oldest = get(admin.listOffsets(first).all());
        Map<TopicPartition, Retained> out = new TreeMap<>((a, b) -> Integer.compare(a.partition(), b.partition()));
        start.forEach((tp, info) -> out.put(tp, new Retained(info.offset(),
                oldest.get(tp).offset() >= 0 ? oldest.get(tp).timestamp() : -1)));
        return out;
    }

    /** The topic's retention.ms and retention.bytes, as the broker applies them. */
    @Override
    public Map<String, String> retentionConfig(String topic) {
        org.apache.kafka.common.config.ConfigResource r =
                new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
        org.apache.kafka.clients.admin.Config c = get(admin.describeConfigs(List.of(r)).all()).get(r);
        Map<String, String> out = new TreeMap<>();
        for (String k : List.of("retention.ms", "retention.bytes")) {
            org.apache.kafka.clients.admin.ConfigEntry e = c.get(k);
            out.put(k, e == null ? "?" : e.value());
        }
        return out;
    }

    @Override
    public Map<TopicPartition, Long> endOffsets(String topic) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions(topic).forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, Long> out = new TreeMap<>((a, b) -> Integer.compare(a.partition(), b.partition()));
        get(admin.listOffsets(latest).all()).forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    /** Committed offsets of a group for a topic; empty when the group has none. */
    @Override
    public Map<TopicPartition, Long> committed(String group, String topic) {
        Map<TopicPartition, Long> out = new TreeMap<>((a, b) -> Integer.compare(a.partition(), b.partition()));
        Map<TopicPartition, OffsetAndMetadata> all = get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
        all.forEach((tp, om) -> {
            if (om != null && tp.topic().equals(topic)) {
                out.put(tp, om.offset());
            }
        });
        return out;
    }


    @Override
    public GroupState describe(String group) {
        try {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all()
                    .get(TIMEOUT_S, TimeUnit.SECONDS).get(group);
            return new GroupState(d.members().size(), d.state() == ConsumerGroupState.STABLE, String.valueOf(d.state()));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return new GroupState(0, false, "UNKNOWN");
            }
            throw new KafkaException("describe group " + group + ": " + e.getCause().getMessage(), e);
        } catch (InterruptedException | TimeoutException e) {
            throw interrupted(e);
        }
    }

    /** Commits offsets for a group that has no active member (a new group). */
    @Override
    public void commit(String group, Map<TopicPartition, Long> offsets) {
        Map<TopicPartition, OffsetAndMetadata> o = new HashMap<>();
        offsets.forEach((tp, off) -> o.put(tp, new OffsetAndMetadata(off, "chrunbook")));
        get(admin.alterConsumerGroupOffsets(group, o).all());
    }

    @Override
    public void close() {
        admin.close();
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> f) {
        try {
            return f.get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw new KafkaException(c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName(), c);
        } catch (InterruptedException | TimeoutException e) {
            throw interrupted(e);
        }
    }

    private static KafkaException interrupted(Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new KafkaException("Kafka did not answer within " + TIMEOUT_S + " s (" + e + ")", e);
    }
}
