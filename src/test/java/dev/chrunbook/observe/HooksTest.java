package dev.chrunbook.observe;

import dev.chrunbook.Node;
import dev.chrunbook.runbook.Hook;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A waiting hook hears real waits (a throttle, a lag gate), not a step's own progress lines. */
class HooksTest {
    @TempDir
    Path dir;

    @Test
    void progressLinesAreNotWaits() throws Exception {
        Path log = dir.resolve("hook.log");
        Hook hook = new Hook(Set.of("waiting"), List.of("sh", "-c", "echo \"$CHRUNBOOK_ERROR\" >> " + log), null, null, null,
                Duration.ofSeconds(10), false, 1);
        Step step = Fixtures.step("copy", "chunked-copy");
        Node node = Fixtures.NODE;
        try (Hooks hooks = new Hooks("rb", List.of(hook), new AuditLog(dir, Clock.systemUTC()), Clock.systemUTC())) {
            ExecutionListener all = new Listeners(List.of(hooks));
            all.progress(step, node, "chunks 3/10, 50,000 rows/s, ETA 12 s");
            all.waiting(step, node, "replication queue 31 > 20");
        }
        assertEquals(List.of("replication queue 31 > 20"), Files.readAllLines(log));
    }
}
