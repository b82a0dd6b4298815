package dev.chrunbook.chunks;

import dev.chrunbook.clickhouse.Table;
import dev.chrunbook.testing.FakeClickHouse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The throttle measured in the background: a worker reads the last measurement, and the PAUSE file at once. */
class ThrottleWatchTest {
    @TempDir
    Path dir;

    @Test
    void aHoldMeasuredInTheBackgroundIsSeenAndClearsWhenTheNodeQuietsDown() throws Exception {
        AtomicLong merges = new AtomicLong(9);
        FakeClickHouse node = new FakeClickHouse().answer(sql -> new Table(List.of("n"),
                List.of(List.of(sql.contains("system.merges") ? String.valueOf(merges.get()) : "0"))));
        Throttle throttle = new Throttle(dir.resolve("PAUSE"), "db", "t", 0, 10, 4, Optional.empty());
        try (ThrottleWatch watch = new ThrottleWatch(throttle, () -> node.connect("h", 1), Duration.ofMillis(20), "test-throttle")) {
            assertTrue(watch.holds().map(Throttle.Hold::why).orElse("").contains("9 merges running > 4"), "measured before the first chunk: " + watch.holds());
            merges.set(1);
            long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (watch.holds().isPresent() && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            assertEquals(Optional.empty(), watch.holds(), "cleared by a later measurement");
            Files.writeString(dir.resolve("PAUSE"), "");
            assertTrue(watch.holds().map(Throttle.Hold::paused).orElse(false), "the PAUSE file is seen at once: " + watch.holds());
        }
    }
}
