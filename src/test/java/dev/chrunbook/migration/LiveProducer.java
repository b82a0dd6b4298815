package dev.chrunbook.migration;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/** Produces PostHog-like events at a steady rate on a thread of its own, remembering every id it sent. */
final class LiveProducer implements AutoCloseable {
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final Set<String> acked = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final KafkaProducer<String, String> producer;
    private final Thread thread;
    private volatile RuntimeException failure;

    /** The JSON of message n with this id, sent at ts ('YYYY-MM-DD hh:mm:ss' UTC). */
    interface Message {
        String json(String id, long n, String ts);
    }

    /** PostHog's events, as the local cluster's kafka_events_json reads them. */
    static final Message POSTHOG = (id, n, ts) -> "{\"uuid\":\"" + id + "\",\"event\":\"live_" + (n % 3) + "\","
            + "\"properties\":\"{\\\"$session_id\\\":\\\"live" + (n % 50) + "\\\"}\",\"timestamp\":\"" + ts
            + "\",\"team_id\":" + (n % 5 + 1) + ",\"distinct_id\":\"live" + (n % 997) + "\",\"created_at\":\""
            + ts + "\",\"elements_chain\":\"\"}";

    LiveProducer(String topic, int perSecond) {
        this(topic, perSecond, POSTHOG);
    }

    LiveProducer(String topic, int perSecond, Message message) {
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
        thread = new Thread(() -> loop(topic, perSecond, message), "live-producer");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop(String topic, int perSecond, Message message) {
        long n = 0;
        int perTick = Math.max(1, perSecond / 10);
        try {
            while (running.get()) {
                String ts = LocalDateTime.now(ZoneOffset.UTC).format(TS);
                for (int i = 0; i < perTick; i++, n++) {
                    String id = UUID.randomUUID().toString();
                    String json = message.json(id, n, ts);
                    producer.send(new ProducerRecord<>(topic, json), (meta, e) -> {
                        if (e == null) {
                            acked.add(id);
                        } else {
                            failure = new IllegalStateException("produce failed", e);
                        }
                    });
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ids Kafka acknowledged so far. */
    int produced() {
        return acked.size();
    }

    /** The ids Kafka acknowledged so far, while it goes on producing. */
    Set<String> acked() {
        return Set.copyOf(acked);
    }

    /** Stops producing, waits for every send to be acknowledged, returns the ids. */
    Set<String> stop() throws InterruptedException {
        running.set(false);
        thread.join();
        producer.flush();
        if (failure != null) {
            throw failure;
        }
        return Set.copyOf(acked);
    }

    @Override
    public void close() {
        running.set(false);
        producer.close();
    }
}
