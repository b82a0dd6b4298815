package dev.chrunbook.migration;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chrunbook.testing.Cli;
import dev.chrunbook.testing.ClusterNodes;
import dev.chrunbook.testing.LocalCluster;
import dev.chrunbook.testing.ServedDashboard;
import dev.chrunbook.testing.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code serve} during a real chunked copy of a schema that is not the demo's (app_events: org_id,
 * event_id, weekly partitions), loaded in headless Chromium: the page shows the step x shard x
 * replica matrix and a copied-rows figure that rises between two loads; a screenshot is kept.
 */
@ExtendWith(LocalCluster.class)
class DashboardIT {
    private static final Path SCREENSHOT = Path.of("target", "dashboard.png");
    private static final Pattern PROGRESS_ROW = Pattern.compile("<tr data-step=\"copy\" data-node=\"([^\"]+)\" data-rows=\"(\\d+)\">");
    @TempDir
    Path tmp;

    @Test
    void aBrowserShowsTheMatrixAndRisingProgressWhileTheCopyRuns(ClusterNodes cluster) throws Exception {
        String db = cluster.database();
        String topic = "dash_" + db;
        long t0 = System.nanoTime();
        ForeignSchema.create(cluster, topic, 1_200_000, false, false); // no ingestion: the copy is what is watched
        long loaded = System.nanoTime();
        Path runbook = ForeignSchema.runbook(tmp.resolve("runbook"), db, topic);
        List<String> common = List.of("--connection", LocalCluster.CONNECTION.toString(), "--state-dir", tmp.resolve("state").toString(),
                "--set", "copy_chunk_rows=20000", "--set", "copy_parallel=1");
        Cli.Result prepared = Cli.runbook(runbook, common, "run", "--to", "create-staging", "--execute");
        assertEquals(0, prepared.exitCode(), prepared.toString());

        ServedDashboard served = ServedDashboard.start(tmp.resolve("serve.log"), runbook, common);
        Process copy = null;
        try {
            String base = served.base();
            copy = start("copy.log", runbook, common, "run", "--step", "copy", "--execute");
            Process running = copy;
            Waits.until(() -> copyChunksDone(served) > 0 || !running.isAlive(), Duration.ofMinutes(2), "the copy puts its first chunk in");
            assertTrue(copy.isAlive(), "the copy should still run: " + Files.readString(tmp.resolve("copy.log")));

            String first = served.dom(tmp);
            ServedDashboard.chromium(tmp, "--virtual-time-budget=3000", "--screenshot=" + SCREENSHOT.toAbsolutePath(), "--window-size=1400,1300", base);
            long before = copiedRows(first);
            assertTrue(first.contains("<table id=\"matrix\">"), first);
            assertTrue(Pattern.compile("<tr data-step=\"copy\"><th>copy<div>running").matcher(first).find(), "the copy's row runs: " + first);
            assertTrue(first.contains("data-status=\"running\"") && first.contains("data-status=\"done\""), "cells carry status: " + first);
            assertTrue(first.contains("shard 1 · ") && first.contains("shard 2 · "), "nodes are named by shard and replica: " + first);
            assertTrue(first.contains(ClusterNodes.id(1)) && first.contains(ClusterNodes.id(3)), first);
            Matcher waits = Pattern.compile("<ul id=\"waits\">(.*?)</ul>", Pattern.DOTALL).matcher(first);
            assertTrue(waits.find() && !waits.group(1).contains("chunks "), "a progress line is not a wait: " + first);
            assertTrue(first.contains("<td>chunks "), "the copy's progress line is shown: " + first);
            Matcher lags = Pattern.compile("<table id=\"lags\">(.*?)</table>", Pattern.DOTALL).matcher(first);
            assertTrue(lags.find() && lags.group(1).contains("<td>app_catchup_" + db + "_"), "the catch-up group the runbook names,"
                    + " with the run id, asked of the broker: " + first);

            Waits.until(() -> copiedRowsOfView(served) > before, Duration.ofMinutes(2), "more rows are copied");
            String second = served.dom(tmp);
            long after = copiedRows(second);
            assertTrue(after > before, "the copied rows shown rise: " + before + " then " + after);
            assertTrue(Files.size(SCREENSHOT) > 10_000, "a screenshot of the page: " + Files.size(SCREENSHOT) + " bytes");

            long shown = System.nanoTime();
            assertTrue(copy.waitFor(5, TimeUnit.MINUTES), "the copy ends");
            long copied = System.nanoTime();
            assertEquals(0, copy.exitValue(), Files.readString(tmp.resolve("copy.log")));
            JsonNode view = served.view();
            assertEquals("ended", view.get("live").get("run").asText(), view.get("live").toString());
            for (JsonNode step : view.get("report").get("steps")) {
                if (step.get("id").asText().equals("copy")) {
                    for (JsonNode n : step.get("nodes")) {
                        assertEquals(n.get("chunks").get("total").asInt(), n.get("chunks").get("done").asInt(), n.toString());
                    }
                }
            }
            assertEquals(copiedRowsOfView(served), copiedRows(served.dom(tmp)), "at the end the page shows every chunk's rows");
            System.out.printf("dashboard: %,d then %,d rows copied shown; screenshot %s; load %.0f s, run and pages %.0f s,"
                    + " rest of the copy %.0f s%n", before, after, SCREENSHOT.toAbsolutePath(), (loaded - t0) / 1e9, (shown - loaded) / 1e9,
                    (copied - shown) / 1e9);
        } finally {
            served.close();
            if (copy != null) {
                copy.destroyForcibly();
            }
        }
    }

    private Process start(String log, Path runbook, List<String> common, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("chrunbook.jar", "target/chrunbook.jar"), args[0], runbook.toString()));
        cmd.addAll(List.of(args).subList(1, args.length));
        cmd.addAll(common);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve(log).toFile()).start();
    }

    private String read(String log) {
        try {
            return Files.readString(tmp.resolve(log));
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static long copyChunksDone(ServedDashboard served) {
        return copyLedgers(served, "done");
    }

    private static long copiedRowsOfView(ServedDashboard served) {
        return copyLedgers(served, "rows");
    }

    /** A figure of the copy step's ledgers, summed over its nodes, as the view's JSON has it. */
    private static long copyLedgers(ServedDashboard served, String field) {
        long sum = 0;
        for (JsonNode step : served.view().get("report").get("steps")) {
            if (step.get("id").asText().equals("copy")) {
                for (JsonNode n : step.get("nodes")) {
                    sum += n.path("chunks").path(field).asLong();
                }
            }
        }
        return sum;
    }

    /** The copied rows the page shows: the sum of its progress rows of the copy step. */
    private static long copiedRows(String dom) {
        Matcher m = PROGRESS_ROW.matcher(dom);
        long rows = 0;
        int nodes = 0;
        while (m.find()) {
            rows += Long.parseLong(m.group(2));
            nodes++;
        }
        assertEquals(2, nodes, "a progress row per shard's copying node: " + dom);
        return rows;
    }

}
