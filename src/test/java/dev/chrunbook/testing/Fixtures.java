package dev.chrunbook.testing;

import dev.chrunbook.Node;
import dev.chrunbook.Sleeper;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.runbook.Target;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Small values the engine unit tests build steps and nodes from. */
public final class Fixtures {
    public static final Node NODE = new Node("10.0.0.7", 8123, 9000, 1, 1, "r1", Map.of("shard", "01", "replica", "r1"));
    public static final Node REPLICA = new Node("10.0.0.8", 8123, 9000, 1, 2, "r2", Map.of("shard", "01", "replica", "r2"));

    private Fixtures() {
    }

    public static Step step(String id, String kind) {
        return new Step(id, "", "", kind, Target.ONE_REPLICA_PER_SHARD, Map.of(), false, false, Optional.empty(), Map.of(), null, false, 1,
                Step.Body.ofTemplate("x.sql.ftl"));
    }

    public static Step step(String id, String kind, String block, Map<String, String> params) {
        return new Step(id, "", "", kind, Target.FIRST_NODE, Map.of(), false, false, Optional.empty(), Map.of(), null, false, 1,
                Step.Body.ofParams(block, params));
    }

    /** A sleeper that only counts: tests never wait. */
    public static class CountingSleeper implements Sleeper {
        public final List<Duration> slept = new ArrayList<>();

        @Override
        public void sleep(Duration d) {
            slept.add(d);
        }
    }
}
