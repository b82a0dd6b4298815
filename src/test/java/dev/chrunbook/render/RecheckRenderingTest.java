package dev.chrunbook.render;

import dev.chrunbook.cluster.Topology;
import dev.chrunbook.kinds.Kinds;
import dev.chrunbook.runbook.Runbook;
import dev.chrunbook.testing.RecheckRunbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The recheck reads only the partitions written since its window began, on each table. */
class RecheckRenderingTest {
    @TempDir
    Path dir;

    @Test
    void eachRoundReadsThePartitionsWrittenSinceItsWindowBegan() throws Exception {
        Path file = RecheckRunbook.write(dir.resolve("runbook.yaml"), "posthog", "sharded_events", "sharded_events_by_event", "uuid",
                "_timestamp", 10);
        Runbook rb = new Kinds().loader().load(file, Map.of());
        List<String> asked = new ArrayList<>();
        String[] lastRecheck = {null};
        NodeFacts facts = (NodeFacts) java.lang.reflect.Proxy.newProxyInstance(NodeFacts.class.getClassLoader(), new Class<?>[] {NodeFacts.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "stepStarted" -> args[0].equals("dedupe") ? Optional.of("2026-12-07 10:00:00") : Optional.empty();
                    case "stepFinished" -> args[0].equals("recheck") ? Optional.ofNullable(lastRecheck[0]) : Optional.empty();
                    case "partitionsWrittenAfter" -> {
                        asked.add(args[2] + " after " + args[3]);
                        yield args[2].equals("sharded_events") ? "(toYYYYMM(timestamp)) = 202612" : "_partition_id = '202612'";
                    }
                    default -> method.invoke(NodeFacts.OFFLINE, args);
                });
        SqlRenderer renderer = new SqlRenderer(rb, "r1", List.of(), facts);

        // the first round: since the dedupe began, minus three times the settle time (the subquery's side reads
        // from twice the settle time before the window, one more before it); each table asked once
        String first = String.join(";\n", renderer.render(rb.step("recheck"), Topology.synthetic("posthog", 1, 1).nodes().get(0))
                .stream().map(RenderedStatement::sql).toList());
        assertEquals(List.of("sharded_events after " + Instant.parse("2026-12-07T09:59:29Z"),
                "sharded_events_by_event after " + Instant.parse("2026-12-07T09:59:29Z")), asked);
        assertTrue(first.contains("FROM `posthog`.`sharded_events`\nWHERE (toYYYYMM(timestamp)) = 202612\n"
                + "  AND `_timestamp` >= toDateTime('2026-12-07 10:00:00') - 20"), first);
        assertTrue(first.contains("FROM `posthog`.`sharded_events_by_event`\n"
                + "                                  WHERE _partition_id = '202612'\n"), first);

        // a later round: since the last clean one
        asked.clear();
        lastRecheck[0] = "2026-12-07 11:00:00";
        renderer.render(rb.step("recheck"), Topology.synthetic("posthog", 1, 1).nodes().get(0));
        assertEquals(List.of("sharded_events after " + Instant.parse("2026-12-07T10:59:29Z"),
                "sharded_events_by_event after " + Instant.parse("2026-12-07T10:59:29Z")), asked);
    }
}
