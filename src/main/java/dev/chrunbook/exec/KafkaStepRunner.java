package dev.chrunbook.exec;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.kafka.GroupCheck;
import dev.chrunbook.kafka.KafkaAdmin;
import dev.chrunbook.kafka.KafkaException;
import dev.chrunbook.render.RenderedStatement;
import dev.chrunbook.runbook.RunbookLoader;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.runbook.StepKind;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.state.StatementState;
import dev.chrunbook.state.Status;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
            NodeState end = switch (work.step().kind()) {
                case KAFKA_OFFSETS -> offsets(work, admin);
                case KAFKA_GROUPS -> groups(work, admin);
                default -> lag(work, admin);
            };
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

    private NodeState groups(NodeWork work, KafkaAdmin admin) {
        Optional<String> problems = GroupCheck.problems(admin, work.params());
        if (problems.isPresent()) {
            return store.update(work.step().id(), work.node().id(), s -> s.failVerification(now(), problems.get()));
        }
        record(work, 0);
        String topic = work.params().get("topic");
        String retention = retention(admin, topic);
        return store.update(work.step().id(), work.node().id(), s -> s.finish(Status.DONE, now(), null,
                "consumer groups as expected on " + topic + "; " + retention));
    }

    private NodeState offsets(NodeWork work, KafkaAdmin admin) {
        Map<String, String> p = work.params();
        String group = p.get("group");
        String topic = p.get("topic");
        String after = p.get("at_step_start");
        Instant started = firstStart(after);
        if (started == null) {
            return fail(work, "step '" + after + "' has not started, so there is no moment to start group " + group + " from");
        }
        Duration margin = duration(p.get("margin"), Duration.ZERO);
        Instant at = started.minus(margin);
        int members = admin.members(group);
        if (members > 0) {
            String problem = "consumer group " + group + " already has " + members + " active member(s): it is in use, and its"
                    + " offsets cannot be moved under a running consumer. Use a new group name, or stop its consumers first";
            return store.update(work.step().id(), work.node().id(), s -> s.failVerification(now(), problem));
        }
        Optional<String> lost = retentionProblem(admin, topic, at);
        if (lost.isPresent()) {
            return store.update(work.step().id(), work.node().id(), s -> s.failVerification(now(), lost.get()));
        }
        Map<TopicPartition, Long> offsets = admin.offsetsAt(topic, at.toEpochMilli());
        admin.commit(group, offsets);
        String note = "group " + group + " starts " + topic + " at " + describe(offsets) + " (first messages at or after "
                + at + " = start of step '" + after + "' minus " + margin.toSeconds() + " s)";
        record(work, offsets.size());
        return store.update(work.step().id(), work.node().id(), s -> s.finish(Status.DONE, now(), null, note));
    }

    /**
     * Messages the catch-up needs may be gone: a partition whose retention deleted messages and
     * whose first retained one is newer than the moment the group must start from (or that holds
     * none any more). Kafka would silently start at what is left, and the events in between would
     * be missing from the new table.
     */
    private static String retention(KafkaAdmin admin, String topic) {
        try {
            return "its " + admin.retentionConfig(topic) + ": the copy and catch-up must finish well within retention.ms";
        } catch (KafkaException e) {
            return "its retention is unknown (" + e.getMessage() + ")";
        }
    }

    private static Optional<String> retentionProblem(KafkaAdmin admin, String topic, Instant at) {
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

    /**
     * Waits until the group's lag is at most max_lag and, with past_step_start, until its committed
     * offsets reach the messages of that step's start: everything the catch-up re-reads from before
     * the copy (the overlap that dedupe removes) is then in ClickHouse.
     */
    private NodeState lag(NodeWork work, KafkaAdmin admin) throws InterruptedException {
        Map<String, String> p = work.params();
        String group = p.get("group");
        long maxLag = Long.parseLong(p.getOrDefault("max_lag", "0"));
        Duration timeout = duration(p.get("timeout"), Duration.ofMinutes(10));
        Map<TopicPartition, Long> target = Map.of();
        String past = p.get("past_step_start");
        if (past != null) {
            Instant started = firstStart(past);
            if (started == null) {
                return fail(work, "step '" + past + "' has not started: no offsets to wait for");
            }
            target = admin.offsetsAt(p.get("topic"), started.toEpochMilli());
        }
        long polls = Math.max(1, timeout.toMillis() / POLL.toMillis());
        long stableNeeded = Math.max(1, duration(p.get("stable_for"), Duration.ofSeconds(5)).toMillis() / POLL.toMillis());
        long stablePolls = 0;
        String why = "";
        for (long i = 0; i < polls; i++) {
            // a rebalance re-delivers what was consumed but not committed: wait until membership settles
            KafkaAdmin.GroupState membership = admin.describe(group);
            stablePolls = membership.stable() ? stablePolls + 1 : 0;
            Map<TopicPartition, Long> lag = admin.lag(group, p.get("topic"));
            Map<TopicPartition, Long> committed = admin.committed(group, p.get("topic"));
            long total = lag.values().stream().mapToLong(Long::longValue).sum();
            Map<TopicPartition, Long> behind = new TreeMap<>((a, b) -> Integer.compare(a.partition(), b.partition()));
            target.forEach((tp, off) -> {
                long gap = off - committed.getOrDefault(tp, 0L);
                if (gap > 0) {
                    behind.put(tp, gap);
                }
            });
            if (total <= maxLag && behind.isEmpty() && stablePolls >= stableNeeded) {
                record(work, total);
                String note = "group " + group + " lag " + total + " <= " + maxLag + " (" + describe(lag) + ")"
                        + (past == null ? "" : ", past the start of step '" + past + "'");
                return store.update(work.step().id(), work.node().id(), s -> s.finish(Status.DONE, now(), null, note));
            }
            why = "group " + group + " lag " + total + (total > maxLag ? " > " : " <= ") + maxLag + " (" + describe(lag) + ")"
                    + (behind.isEmpty() ? "" : "; still " + describe(behind) + " messages short of the start of step '" + past + "'")
                    + "; group " + membership.state().toLowerCase() + " with " + membership.members() + " member(s)"
                    + (membership.stable() ? " for " + stablePolls + " s" : "");
            listener.waiting(work.step(), work.node(), why);
            sleeper.sleep(POLL);
        }
        String problems = why + " after waiting " + timeout.toSeconds() + " s; check that its Kafka table and materialized"
                + " view consume, then run the step again";
        return store.update(work.step().id(), work.node().id(), s -> s.failVerification(now(), problems));
    }

    private void record(NodeWork work, long rows) {
        recordDone(store, work, rows);
    }

    /**
     * What a built-in step "ran", kept as its one statement: the fingerprint of its parameters (for
     * drift) and a count (offsets committed, lag, rows compared).
     */
    static void recordDone(StateStore store, NodeWork work, long rows) {
        String checksum = fingerprint(work.params()).checksum();
        int attempt = store.node(work.step().id(), work.node().id()).attempts();
        String id = QueryIds.of(store.state().runId(), work.step().id(), work.node(), attempt, 1);
        Instant at = store.clock().instant();
        store.update(work.step().id(), work.node().id(),
                s -> s.withStatement(StatementState.sent(1, id, checksum, at).finished(StatementState.DONE, null, rows, null, at)));
    }

    /** What a Kafka step "ran", for drift detection: its rendered parameters in key order. */
    static RenderedStatement fingerprint(Map<String, String> params) {
        return RenderedStatement.of(new TreeMap<>(params).toString());
    }

    private NodeState fail(NodeWork work, String message) {
        return store.update(work.step().id(), work.node().id(), s -> s.finish(Status.FAILED, now(), message, null));
    }

    private Instant firstStart(String stepId) {
        return store.state().firstStart(stepId).orElse(null);
    }

    private static String describe(Map<TopicPartition, Long> perPartition) {
        StringBuilder sb = new StringBuilder();
        perPartition.forEach((tp, v) -> sb.append(sb.isEmpty() ? "" : ", ").append("p").append(tp.partition()).append("=").append(v));
        return sb.toString();
    }

    static Duration duration(String text, Duration fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        return RunbookLoader.parseDuration(text).orElseThrow(() -> ChrunbookException.invalidInput(
                "'" + text + "' is not a duration like 90s, 30m or 2h"));
    }

    /** Input errors in rendered parameters, found before anything runs (validate, plan, run). */
    static void checkParams(Step step, Map<String, String> params) {
        String where = "step '" + step.id() + "' kafka.";
        for (String key : List.of("margin", "timeout", "stable_for")) {
            try {
                duration(params.get(key), Duration.ZERO);
            } catch (ChrunbookException e) {
                throw ChrunbookException.invalidInput(where + key + ": " + e.getMessage());
            }
        }
        String maxLag = params.get("max_lag");
        if (maxLag != null && !maxLag.matches("\\d+")) {
            throw ChrunbookException.invalidInput(where + "max_lag: '" + maxLag + "' is not a whole number");
        }
        if (step.kind() == StepKind.KAFKA_OFFSETS && params.get("at_step_start") == null) {
            throw ChrunbookException.invalidInput(where + "at_step_start: name the step whose start the group's offsets follow");
        }
    }

    private Instant now() {
        return store.clock().instant();
    }
}
