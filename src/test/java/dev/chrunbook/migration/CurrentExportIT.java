package dev.chrunbook.migration;

import org.junit.jupiter.api.parallel.ResourceLock;
import dev.chrunbook.testing.CurrentClusterLock;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chrunbook.testing.CaptureReceiver;
import dev.chrunbook.testing.ClusterNodes;
import dev.chrunbook.testing.CurrentCluster;
import dev.chrunbook.testing.LocalCluster;
import dev.chrunbook.testing.PostHogSchema;
import dev.chrunbook.testing.Waits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The export from PostHog's own events table on the current cluster (26.7, 2 shards): its
 * {@code timestamp} is DateTime64(6, 'UTC'), and $autocapture events carry an elements_chain. Sent to the
 * receiver that keeps capture's contract, killed with -9 mid-way and resumed from the ledger, killed
 * again and resumed by a fresh state from the cursor each shard printed (1:token,2:token), killed a
 * third time and resumed from that state's ledger; 2.1M events, a few over 500 KB, 10 % of requests
 * failed with 429 or 503: the
 * positions the ledger keeps are DateTime64 times (the old code refused them, and sent an empty batch
 * first, which capture answers 400), every event arrives (once the target's ReplacingMergeTree
 * merges), the repeats are at most the pages in flight, every batch historical.
 */
@ResourceLock(CurrentClusterLock.NAME)
@ExtendWith(LocalCluster.class)
class CurrentExportIT {
    private static final String KEY = "phc_current_export";
    private static final int FETCH = 10_000;
    private static final int PARALLEL = 4;
    private static final int BIG = 5;

    @TempDir
    Path tmp;
    private CaptureReceiver receiver;

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void posthogsEventsWithMicrosecondsArriveAfterKillsAndResumesFromTheLedgerAndFromEachShardsCursor(ClusterNodes cluster) throws Exception {
        CurrentCluster.ensureUp();
        new PostHogSchema("export").create(700_000); // 2.1M events
        // a few events over 500 KB, as session-heavy or AI events can be: sent (under the 1 MB per-event limit), not refused
        CurrentCluster.query(1, "INSERT INTO posthog.sharded_events (uuid, event, properties, timestamp, team_id, distinct_id, created_at,"
                + " person_id, _timestamp, _offset) SELECT generateUUIDv4(), 'big', concat('{\"blob\":\"', repeat('x', 600000), '\"}'),"
                + " now64(6, 'UTC') - toIntervalSecond(5000 + number), 1, 'big-user', now64(6, 'UTC'), generateUUIDv4(), now(), number"
                + " FROM numbers(" + BIG + ")");
        String start = LocalDate.now(ZoneOffset.UTC).minusDays(70) + " 00:00:00";
        String end = LocalDate.now(ZoneOffset.UTC).plusDays(1) + " 00:00:00";
        String range = " WHERE team_id IN (1, 2, 3) AND timestamp >= toDateTime('" + start + "', 'UTC') AND timestamp < toDateTime('" + end + "', 'UTC')";
        long expected = 0;
        for (int n = 1; n <= CurrentCluster.NODES; n++) {
            expected += Long.parseLong(CurrentCluster.query(n, "SELECT count() FROM posthog.sharded_events" + range));
        }
        assertTrue(expected >= 2_000_000, "events to send: " + expected);

        String db = cluster.database();
        receiver = CaptureReceiver.start(cluster, 0.1);
        int port = receiver.port();

        Path runbook = tmp.resolve("export.yaml");
        Files.writeString(runbook, Files.readString(LocalCluster.ROOT.resolve("examples/selfhosted/export-runbook.yaml"))
                .replace("\ncluster: selfhosted\n", "\ncluster: posthog\n").replace("\ndatabase: posthog_selfhosted\n", "\ndatabase: posthog\n"));
        List<String> cmd = new ArrayList<>(List.of("java", "-Xmx256m", "-jar", System.getProperty("chrunbook.jar", "target/chrunbook.jar"),
                "run", runbook.toString(), "--step", "export", "--execute", "--connection", CurrentCluster.CONNECTION.toString(),
                "--state-dir", tmp.resolve("state").toString(), "--set", "url=http://127.0.0.1:" + port, "--set", "table=sharded_events",
                "--set", "team_ids=1, 2, 3", "--set", "start=" + start, "--set", "end=" + end, "--set", "fetch_limit=" + FETCH,
                "--set", "parallel=" + PARALLEL));
        long total = expected;
        Process first = start(cmd, "first");
        assertTrue(Waits.poll(() -> receiver.written() > total / 3 || !first.isAlive(), Duration.ofMinutes(3)));
        assertTrue(first.isAlive(), "the export ended before its kill: " + Files.readString(tmp.resolve("first.log")));
        new ProcessBuilder("kill", "-9", String.valueOf(first.pid())).start().waitFor();
        first.waitFor(30, TimeUnit.SECONDS);
        Files.deleteIfExists(tmp.resolve("state/run.lock"));
        String ledger = Files.readString(tmp.resolve("state/state.json"));
        assertTrue(ledger.matches("(?s).*t\\|[0-9]+\\|[0-9]+\\|\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\|.*"),
                "the ledger keeps DateTime64 positions: " + ledger);

        // resumed from the ledger, killed again; then a fresh state from the cursor each shard printed last
        Process second = start(cmd, "second");
        long before = receiver.written();
        assertTrue(Waits.poll(() -> receiver.written() > before + total / 6 || !second.isAlive(), Duration.ofMinutes(3)));
        assertTrue(second.isAlive(), "the export ended before its second kill: " + Files.readString(tmp.resolve("second.log")));
        new ProcessBuilder("kill", "-9", String.valueOf(second.pid())).start().waitFor();
        second.waitFor(30, TimeUnit.SECONDS);
        java.util.Map<String, String> last = new java.util.TreeMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("export @ (\\S+): cursor (\\d+:h1\\.[A-Za-z0-9_-]+)")
                .matcher(Files.readString(tmp.resolve("second.log")));
        while (m.find()) {
            last.put(m.group(1), m.group(2));
        }
        assertEquals(CurrentCluster.NODES, last.size(), "each shard printed its cursor, named by its shard: " + last);
        List<String> fresh = new ArrayList<>(cmd);
        fresh.set(fresh.indexOf(tmp.resolve("state").toString()), tmp.resolve("fresh").toString());
        fresh.addAll(List.of("--set", "cursor=" + String.join(",", last.values())));
        Process third = start(fresh, "third");
        long before3 = receiver.written();
        assertTrue(Waits.poll(() -> receiver.written() > before3 + total / 6 || !third.isAlive(), Duration.ofMinutes(3)));
        assertTrue(third.isAlive(), "the export ended before its third kill: " + Files.readString(tmp.resolve("third.log")));
        new ProcessBuilder("kill", "-9", String.valueOf(third.pid())).start().waitFor();
        third.waitFor(30, TimeUnit.SECONDS);
        Files.deleteIfExists(tmp.resolve("fresh/run.lock"));
        Process resumed = start(fresh, "resumed");
        assertTrue(resumed.waitFor(10, TimeUnit.MINUTES));
        String log = Files.readString(tmp.resolve("resumed.log"));
        assertEquals(0, resumed.exitValue(), log);

        // capture takes repeats (the receiver writes every event it takes); merges may collapse them before a count
        long repeated = receiver.stats().get("written").asLong() - expected;
        assertTrue(repeated >= 0 && repeated <= 3L * CurrentCluster.NODES * PARALLEL * FETCH,
                "repeats after three kills: " + repeated + " (at most the pages in flight on each shard, per kill)");
        for (int n : new int[] {1, 3}) {
            cluster.query(n, "OPTIMIZE TABLE " + db + ".events FINAL");
        }
        assertEquals(expected, cluster.count(1, "SELECT uniqExact(uuid) FROM " + db + ".writable"), "every event arrived");
        assertEquals(BIG, cluster.count(1, "SELECT uniqExact(uuid) FROM " + db + ".writable WHERE event = 'big'"), "the events over 500 KB too");
        assertTrue(receiver.stats().get("largest_body").asLong() <= 20L * 1024 * 1024, "no body over capture's limit");
        java.util.regex.Matcher heap = java.util.regex.Pattern.compile("peak heap ([0-9]+) MiB").matcher(log);
        assertTrue(heap.find(), log);
        JsonNode stats = receiver.stats();
        assertEquals(0, stats.get("live").asLong(), "every batch historical: " + stats);
        assertEquals(0, stats.get("empty_batches").asLong(), stats.toString());
        System.out.printf("[CurrentExportIT] %d events from 26.7 (DateTime64(6), %d over 500 KB), killed three times, resumed from the ledger,"
                + " from the shards' printed cursors in a fresh state, and from its ledger: %d repeated (bound %d); receiver %s; peak heap %s MiB"
                + " (-Xmx256m)%n", expected, BIG, repeated, 3L * CurrentCluster.NODES * PARALLEL * FETCH, stats, heap.group(1));
    }

    private Process start(List<String> cmd, String name) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve(name + ".log").toFile());
        pb.environment().put("POSTHOG_API_KEY", KEY);
        return pb.start();
    }
}
