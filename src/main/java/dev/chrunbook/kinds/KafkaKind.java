package dev.chrunbook.kinds;

import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.kafka.KafkaAdmin;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The kinds done through the Kafka admin API, no SQL: parameters in a {@code kafka:} block. */
abstract class KafkaKind extends BuiltInKind {
    /** The {@code kafka:} block the Kafka kinds share, each requiring what it needs. */
    static final ParamBlock BLOCK = ParamBlock.named("kafka").text("brokers").text("topic").text("group")
            .text("at_step_start").text("past_step_start").text("past_step_end").duration("margin", "0s")
            .whole("max_lag", 0).duration("stable_for", "5s").duration("timeout", "10m").text("must_exist", "").text("must_not_exist", "");

    /** A node's {@code kafka:} block, read once. */
    record Settings(String brokers, String topic, String group, String atStepStart, String pastStepStart, String pastStepEnd,
                    Duration margin, long maxLag, Duration stableFor, Duration timeout, String mustExist, String mustNotExist) {
        Settings(ParamBlock.Values v) {
            this(v.text("brokers"), v.text("topic"), v.text("group"), v.text("at_step_start"), v.text("past_step_start"),
                    v.text("past_step_end"), v.duration("margin"), v.whole("max_lag"), v.duration("stable_for"), v.duration("timeout"),
                    v.text("must_exist"), v.text("must_not_exist"));
        }
    }

    /** The step's work against the brokers; the attempt, the outcome and Kafka errors are handled around it. */
    abstract Outcome run(NodeWork work, Settings settings, KafkaAdmin admin, Services services) throws InterruptedException;

    KafkaKind(List<String> required) {
        super(BLOCK.requiring(required));
    }

    KafkaKind() {
        this(List.of("brokers", "topic", "group"));
    }

    Settings settings(NodeWork work) {
        return new Settings(values(work));
    }

    /** The step's group, and the groups its checks name (must_exist is the main ingestion's). */
    @Override
    public List<Group> consumerGroups(NodeWork work) {
        Settings s = settings(work);
        List<Group> out = new java.util.ArrayList<>();
        for (String[] g : new String[][] {{s.group(), "step " + work.step().id()}, {s.mustExist(), "main ingestion"},
                {s.mustNotExist(), "step " + work.step().id()}}) {
            if (g[0] != null && !g[0].isBlank()) {
                out.add(new Group(s.brokers(), s.topic(), g[0], g[1]));
            }
        }
        return out;
    }

    @Override
    public boolean namesGroups() {
        return true;
    }

    @Override
    final Outcome run(NodeWork work, Services services) throws InterruptedException {
        Settings settings = settings(work);
        try (KafkaAdmin admin = services.probes().admins().apply(settings.brokers())) {
            return run(work, settings, admin, services);
        }
    }

    static String describe(Map<TopicPartition, Long> perPartition) {
        StringBuilder sb = new StringBuilder();
        perPartition.forEach((tp, v) -> sb.append(sb.isEmpty() ? "" : ", ").append("p").append(tp.partition()).append("=").append(v));
        return sb.toString();
    }

    @Override
    public boolean changesCluster() {
        return false;
    }
}
