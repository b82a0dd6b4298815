package dev.chrunbook.kinds;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.render.SqlRenderer;
import dev.chrunbook.runbook.Runbook;
import dev.chrunbook.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a chunked copy is held to between runs, and what it refuses before anything runs. */
class ChunkedCopyKindTest {
    private final Kinds kinds = new Kinds();

    private Runbook load(Path dir, Map<String, String> set) throws Exception {
        Path file = dir.resolve("runbook.yaml");
        Files.writeString(file, """
                name: chunks
                cluster: c
                database: d
                vars:
                  source: events
                  parallel: 2
                  split: toDate(ts)
                steps:
                  - id: copy
                    kind: chunked-copy
                    on: one-replica-per-shard
                    copy: {source: "${source}", target: events_new, split_by: "${split}", parallel: "${parallel}", id_column: id}
                """);
        return kinds.loader().load(file, set);
    }

    private String fingerprint(Runbook r) {
        return kinds.of(r.steps().get(0)).fingerprint(r.steps().get(0), Fixtures.NODE, new SqlRenderer(r, "r1", List.of()))
                .orElseThrow().get(0).checksum();
    }

    @Test
    void tuningMayChangeBetweenRunsButWhatIsCopiedMayNot(@TempDir Path dir) throws Exception {
        String ran = fingerprint(load(dir, Map.of()));
        assertEquals(ran, fingerprint(load(dir, Map.of("parallel", "4"))), "parallel is tuning: no drift");
        assertNotEquals(ran, fingerprint(load(dir, Map.of("source", "other_events"))), "another source is drift");
    }

    @Test
    void aSplitExpressionThatIsNoSingleFragmentIsRefusedBeforeAnythingRuns(@TempDir Path dir) throws Exception {
        Runbook r = load(dir, Map.of("split", "toDate(ts)); DROP TABLE d.events; --"));
        ChrunbookException e = assertThrows(ChrunbookException.class, () -> kinds.of(r.steps().get(0))
                .work(r.steps().get(0), Fixtures.NODE, new SqlRenderer(r, "r1", List.of()), Map.of(), false));
        assertTrue(e.getMessage().contains("copy.split_by"), e.getMessage());
    }
}
