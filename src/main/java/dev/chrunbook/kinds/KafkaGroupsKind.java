package dev.chrunbook.kinds;

import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.kafka.GroupCheck;
import dev.chrunbook.kafka.KafkaAdmin;
import dev.chrunbook.kafka.KafkaException;
import dev.chrunbook.state.NodeState;

import java.util.List;
import java.util.Optional;

/** {@code kind: kafka-groups}: consumer groups exist (must_exist) or do not yet (must_not_exist); changes nothing. */
final class KafkaGroupsKind extends KafkaKind {
    @Override
    public String name() {
        return "kafka-groups";
    }

    KafkaGroupsKind() {
        super(List.of("brokers", "topic"));
    }

    @Override
    NodeState run(NodeWork work, KafkaAdmin admin, Services services) {
        Optional<String> problems = GroupCheck.problems(admin, work.params());
        if (problems.isPresent()) {
            return refused(work, services, problems.get());
        }
        recordDone(services.store(), work, 0);
        String topic = work.params().get("topic");
        return done(work, services, "consumer groups as expected on " + topic + "; " + retention(admin, topic));
    }

    private static String retention(KafkaAdmin admin, String topic) {
        try {
            return "its " + admin.retentionConfig(topic) + ": the copy and catch-up must finish well within retention.ms";
        } catch (KafkaException e) {
            return "its retention is unknown (" + e.getMessage() + ")";
        }
    }

    @Override
    public Verdict check(NodeWork work, Services.Probes probes) {
        try (KafkaAdmin admin = probes.admins().apply(work.params().get("brokers"))) {
            return new Verdict("kafka", GroupCheck.problems(admin, work.params()));
        }
    }

    @Override
    public boolean preflight() {
        return true;
    }
}
