package dev.chrunbook.kinds;

import dev.chrunbook.apply.Cancellations;
import dev.chrunbook.apply.StatementSender;

import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.observe.ExecutionListener;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.state.Status;
import dev.chrunbook.testing.FakeKafkaAdmin;
import dev.chrunbook.testing.FakeKafkaAdmin.Moment;
import dev.chrunbook.testing.Fixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.chrunbook.testing.Fixtures.NODE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lag gate with a Kafka admin in memory: lag, stable membership for stable_for, and past a step's start. */
class KafkaLagKindTest {
    @TempDir
    Path dir;
    private StateStore store;
    private final Fixtures.CountingSleeper sleeper = new Fixtures.CountingSleeper();
    private final List<String> waits = new ArrayList<>();

    @BeforeEach
    void state() {
        store = StateStore.open(dir, "rb", "20261201_000000_0001", Clock.systemUTC());
        store.update("copy", NODE.id(), s -> s.startAttempt(Clock.systemUTC().instant()));
    }

    private Cancellations cancellations = new Cancellations(new dev.chrunbook.testing.FakeClickHouse());

    private NodeState lag(FakeKafkaAdmin admin, Map<String, String> extra) {
        return lag(admin, extra, sleeper);
    }

    private NodeState lag(FakeKafkaAdmin admin, Map<String, String> extra, Fixtures.CountingSleeper sleeper) {
        Map<String, String> params = new LinkedHashMap<>(Map.of("brokers", "b:9092", "topic", "events", "group", "catchup",
                "max_lag", "10", "stable_for", "3s", "timeout", "20s"));
        params.putAll(extra);
        Step step = Fixtures.step("catch-up-lag", "kafka-lag", "kafka", params);
        ExecutionListener listener = new ExecutionListener() {
            @Override
            public void waiting(Step s, dev.chrunbook.Node n, String why) {
                waits.add(why);
            }
        };
        Services services = new Services(store, null, new Services.Probes(null, brokers -> admin, sleeper, n -> 0, "db"), null, "db",
                sleeper, listener, new StatementSender(cancellations, sleeper));
        NodeWork work = new NodeWork(step, NODE, List.of(), Map.of(), Optional.empty(), List.of(), params, false, Map.of());
        return new KafkaLagKind().apply(work, services);
    }

    @Test
    void aCancelStopsTheWaitAtItsNextLookAndTheRerunGoesOn() {
        FakeKafkaAdmin behind = new FakeKafkaAdmin("events", Map.of(0, 100L, 1, 100L),
                java.util.Collections.nCopies(30, moment(true, 0)));
        Fixtures.CountingSleeper cancelling = new Fixtures.CountingSleeper() {
            @Override
            public void sleep(java.time.Duration d) {
                super.sleep(d);
                if (slept.size() == 2) {
                    cancellations.cancelAll(); // the operator's Ctrl-C, cancel, two seconds into the wait
                }
            }
        };
        NodeState end = lag(behind, Map.of(), cancelling);
        assertEquals(Status.FAILED, end.status(), end.toString());
        assertTrue(end.error().contains("cancelled by the operator"), end.error());
        assertTrue(behind.looks <= 3, "stopped at the look after the cancel, not at the 20 s timeout: " + behind.looks + " looks");

        cancellations = new Cancellations(new dev.chrunbook.testing.FakeClickHouse());
        NodeState again = lag(new FakeKafkaAdmin("events", Map.of(0, 100L, 1, 100L), List.of(moment(true, 100))),
                Map.of("stable_for", "1s"));
        assertEquals(Status.DONE, again.status(), again.toString());
    }

    private static Moment moment(boolean stable, long committed) {
        return new Moment(stable, 1, Map.of(0, committed, 1, committed));
    }

    @Test
    void lagUnderTheThresholdIsDoneOnlyAfterTheGroupWasStableForStableFor() {
        // lag is 0 from the start, but the group rebalances twice before settling
        FakeKafkaAdmin admin = new FakeKafkaAdmin("events", Map.of(0, 100L, 1, 100L),
                List.of(moment(false, 100), moment(false, 100), moment(true, 100)));
        NodeState end = lag(admin, Map.of());
        assertEquals(Status.DONE, end.status(), end.toString());
        assertEquals(5, admin.looks, "2 unstable looks, then 3 stable ones (stable_for 3s at one look a second)");
        assertEquals(4, sleeper.slept.size());
        assertTrue(waits.get(0).contains("group preparing_rebalance with 1 member(s)"), waits.get(0));
    }

    @Test
    void aLagAboveTheThresholdKeepsItWaiting() {
        FakeKafkaAdmin admin = new FakeKafkaAdmin("events", Map.of(0, 100L, 1, 100L),
                List.of(moment(true, 50), moment(true, 80), moment(true, 95)));
        NodeState end = lag(admin, Map.of("stable_for", "1s"));
        assertEquals(Status.DONE, end.status(), end.toString());
        assertEquals(3, admin.looks, "lag 100, then 40, then 10 <= max_lag 10");
        assertTrue(waits.get(0).contains("lag 100 > 10"), waits.get(0));
    }

    @Test
    void pastStepStartWaitsForTheCommittedOffsetsOfThatStepsStartEvenWithNoLag() {
        // the group's lag is 0 at once (the topic's end is where it committed), yet it is behind the
        // offsets of the copy's start until the third look
        FakeKafkaAdmin admin = new FakeKafkaAdmin("events", Map.of(0, 100L, 1, 100L),
                List.of(new Moment(true, 1, Map.of(0, 100L, 1, 40L)), new Moment(true, 1, Map.of(0, 100L, 1, 60L)),
                        new Moment(true, 1, Map.of(0, 100L, 1, 100L))))
                .offsetsAtAnyTime(Map.of(0, 90L, 1, 100L));
        NodeState end = lag(admin, Map.of("past_step_start", "copy", "stable_for", "1s", "max_lag", "100"));
        assertEquals(Status.DONE, end.status(), end.toString());
        assertEquals(3, admin.looks);
        assertTrue(waits.get(0).contains("still p1=60 messages short of the start of step 'copy'"), waits.get(0));
        assertTrue(end.note().contains("past the start of step 'copy'"), end.note());
    }

    /**
     * The copy reads the source until it ends, so what the main ingestion wrote during the copy is in staging
     * too: the catch-up must have read up to the copy's end before dedupe, or such an event comes again after it.
     */
    @Test
    void pastStepEndWaitsForTheCommittedOffsetsOfThatStepsEnd() {
        store.update("copy", NODE.id(), s -> s.finish(Status.DONE, Clock.systemUTC().instant(), null, null));
        FakeKafkaAdmin admin = new FakeKafkaAdmin("events", Map.of(0, 100L, 1, 100L),
                List.of(new Moment(true, 1, Map.of(0, 100L, 1, 60L)), new Moment(true, 1, Map.of(0, 100L, 1, 100L))))
                .offsetsAtAnyTime(Map.of(0, 90L, 1, 100L));
        NodeState end = lag(admin, Map.of("past_step_end", "copy", "stable_for", "1s", "max_lag", "100"));
        assertEquals(Status.DONE, end.status(), end.toString());
        assertEquals(2, admin.looks);
        assertTrue(waits.get(0).contains("still p1=40 messages short of the end of step 'copy'"), waits.get(0));
        assertTrue(end.note().contains("past the end of step 'copy'"), end.note());
        assertEquals(Status.FAILED, lag(new FakeKafkaAdmin("events", Map.of(0, 1L), List.of(moment(true, 1))),
                Map.of("past_step_end", "dedupe")).status(), "a step that has not ended has no offsets to wait for");
    }

    @Test
    void pastAStepThatHasNotStartedFailsAtOnce() {
        FakeKafkaAdmin admin = new FakeKafkaAdmin("events", Map.of(0, 1L), List.of(moment(true, 1)));
        NodeState end = lag(admin, Map.of("past_step_start", "dedupe"));
        assertEquals(Status.FAILED, end.status());
        assertTrue(end.error().contains("step 'dedupe' has not started"), end.error());
        assertEquals(0, admin.looks);
    }

    @Test
    void aGroupThatNeverCatchesUpFailsVerificationAfterTheTimeout() {
        FakeKafkaAdmin admin = new FakeKafkaAdmin("events", Map.of(0, 1000L), List.of(new Moment(true, 1, Map.of(0, 0L))));
        NodeState end = lag(admin, Map.of("timeout", "5s"));
        assertEquals(Status.FAILED, end.status());
        assertEquals(NodeState.VERIFICATION_FAILED, end.failure());
        assertEquals(5, admin.looks, "one look a second for the 5 s timeout");
        assertTrue(end.error().contains("lag 1000 > 10") && end.error().contains("after waiting 5 s"), end.error());
    }
}
