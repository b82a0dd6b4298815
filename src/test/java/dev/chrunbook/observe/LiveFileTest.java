package dev.chrunbook.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrunbook.Node;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.NodeState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** live.json: what runs and what waits, per step and node, for another process to read. */
class LiveFileTest {
    @TempDir
    Path dir;

    private JsonNode read() throws Exception {
        return new ObjectMapper().readTree(dir.resolve(LiveFile.FILE).toFile());
    }

    private JsonNode awaitWritten(java.util.function.Predicate<JsonNode> what) throws Exception {
        for (int i = 0; i < 60; i++) {
            if (Files.exists(dir.resolve(LiveFile.FILE)) && what.test(read())) {
                return read();
            }
            Sleeper.sleep(100);
        }
        return read();
    }

    private static final class Sleeper {
        static void sleep(long ms) throws InterruptedException {
            dev.chrunbook.Sleeper.REAL.sleep(Duration.ofMillis(ms));
        }
    }

    @Test
    void keepsTheProgressAndTheWaitOfEachRunningNodeAndForgetsANodeThatFinished() throws Exception {
        Step step = dev.chrunbook.testing.Fixtures.step("copy", "chunked-copy");
        Node n1 = new Node("127.0.0.1", 8121, 9001, 1, 1, "r1", Map.of());
        Node n3 = new Node("127.0.0.1", 8123, 9003, 2, 1, "r1", Map.of());
        try (LiveFile live = new LiveFile(dir, Clock.systemUTC())) {
            live.stepStarted(step, List.of(n1, n3));
            live.update(new ProgressSnapshot("copy", n1.id(), "q1", "rows", 500, 1000, 250.4, Duration.ofSeconds(2),
                    Optional.of(Duration.ofSeconds(2))));
            live.waiting(step, n3, "parts 310 > 300 in partition 202501");
            live.progress(step, n1, "chunks 3/10");
            live.nodeFinished(step, n1, NodeState.pending());
            live.waiting(step, n3, "parts 320 > 300 in partition 202501");
            JsonNode v = awaitWritten(j -> j.get("nodes").size() == 1 && j.get("nodes").get(0).path("waiting").asText().startsWith("parts 320"));
            assertEquals(1, v.get("nodes").size(), v.toString());
            JsonNode node = v.get("nodes").get(0);
            assertEquals(n3.id(), node.get("node").asText());
            assertEquals("parts 320 > 300 in partition 202501", node.get("waiting").asText());
            assertEquals(ProcessHandle.current().pid(), v.get("pid").asLong());
            live.progress(step, n3, "chunks 4/10, 50,000 rows/s, ETA 9 s");
            v = awaitWritten(j -> j.get("nodes").get(0).has("line"));
            assertEquals("chunks 4/10, 50,000 rows/s, ETA 9 s", v.get("nodes").get(0).get("line").asText());
            assertTrue(!v.get("nodes").get(0).has("waiting"), "a progress line means the wait is over: " + v);
            live.cursor(step, n3, "c1.abc", "chunks 5/10, 51,000 rows/s, ETA 7 s");
            v = awaitWritten(j -> j.get("nodes").get(0).has("cursor"));
            assertEquals("c1.abc", v.get("nodes").get(0).get("cursor").asText());
            assertEquals("chunks 5/10, 51,000 rows/s, ETA 7 s", v.get("nodes").get(0).get("line").asText(), "a copy's line comes with its cursor");

            live.update(new ProgressSnapshot("copy", n3.id(), "q3", "rows", 700, 1000, 350, Duration.ofSeconds(2), Optional.empty()));
            v = awaitWritten(j -> j.get("nodes").get(0).has("progress"));
            assertEquals(700, v.get("nodes").get(0).get("progress").get("done").asLong());
            assertEquals(350, v.get("nodes").get(0).get("progress").get("per_second").asLong());
            live.finished("q3");
            v = awaitWritten(j -> !j.get("nodes").get(0).has("progress"));
            assertTrue(!v.get("nodes").get(0).has("progress"), "a finished statement's progress goes: " + v);
        }
        JsonNode ended = read();
        assertTrue(ended.hasNonNull("ended"), ended.toString());
        java.time.Instant.parse(ended.get("updated").asText()); // an ISO-8601 time, as serve reads it
        java.time.Instant.parse(ended.get("ended").asText());
        assertEquals(0, ended.get("nodes").size());
    }
}
