package dev.chrunbook.kinds;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.kafka.KafkaAdmin;
import dev.chrunbook.runbook.Step;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * {@code kind: kafka-offsets}: commits a new consumer group's offsets for the moment a step started
 * (minus a margin), so that a catch-up consumer misses nothing.
 */
final class KafkaOffsetsKind extends KafkaKind {
    @Override
    public String name() {
        return "kafka-offsets";
    }

    @Override
    void checkParams(Step step, ParamBlock.Values values) {
        if (new Settings(values).atStepStart() == null) {
            throw ChrunbookException.invalidInput("step '" + step.id() + "' kafka.at_step_start: name the step whose start"
                    + " the group's offsets follow");
        }
    }

    @Override
    Outcome run(NodeWork work, Settings settings, KafkaAdmin admin, Services services) {
        String group = settings.group();
        String topic = settings.topic();
        String after = settings.atStepStart();
        Instant started = services.store().state().firstStart(after).orElse(null);
        if (started == null) {
            return Outcome.failed("step '" + after + "' has not started, so there is no moment to start group " + group + " from");
        }
        Duration margin = settings.margin();
        Instant at = started.minus(margin);
        int members = admin.members(group);
        if (members > 0) {
            return Outcome.refused("consumer group " + group + " already has " + members + " active member(s): it is"
                    + " in use, and its offsets cannot be moved under a running consumer. Use a new group name, or stop its consumers first");
        }
        Optional<String> lost = retentionProblem(admin, topic, at);
        if (lost.isPresent()) {
            return Outcome.refused(lost.get());
        }
        Map<TopicPartition, Long> offsets = admin.offsetsAt(topic, at.toEpochMilli());
        admin.commit(group, offsets);
        return Outcome.done(offsets.size(), "group " + group + " starts " + topic + " at " + describe(offsets) + " (first messages at or after "
                + at + " = start of step '" + after + "' minus " + margin.toSeconds() + " s)");
    }

    /**
     * Messages the catch-up needs may be gone: a partition whose retention deleted messages and
     * whose first retained one is newer than the moment the group must start from (or that holds
     * none any more). Kafka would silently start at what is left, and the events in between would
     * be missing from the new table.
     */
    static Optional<String> retentionProblem(KafkaAdmin admin, String topic, Instant at) {
        StringBuilder problems = new StringBuilder();
        admin.retained(topic).forEach((tp, r) -> {
            if (r.lostMessages() && (r.firstTimestampMs() < 0 || r.firstTimestampMs() > at.toEpochMilli())) {
                problems.append(problems.isEmpty() ? "" : "; ").append("partition ").append(tp.partition())
                        .append(": wanted the first message at or after ").append(at).append(", but retention deleted offsets before ")
                        .append(r.logStartOffset()).append(r.firstTimestampMs() < 0 ? " (none retained)"
                                : " (earliest retained offset " + r.logStartOffset() + " is from " + Instant.ofEpochMilli(r.firstTimestampMs()) + ")");
            }
        });
        if (problems.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("topic " + topic + " no longer holds every message since the copy started (minus the margin): " + problems
                + "; its " + admin.retentionConfig(topic) + ". The copy outlived the topic's retention: raise retention.ms"
                + " (and retention.bytes) above the copy's duration and run the migration again from create-staging; nothing was committed");
    }

    @Override
    public boolean changesCluster() {
        return true;
    }
}
