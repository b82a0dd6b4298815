package dev.chrunbook.migration;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chrunbook.testing.CaptureReceiver;
import dev.chrunbook.testing.ClusterNodes;
import dev.chrunbook.testing.LocalCluster;
import dev.chrunbook.testing.Waits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
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
 * Self-hosted to an ingestion API: a team's events go from the standalone server through the JVM to
 * a real HTTP receiver of the batch contract (examples/selfhosted/BatchReceiver.java) that fails 10 %
 * of requests with 503 or 429 and writes the rest into the 2x2 cluster. The CLI runs with a 256 MB
 * heap and is killed once; a fresh state given the last printed cursor sends the rest. Every event
 * arrives (once the ReplacingMergeTree merges: the receiver keeps capture's contract and takes
 * repeats), the repeats are at most the pages that were in flight, every batch carries the
 * historical flag and no empty batch is sent; a key capture refuses by its shape stops the step
 * before anything is sent.
 */
@ExtendWith(LocalCluster.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HttpExportIT {
    private static final Path EXAMPLE = LocalCluster.ROOT.resolve("examples/selfhosted");
    private static final int EVENTS = Integer.getInteger("export.events", 1_500_000);
    private static final String KEY = "phc_test_key";
    private static final int FETCH = 10_000;
    private static final int PARALLEL = 4;
    private static final Pattern CURSOR = Pattern.compile("cursor (h1\\.[A-Za-z0-9_-]+)");

    private ClusterNodes cluster;
    private Path tmp;
    private Path runbook;
    private Path connection;
    private CaptureReceiver receiver;
    private int port;

    @BeforeAll
    void setUp(ClusterNodes nodes, @TempDir Path dir) throws Exception {
        cluster = nodes;
        tmp = dir;
        String source = nodes.database() + "_selfhosted";
        Process p = new ProcessBuilder(EXAMPLE.resolve("load-selfhosted").toString(), "--fresh", "--database", source,
                "--events", String.valueOf(EVENTS)).redirectErrorStream(true).redirectOutput(dir.resolve("load.log").toFile()).start();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES) && p.exitValue() == 0, Files.readString(dir.resolve("load.log")));
        receiver = CaptureReceiver.start(nodes, 0.1);
        port = receiver.port();
        runbook = dir.resolve("export-runbook.yaml");
        Files.writeString(runbook, Files.readString(EXAMPLE.resolve("export-runbook.yaml"))
                .replace("\ndatabase: posthog_selfhosted\n", "\ndatabase: " + source + "\n"));
        connection = dir.resolve("connection.yaml");
        Files.writeString(connection, Files.readString(EXAMPLE.resolve("connection.yaml")).replace("../../.local-cluster/selfhosted/password",
                LocalCluster.DIR.resolve("selfhosted/password").toString()));
    }

    @AfterAll
    void stop() {
        if (receiver != null) {
            receiver.close();
        }
    }

    private Process start(String name, String key, String state, String... sets) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("java", "-Xmx256m", "-jar", System.getProperty("chrunbook.jar", "target/chrunbook.jar"),
                "run", runbook.toString(), "--step", "export", "--execute", "--connection", connection.toString(),
                "--state-dir", tmp.resolve(state).toString(), "--set", "url=http://127.0.0.1:" + port, "--set", "fetch_limit=" + FETCH,
                "--set", "parallel=" + PARALLEL, "--set", "start=2024-01-01 00:00:00", "--set", "end=2024-04-20 00:00:00"));
        for (String s : sets) {
            cmd.add("--set");
            cmd.add(s);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve(name + ".log").toFile());
        pb.environment().put("POSTHOG_API_KEY", key);
        return pb.start();
    }

    private JsonNode stats() throws Exception {
        return receiver.stats();
    }

    private long source() {
        return cluster.count(1, "SELECT count() FROM cluster('selfhosted', '" + cluster.database() + "_selfhosted', 'events') WHERE"
                + " team_id = 2 AND timestamp >= toDateTime('2024-01-01 00:00:00') AND timestamp < toDateTime('2024-04-20 00:00:00')");
    }

    @Test
    @Order(1)
    void aKeyCaptureRefusesByItsShapeStopsTheStepBeforeAnythingIsSent() throws Exception {
        long before = stats().get("requests").asLong();
        Process cli = start("wrong-key", "phx_a_personal_key", "wrong-state");
        assertTrue(cli.waitFor(2, TimeUnit.MINUTES));
        String log = Files.readString(tmp.resolve("wrong-key.log"));
        assertEquals(2, cli.exitValue(), log);
        assertTrue(log.contains("http.api_key_env") && log.contains("personal API key"), log);
        assertTrue(!log.contains("phx_a_personal_key"), "the key itself is never printed: " + log);
        assertEquals(before, stats().get("requests").asLong(), "no request sent");
    }

    @Test
    @Order(2)
    void killedOnceAndResumedFromThePrintedCursorEveryEventArrivesOnceWithinTheHeap() throws Exception {
        long expected = source();
        assertTrue(expected >= 500_000, "enough events to kill the export mid-way: " + expected); // 2M on PostHog's own types: CurrentExportIT
        Process first = start("first", KEY, "first");
        assertTrue(Waits.poll(() -> written() > expected / 3 || !first.isAlive(), Duration.ofMinutes(5)));
        assertTrue(first.isAlive(), "the export ended before its kill: " + Files.readString(tmp.resolve("first.log")));
        new ProcessBuilder("kill", "-9", String.valueOf(first.pid())).start().waitFor();
        first.waitFor(30, TimeUnit.SECONDS);
        String token = null;
        for (Matcher m = CURSOR.matcher(Files.readString(tmp.resolve("first.log"))); m.find(); ) {
            token = m.group(1);
        }
        assertTrue(token != null, Files.readString(tmp.resolve("first.log")));

        long t0 = System.nanoTime();
        Process fresh = start("fresh", KEY, "fresh", "cursor=" + token);
        assertTrue(fresh.waitFor(10, TimeUnit.MINUTES));
        String log = Files.readString(tmp.resolve("fresh.log"));
        assertEquals(0, fresh.exitValue(), log);
        double seconds = (System.nanoTime() - t0) / 1e9;

        String db = cluster.database();
        // capture takes repeats; what a user sees is the ReplacingMergeTree's rows once merged
        // the receiver writes every event it takes (merges may collapse repeats before a count of the table)
        long repeated = stats().get("written").asLong() - expected;
        assertTrue(repeated >= 0 && repeated <= (long) PARALLEL * FETCH, "repeats after the kill: " + repeated + " > parallel x fetch_limit");
        for (int n : new int[] {1, 3}) {
            cluster.query(n, "OPTIMIZE TABLE " + db + ".events FINAL");
        }
        assertEquals(expected, cluster.count(1, "SELECT count() FROM " + db + ".writable"), "every event in the target, once merged");
        for (int n : new int[] {1, 3}) {
            assertEquals(0, cluster.count(n, "SELECT count() FROM (SELECT uuid, count() AS c FROM " + db + ".events GROUP BY uuid HAVING c > 1)"),
                    "an event twice on node " + n + " once merged");
        }
        JsonNode stats = stats();
        assertTrue(stats.get("failed").asLong() > 0, "the receiver failed some requests: " + stats);
        assertEquals(0, stats.get("live").asLong(), "every batch taken carried historical_migration: " + stats);
        assertEquals(0, stats.get("empty_batches").asLong(), "no empty batch sent: " + stats);
        assertTrue(stats.get("largest_body").asLong() <= 20L * 1024 * 1024, "no body over capture's limit: " + stats);
        Matcher heap = Pattern.compile("peak heap ([0-9]+) MiB").matcher(log);
        assertTrue(heap.find(), log);
        // the bound itself is -Xmx256m: a run that needed more would have died of OutOfMemoryError; the peak printed
        // is the heap pools' own peaks summed (the collector lets the young generation fill what -Xmx gives)
        System.out.printf("[HttpExportIT] %d events; kill at %s; the fresh state from its cursor repeated %d event(s) (bound %d);"
                        + " receiver %s; the resumed run: %.1f s, peak heap %s MiB (-Xmx256m)%n", expected, token, repeated,
                PARALLEL * FETCH, stats, seconds, heap.group(1));
    }

    private long written() {
        return receiver.written();
    }
}
