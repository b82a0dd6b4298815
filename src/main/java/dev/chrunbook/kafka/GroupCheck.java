package dev.chrunbook.kafka;

import java.util.Optional;

/**
 * The kafka-groups check: {@code must_exist} names a group that has members or committed offsets on
 * the topic (the main ingestion), {@code must_not_exist} one that has neither yet (a catch-up group).
 * Empty names are skipped. Reads only.
 */
public final class GroupCheck {
    private GroupCheck() {
    }

    /** @param present a group that must be in use on the topic ("" for none); @param absent one that must not be */
    public static Optional<String> problems(KafkaAdmin admin, String topic, String present, String absent) {
        StringBuilder problems = new StringBuilder();
        if (!present.isBlank() && !inUse(admin, present, topic)) {
            problems.append("consumer group ").append(present).append(" does not exist (no members, no committed offsets on ")
                    .append(topic).append("): name the group the main ingestion consumes with\n");
        }
        if (!absent.isBlank() && inUse(admin, absent, topic)) {
            problems.append("consumer group ").append(absent).append(" exists already (members or committed offsets on ")
                    .append(topic).append("): a catch-up group must be new, or it skips or repeats messages\n");
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(problems.toString());
    }

    private static boolean inUse(KafkaAdmin admin, String group, String topic) {
        return admin.members(group) > 0 || !admin.committed(group, topic).isEmpty();
    }
}
