package dev.chrunbook.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrunbook.state.ChunkState;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.state.Status;
import dev.chrunbook.state.StatusReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The view the page polls, built from a real state dir: the matrix with ledgers, waits, live entries, the audit's tail. */
class DashboardViewTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T07:00:00Z"), ZoneOffset.UTC);
    @TempDir
    Path dir;

    private StatusReport report() {
        Map<String, String> steps = new LinkedHashMap<>();
        steps.put("copy", "one-replica-per-shard");
        steps.put("swap", "one-replica-per-shard");
        return StatusReport.of("rb", StateStore.read(dir, "rb").orElse(null), steps,
                Map.of("copy", List.of("n1:8123", "n3:8123"), "swap", List.of("n1:8123", "n3:8123")));
    }

    private JsonNode view() throws Exception {
        DashboardView v = new DashboardView(dir, this::report, () -> List.of(new GroupLags.Lag("main", "events", "main ingestion", 42L, 1, "stable")),
                () -> List.of(new DashboardView.Revert("swap", "2026-12-02T06:00:00Z", "2026-12-02T07:00:00Z", false, List.of(
                        new DashboardView.Table("events", 12000, 1L), new DashboardView.Table("events_by_event", 0, null)))),
                Set.of("swap"), "HOLD", "PAUSE", CLOCK);
        return new ObjectMapper().readTree(v.json());
    }

    @Test
    void showsLedgersWaitsLiveEntriesAndTheAuditTail() throws Exception {
        StateStore store = StateStore.open(dir, "rb", "20261202_070000_abcd", CLOCK);
        // shard 1: 2 of 3 chunks in (one copied, not yet put in), shard 2 done
        store.update("copy", "n1:8123", s -> s.startAttempt(CLOCK.instant()).withChunks(List.of(
                ChunkState.planned(1, "202501", null, null, 1000, 10).sending("chrunbook-q1", CLOCK.instant()).copied(990, "f").done(),
                ChunkState.planned(2, "202502", null, null, 2000, 20).sending("chrunbook-q2", CLOCK.instant()).copied(2000, "f"),
                ChunkState.planned(3, "202503", null, null, 3000, 30))));
        store.update("copy", "n3:8123", s -> s.startAttempt(CLOCK.instant()).finish(Status.DONE, CLOCK.instant(), null, null));
        Files.writeString(dir.resolve("PAUSE"), "");
        Files.writeString(dir.resolve("live.json"), "{\"schema\":1,\"updated\":\"2026-12-02T06:59:57Z\",\"pid\":"
                + ProcessHandle.current().pid() + ",\"nodes\":[{\"step\":\"copy\",\"node\":\"n1:8123\",\"waiting\":\"replication queue 31 > 20\"}]}");
        List<String> audit = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            audit.add("{\"step\":\"copy\",\"node\":\"n1:8123\",\"query_id\":\"q" + i + "\",\"outcome\":\"done\"}");
        }
        Files.write(dir.resolve("audit.jsonl"), audit);

        JsonNode v = view();
        JsonNode copy = v.get("report").get("steps").get(0);
        JsonNode chunks = copy.get("nodes").get(0).get("chunks");
        assertEquals(1, chunks.get("done").asInt());
        assertEquals(3, chunks.get("total").asInt());
        assertEquals(2990, chunks.get("rows").asLong(), "rows of chunks done or copied, as counted");
        assertEquals(6000, chunks.get("planned_rows").asLong());
        assertEquals("running", v.get("live").get("run").asText(), "the process that wrote it is alive");
        assertEquals(3, v.get("live").get("age_s").asLong());
        List<String> waits = new ArrayList<>();
        v.get("waits").forEach(w -> waits.add(w.asText()));
        assertTrue(waits.get(0).startsWith("PAUSE file"), waits.toString());
        assertTrue(waits.contains("copy on n1:8123: replication queue 31 > 20"), waits.toString());
        assertEquals(2, waits.size(), "swap is not next yet: copy is not done on every node: " + waits);
        assertEquals(DashboardView.AUDIT_LINES, v.get("audit").size());
        assertEquals("q40", v.get("audit").get(DashboardView.AUDIT_LINES - 1).get("query_id").asText(), "newest last");
        assertEquals(42, v.get("lags").get(0).get("lag").asLong());
        JsonNode revert = v.get("revert").get(0);
        assertEquals("2026-12-02T07:00:00Z", revert.get("closes").asText());
        assertEquals(12000, revert.get("tables").get(0).get("rows_last_minute").asLong());
        assertTrue(revert.get("tables").get(1).get("newest_age_s").isNull(), "a table nothing feeds shows no insert: " + revert);
    }

    @Test
    void aPauseBeforeStepNextInLineAndAHoldFileAreWhatTheRunWaitsFor() throws Exception {
        StateStore store = StateStore.open(dir, "rb", "20261202_070000_abcd", CLOCK);
        for (String n : List.of("n1:8123", "n3:8123")) {
            store.update("copy", n, s -> s.startAttempt(CLOCK.instant()).finish(Status.DONE, CLOCK.instant(), null, null));
        }
        Files.writeString(dir.resolve("HOLD"), "");
        Files.writeString(dir.resolve("live.json"), "{\"schema\":1,\"updated\":\"2026-12-02T06:00:00Z\",\"pid\":99999999,\"nodes\":[]}");
        JsonNode v = view();
        List<String> waits = new ArrayList<>();
        v.get("waits").forEach(w -> waits.add(w.asText()));
        assertEquals(List.of("HOLD file in the state dir: every pause_before step is held until it is removed",
                "step swap waits for an operator (pause_before): run it by name with --step swap"), waits);
        assertEquals("gone", v.get("live").get("run").asText(), "a live file whose writer is gone is stale");
        assertTrue(v.get("report").get("steps").get(0).get("nodes").get(0).path("chunks").isMissingNode(), "no ledger, no chunks");
    }
}
