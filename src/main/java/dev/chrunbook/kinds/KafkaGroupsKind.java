package dev.chrunbook.kinds;

import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.kafka.GroupCheck;
import dev.chrunbook.kafka.KafkaAdmin;
import dev.chrunbook.kafka.KafkaException;

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
    Outcome run(NodeWork work, Settings settings, KafkaAdmin admin, Services services) {
        Optional<String> problems = problems(admin, settings);
        if (problems.isPresent()) {
            return Outcome.refused(problems.get());
        }
        return Outcome.done(0, "consumer groups as expected on " + settings.topic() + "; " + retention(admin, settings.topic()));
    }

    private static Optional<String> problems(KafkaAdmin admin, Settings settings) {
        return GroupCheck.problems(admin, settings.topic(), settings.mustExist(), settings.mustNotExist());
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
        Settings settings = settings(work);
        try (KafkaAdmin admin = probes.admins().apply(settings.brokers())) {
            return new Verdict("kafka", problems(admin, settings));
        }
    }

    @Override
    public boolean preflight() {
        return true;
    }
}
