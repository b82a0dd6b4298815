package dev.chrunbook.plan;

import dev.chrunbook.kinds.StepKind;

import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.clickhouse.Table;
import dev.chrunbook.kinds.Services;
import dev.chrunbook.testing.FakeClickHouse;
import dev.chrunbook.testing.FakeKafkaAdmin;
import dev.chrunbook.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The estimate from an earlier run's audit log: rows over the wall time its chunks took, disk per kind, and the retention refusal. */
class EstimatorTest {
    @TempDir
    Path dir;

    private static NodeWork work(String step, Map<String, String> params) {
        return new NodeWork(Fixtures.step(step, "chunked-copy"), Fixtures.NODE, List.of(), Map.of(), Optional.empty(), List.of(),
                params, false, Map.of());
    }

    @Test
    void anEarlierRunsRateGivesTheDurationAndAShortRetentionIsRefused() throws Exception {
        String node = Fixtures.NODE.id();
        // two chunks side by side: 1,000,000 rows in 1.5 s of wall time on that node
        Files.writeString(dir.resolve("audit.jsonl"), String.join("\n",
                "{\"step\":\"copy\",\"node\":\"" + node + "\",\"sent\":\"2026-12-01T00:00:00Z\",\"duration_ms\":1000,\"rows_written\":500000,\"outcome\":\"done\"}",
                "{\"step\":\"copy\",\"node\":\"" + node + "\",\"sent\":\"2026-12-01T00:00:00.500Z\",\"duration_ms\":1000,\"rows_written\":500000,\"outcome\":\"done\"}",
                "{\"step\":\"other\",\"node\":\"" + node + "\",\"sent\":\"2026-12-01T00:00:00Z\",\"duration_ms\":1,\"rows_written\":9,\"outcome\":\"done\"}") + "\n");
        // the source's partitions (system.parts): 2M rows, 800 MB in 16 partitions of 50 MB
        List<List<String>> partitions = new java.util.ArrayList<>();
        for (int i = 0; i < 16; i++) {
            partitions.add(List.of(String.valueOf(202401 + i), "125000", "50000000", "2"));
        }
        FakeClickHouse ch = new FakeClickHouse().answer(sql -> new Table(List.of("p", "rows", "bytes", "parts"), partitions));
        Services.Probes probes = new Services.Probes(ch, b -> new FakeKafkaAdmin("t", Map.of(0, 1L), List.of()), new Fixtures.CountingSleeper(),
                n -> 0, "db");
        Estimator.Result r = new Estimator(probes, dir, 1000).estimate(List.of(
                new Estimator.Sized(work("copy", Map.of("source", "events", "target", "e2")), new StepKind.Bulk("events", true)),
                new Estimator.Sized(work("dedupe", Map.of("table", "e2")), new StepKind.Bulk("e2", false))), "127.0.0.1:9092", "t");
        Estimator.Row copy = r.rows().get(0);
        assertEquals(3L, copy.seconds(), "2M rows at 666,667 rows/s: " + copy);
        assertTrue(copy.rateFrom().startsWith("audit.jsonl of an earlier run"), copy.rateFrom());
        assertEquals(800_000_000L, copy.diskNeeded(), "staging about as large as the source");
        assertEquals(100_000_000L, r.rows().get(1).diskNeeded(), "a dedupe needs twice the largest partition");
        assertEquals(604_800L, r.retentionSeconds());
        assertEquals(Optional.empty(), r.refusal(), "a week of retention outlives a 3 s copy");
        Estimator.Result tight = new Estimator.Result(r.rows(), 7_200_000, 3_600_000L, "t");
        assertTrue(tight.refusal().orElse("").startsWith("topic t keeps messages 3600 s, less than the estimated copy of 7200 s"));
    }
}
