package dev.chrunbook.kinds;

import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.kafka.KafkaAdmin;
import dev.chrunbook.kafka.KafkaException;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.state.Status;
import org.apache.kafka.common.TopicPartition;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** The kinds done through the Kafka admin API, no SQL: parameters in a {@code kafka:} block. */
abstract class KafkaKind extends BuiltInKind {
    private static final Set<String> KEYS = Set.of("brokers", "topic", "group", "at_step_start", "past_step_start", "past_step_end", "margin",
            "max_lag", "stable_for", "timeout", "must_exist", "must_not_exist");

    /** The step's work against the brokers; the state is started and Kafka errors are handled around it. */
    abstract NodeState run(NodeWork work, KafkaAdmin admin, Services services) throws InterruptedException;

    KafkaKind(List<String> required) {
        super("kafka", KEYS, required);
    }

    KafkaKind() {
        this(List.of("brokers", "topic", "group"));
    }

    @Override
    void checkParams(Step step, Map<String, String> params) {
        checkDurations(step, params, List.of("margin", "timeout", "stable_for"));
        String maxLag = params.get("max_lag");
        if (maxLag != null && !maxLag.matches("\\d+")) {
            throw dev.chrunbook.ChrunbookException.invalidInput("step '" + step.id() + "' kafka.max_lag: '" + maxLag
                    + "' is not a whole number");
        }
    }

    @Override
    public final NodeState apply(NodeWork work, Services services) {
        StateStore store = services.store();
        start(work, store);
        try (KafkaAdmin admin = services.probes().admins().apply(work.params().get("brokers"))) {
            return finish(work, services, run(work, admin, services));
        } catch (KafkaException e) {
            return finish(work, services, store.update(work.step().id(), work.node().id(),
                    s -> s.finish(Status.FAILED, store.clock().instant(), "Kafka: " + e.getMessage(), null)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return store.node(work.step().id(), work.node().id());
        }
    }

    static NodeState done(NodeWork work, Services services, String note) {
        StateStore store = services.store();
        return store.update(work.step().id(), work.node().id(), s -> s.finish(Status.DONE, store.clock().instant(), null, note));
    }

    static NodeState failed(NodeWork work, Services services, String message) {
        StateStore store = services.store();
        return store.update(work.step().id(), work.node().id(), s -> s.finish(Status.FAILED, store.clock().instant(), message, null));
    }

    /** A check that found problems: exit 4, nothing changed. */
    static NodeState refused(NodeWork work, Services services, String problems) {
        StateStore store = services.store();
        return store.update(work.step().id(), work.node().id(), s -> s.failVerification(store.clock().instant(), problems));
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
