package dev.chrunbook.runbook;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** What a step does on its nodes. */
public enum StepKind {
    /** Runs its SQL statements (after its asserts, if any). */
    SQL("sql"),
    /** Runs only its asserts: queries whose rows are problems; fails with exit 4 when any row comes back. */
    CHECK("check"),
    /** Commits a Kafka consumer group's offsets for a point in time (Kafka admin API, no SQL). */
    KAFKA_OFFSETS("kafka-offsets"),
    /** Waits until a Kafka consumer group's lag is at or below a threshold. */
    KAFKA_LAG("kafka-lag"),
    /** Checks that consumer groups exist (must_exist) or do not yet (must_not_exist); changes nothing. */
    KAFKA_GROUPS("kafka-groups"),
    /**
     * Compares the replicas of each shard of a table (row count and a fingerprint of the rows ingested
     * before a step started), read by chrunbook itself from every replica; waits until they agree.
     */
    REPLICAS_AGREE("replicas-agree");

    private final String yamlName;

    StepKind(String yamlName) {
        this.yamlName = yamlName;
    }

    public String yamlName() {
        return yamlName;
    }

    public boolean isKafka() {
        return this == KAFKA_OFFSETS || this == KAFKA_LAG || this == KAFKA_GROUPS;
    }

    /** Done by chrunbook itself from its parameters block, not by SQL the runbook renders. */
    public boolean isBuiltIn() {
        return isKafka() || this == REPLICAS_AGREE;
    }

    /** The YAML block a built-in step's parameters live in. */
    public String paramsBlock() {
        return isKafka() ? "kafka" : "replicas";
    }

    public static Optional<StepKind> fromYaml(String value) {
        return Arrays.stream(values()).filter(k -> k.yamlName.equals(value)).findFirst();
    }

    public static String allowed() {
        return Arrays.stream(values()).map(StepKind::yamlName).collect(Collectors.joining(", "));
    }
}
