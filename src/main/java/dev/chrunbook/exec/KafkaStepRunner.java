package dev.chrunbook.exec;

import dev.chrunbook.kafka.KafkaAdmin;
import dev.chrunbook.kafka.KafkaException;
import dev.chrunbook.render.RenderedStatement;
import dev.chrunbook.runbook.RunbookLoader;
import dev.chrunbook.runbook.StepKind;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.state.StatementState;
import dev.chrunbook.state.Status;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Runs the built-in Kafka steps: {@code kafka-offsets} commits a new consumer group's offsets for
 * the moment a step started (minus a margin), so a catch-up consumer misses nothing;
 * {@code kafka-lag} waits until a group's lag is at or below a threshold.
 */
final class KafkaStepRunner {
    private static final Duration POLL = Duration.ofSeconds(1);

    private final StateStore store;
    private final Sleeper sleeper;
    private final ExecutionListener listener;
    private final Function<String, KafkaAdmin> admins;

    KafkaStepRunner(StateStore store, Sleeper sleeper, ExecutionListener listener, Function<String, KafkaAdmin> admins) {
        this.store = store;
        this.sleeper = sleeper;
        this.listener = listener;
        this.admins = admins;
    }

    NodeState apply(NodeWork work) {
        String step = work.step().id();
        String node = work.node().id();
        Map<String, String> p = work.params();
        store.update(step, node, s -> s.status() == Status.RUNNING ? s.resume() : s.startAttempt(now()));
        try (KafkaAdmin admin = admins.apply(p.get("brokers"))) {
            NodeState end = work.step().kind() == StepKind.KAFKA_OFFSETS ? offsets(work, admin) : lag(work, admin);
            listener.nodeFinished(work.step(), work.node(), end);
            return end;
        } catch (KafkaException e) {
            NodeState failed = store.update(step, node, s -> s.finish(Status.FAILED, now(), "Kafka: " + e.getMessage(), null));
            listener.nodeFinished(work.step(), work.node(), failed);
            return failed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return store.node(step, node);
        }
    }

    private NodeState offsets(NodeWork work, KafkaAdmin admin) {
        Map<String, String> p = work.params();
        String group = p.get("group");
        String topic = p.get("topic");
        String after = Objects.requireNonNull(p.get("at_step_start"), "kafka.at_step_start");
        Instant started = firstStart(after);
        if (started == null) {
            return fail(work, "step '" + after + "' has not started, so there is no moment to start group " + group + " from");
        }
        Duration margin = duration(p.get("margin"), Duration.ZERO);
        Instant at = started.minus(margin);
        int members = admin.members(group);
        if (members > 0) {
            return fail(work, "consumer group " + group + " already has " + members + " active member(s); its offsets cannot"
                    + " be moved under a running consumer. Use a new group name, or stop its consumers first");
        }
        Map<TopicPartition, Long> offsets = admin.offsetsAt(topic, at.toEpochMilli());
        admin.commit(group, offsets);
        String note = "group " + group + " starts " + topic + " at " + describe(offsets) + " (first messages at or after "
                + at + " = start of step '" + after + "' minus " + margin.toSeconds() + " s)";
        record(work, offsets.size());
        return store.update(work.step().id(), work.node().id(), s -> s.finish(Status.DONE, now(), null, note));
    }

    private NodeState lag(NodeWork work, KafkaAdmin admin) throws InterruptedException {
        Map<String, String> p = work.params();
        long maxLag = Long.parseLong(p.getOrDefault("max_lag", "0"));
        Duration timeout = duration(p.get("timeout"), Duration.ofMinutes(10));
        long polls = Math.max(1, timeout.toMillis() / POLL.toMillis());
        Map<TopicPartition, Long> lag = Map.of();
        for (long i = 0; i < polls; i++) {
            lag = admin.lag(p.get("group"), p.get("topic"));
            long total = lag.values().stream().mapToLong(Long::longValue).sum();
            if (total <= maxLag) {
                record(work, total);
                String note = "group " + p.get("group") + " lag " + total + " <= " + maxLag + " (" + describe(lag) + ")";
                return store.update(work.step().id(), work.node().id(), s -> s.finish(Status.DONE, now(), null, note));
            }
            listener.waiting(work.step(), work.node(), "group " + p.get("group") + " lag " + total + " > " + maxLag
                    + " (" + describe(lag) + ")");
            sleeper.sleep(POLL);
        }
        String problems = "consumer group " + p.get("group") + " still lags " + describe(lag) + " after " + timeout.toSeconds()
                + " s (threshold " + maxLag + "); check that its Kafka table and materialized view consume, then run the step again";
        return store.update(work.step().id(), work.node().id(), s -> s.failVerification(now(), problems));
    }

    private void record(NodeWork work, long rows) {
        String checksum = RenderedStatement.of(new TreeMap<>(work.params()).toString()).checksum();
        int attempt = store.node(work.step().id(), work.node().id()).attempts();
        String id = QueryIds.of(store.state().runId(), work.step().id(), work.node(), attempt, 1);
        store.update(work.step().id(), work.node().id(),
                s -> s.withStatement(new StatementState(1, id, checksum, StatementState.DONE, null, rows, null)));
    }

    private NodeState fail(NodeWork work, String message) {
        return store.update(work.step().id(), work.node().id(), s -> s.finish(Status.FAILED, now(), message, null));
    }

    private Instant firstStart(String stepId) {
        return store.state().steps().getOrDefault(stepId, Map.of()).values().stream()
                .map(NodeState::started).filter(Objects::nonNull).min(Instant::compareTo).orElse(null);
    }

    private static String describe(Map<TopicPartition, Long> perPartition) {
        StringBuilder sb = new StringBuilder();
        perPartition.forEach((tp, v) -> sb.append(sb.isEmpty() ? "" : ", ").append("p").append(tp.partition()).append("=").append(v));
        return sb.toString();
    }

    private static Duration duration(String text, Duration fallback) {
        return text == null || text.isBlank() ? fallback : RunbookLoader.parseDuration(text).orElse(fallback);
    }

    private Instant now() {
        return store.clock().instant();
    }
}
