package dev.chrunbook.kinds;

import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.kafka.KafkaAdmin;
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
    Outcome run(NodeWork work, Settings settings, KafkaAdmin admin, Services services) throws InterruptedException {
        String group = settings.group();
        long maxLag = settings.maxLag();
        Duration timeout = settings.timeout();
        Map<TopicPartition, Long> target = Map.of();
        boolean toEnd = settings.pastStepEnd() != null;
        String past = toEnd ? settings.pastStepEnd() : settings.pastStepStart();
        String edge = toEnd ? "end" : "start";
        if (past != null) {
            Instant at = (toEnd ? services.store().state().lastFinish(past) : services.store().state().firstStart(past)).orElse(null);
            if (at == null) {
                return Outcome.failed("step '" + past + "' has not " + (toEnd ? "ended" : "started") + ": no offsets to wait for");
            }
            target = admin.offsetsAt(settings.topic(), at.toEpochMilli());
        }
        long polls = Math.max(1, timeout.toMillis() / POLL.toMillis());
        long stableNeeded = Math.max(1, settings.stableFor().toMillis() / POLL.toMillis());
        long stablePolls = 0;
        String why = "";
        for (long i = 0; i < polls; i++) {
            if (services.sender().stopping()) {
                return Outcome.cancelled("while waiting: " + (why.isEmpty() ? "before the first look" : why));
            }
            // a rebalance re-delivers what was consumed but not committed: wait until membership settles
            KafkaAdmin.GroupState membership = admin.describe(group);
            stablePolls = membership.stable() ? stablePolls + 1 : 0;
            Map<TopicPartition, Long> lag = admin.lag(group, settings.topic());
            Map<TopicPartition, Long> committed = admin.committed(group, settings.topic());
            long total = lag.values().stream().mapToLong(Long::longValue).sum();
            Map<TopicPartition, Long> behind = new TreeMap<>((a, b) -> Integer.compare(a.partition(), b.partition()));
            target.forEach((tp, off) -> {
                long gap = off - committed.getOrDefault(tp, 0L);
                if (gap > 0) {
                    behind.put(tp, gap);
                }
            });
            if (total <= maxLag && behind.isEmpty() && stablePolls >= stableNeeded) {
                return Outcome.done(total, "group " + group + " lag " + total + " <= " + maxLag + " (" + describe(lag) + ")"
                        + (past == null ? "" : ", past the " + edge + " of step '" + past + "'"));
            }
            why = "group " + group + " lag " + total + (total > maxLag ? " > " : " <= ") + maxLag + " (" + describe(lag) + ")"
                    + (behind.isEmpty() ? "" : "; still " + describe(behind) + " messages short of the " + edge + " of step '" + past + "'")
                    + "; group " + membership.state().toLowerCase() + " with " + membership.members() + " member(s)"
                    + (membership.stable() ? " for " + stablePolls + " s" : "");
            services.listener().waiting(work.step(), work.node(), why);
            services.sleeper().sleep(POLL);
        }
        return Outcome.refused(why + " after waiting " + timeout.toSeconds() + " s; check that its Kafka table and"
                + " materialized view consume, then run the step again");
    }
}
