package dev.chrunbook.kinds;

import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.kafka.KafkaAdmin;
import dev.chrunbook.state.NodeState;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code kind: kafka-lag}: waits until a consumer group's lag is at or below max_lag, its membership
 * has been stable for stable_for, and (with past_step_start or past_step_end) its committed offsets
 * reach the messages of that step's start or end. The copy reads the source until it ends, so past the
 * copy's end everything the catch-up shares with the copy (the overlap that dedupe removes) is then in
 * ClickHouse; past its start, only what came before the copy.
 */
final class KafkaLagKind extends KafkaKind {
    static final Duration POLL = Duration.ofSeconds(1);

    @Override
    public String name() {
        return "kafka-lag";
    }

    @Override
    NodeState run(NodeWork work, KafkaAdmin admin, Services services) throws InterruptedException {
        Map<String, String> p = work.params();
        String group = p.get("group");
        long maxLag = Long.parseLong(p.getOrDefault("max_lag", "0"));
        Duration timeout = duration(p.get("timeout"), Duration.ofMinutes(10));
        Map<TopicPartition, Long> target = Map.of();
        boolean toEnd = p.get("past_step_end") != null;
        String past = toEnd ? p.get("past_step_end") : p.get("past_step_start");
        String edge = toEnd ? "end" : "start";
        if (past != null) {
            Instant at = (toEnd ? services.store().state().lastFinish(past) : services.store().state().firstStart(past)).orElse(null);
            if (at == null) {
                return failed(work, services, "step '" + past + "' has not " + (toEnd ? "ended" : "started") + ": no offsets to wait for");
            }
            target = admin.offsetsAt(p.get("topic"), at.toEpochMilli());
        }
        long polls = Math.max(1, timeout.toMillis() / POLL.toMillis());
        long stableNeeded = Math.max(1, duration(p.get("stable_for"), Duration.ofSeconds(5)).toMillis() / POLL.toMillis());
        long stablePolls = 0;
        String why = "";
        for (long i = 0; i < polls; i++) {
            if (services.sender().stopping()) {
                return failed(work, services, "cancelled by the operator while waiting: " + (why.isEmpty() ? "before the first look" : why)
                        + "; run the step again to go on");
            }
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
                recordDone(services.store(), work, total);
                return done(work, services, "group " + group + " lag " + total + " <= " + maxLag + " (" + describe(lag) + ")"
                        + (past == null ? "" : ", past the " + edge + " of step '" + past + "'"));
            }
            why = "group " + group + " lag " + total + (total > maxLag ? " > " : " <= ") + maxLag + " (" + describe(lag) + ")"
                    + (behind.isEmpty() ? "" : "; still " + describe(behind) + " messages short of the " + edge + " of step '" + past + "'")
                    + "; group " + membership.state().toLowerCase() + " with " + membership.members() + " member(s)"
                    + (membership.stable() ? " for " + stablePolls + " s" : "");
            services.listener().waiting(work.step(), work.node(), why);
            services.sleeper().sleep(POLL);
        }
        return refused(work, services, why + " after waiting " + timeout.toSeconds() + " s; check that its Kafka table and"
                + " materialized view consume, then run the step again");
    }
}
