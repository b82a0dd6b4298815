package dev.chrunbook.migration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrunbook.testing.Cli;
import dev.chrunbook.testing.ClusterNodes;
import dev.chrunbook.testing.LocalCluster;
import dev.chrunbook.testing.Waits;
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
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Self-hosted to cloud, server-side: one team's events for a range go from the standalone server
 * (ch5, a schema and teams unlike the 2x2 demo's) into the 2x2 cluster, each shard pulling its own
 * rows. The CLI is killed with kill -9 five times and the source server restarted once; after the
 * reruns every id is in the target exactly once, and nothing of another team or outside the range.
 * A cursor printed by an interrupted run, given to a fresh state, starts the copy where it stood.
 */
@ExtendWith(LocalCluster.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RemoteCopyIT {
    private static final Path EXAMPLE = LocalCluster.ROOT.resolve("examples/selfhosted");
    private static final int EVENTS = Integer.getInteger("remote.events", 4_500_000);
    private static final String COPYING = "SELECT count() FROM system.processes WHERE query_id LIKE 'chrunbook-%-copy-c%'";
    private static final Pattern CURSOR = Pattern.compile("cursor (c1\\.[A-Za-z0-9_-]+)");

    private ClusterNodes cluster;
    private Path tmp;
    private Path runbook;
    private String source;

    @BeforeAll
    void load(ClusterNodes nodes, @TempDir Path dir) throws Exception {
        cluster = nodes;
        tmp = dir;
        source = nodes.database() + "_selfhosted";
        Process p = new ProcessBuilder(EXAMPLE.resolve("load-selfhosted").toString(), "--fresh", "--database", source,
                "--events", String.valueOf(EVENTS)).redirectErrorStream(true).redirectOutput(dir.resolve("load.log").toFile()).start();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES) && p.exitValue() == 0, Files.readString(dir.resolve("load.log")));
        runbook = dir.resolve("runbook.yaml");
        Files.writeString(runbook, Files.readString(EXAMPLE.resolve("runbook.yaml"))
                .replace("\ndatabase: cloud\n", "\ndatabase: " + nodes.database() + "\n"));
    }

    private List<String> common(String state, String... sets) {
        List<String> c = new ArrayList<>(List.of("--connection", LocalCluster.CONNECTION.toString(), "--state-dir",
                tmp.resolve(state).toString(), "--set", "source_database=" + source));
        for (String s : sets) {
            c.add("--set");
            c.add(s);
        }
        return c;
    }

    private Process start(String name, List<String> common) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("java", "-jar", System.getProperty("chrunbook.jar", "target/chrunbook.jar"),
                "run", runbook.toString(), "--step", "copy", "--execute"));
        cmd.addAll(common);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve(name + ".log").toFile()).start();
    }

    private long sourceRows(String where) {
        return cluster.count(1, "SELECT count() FROM cluster('selfhosted', '" + source + "', 'events') WHERE " + where);
    }

    private static String range(String team, String start, String end) {
        return "team_id = " + team + " AND timestamp >= toDateTime('" + start + "') AND timestamp < toDateTime('" + end + "')";
    }

    /** Every id of the range once in the target, nothing else, placed by the sharding key, no chunk table left. */
    private void exactlyOnce(String table, String team, String start, String end) {
        String db = cluster.database();
        long expected = sourceRows(range(team, start, end));
        long inTarget = 0;
        for (int n : new int[] {1, 3}) {
            inTarget += cluster.count(n, "SELECT count() FROM " + db + "." + table);
            assertEquals(0, cluster.count(n, "SELECT count() FROM (SELECT uuid, count() AS c FROM " + db + "." + table
                    + " GROUP BY uuid HAVING c > 1)"), "an id twice on node " + n);
            assertEquals(0, cluster.count(n, "SELECT count() FROM " + db + "." + table + " WHERE NOT (" + range(team, start, end)
                    + ") OR sipHash64(distinct_id) % 2 != " + (n == 1 ? 0 : 1)), "a row of another team, outside the range or shard on " + n);
            assertEquals(0, cluster.count(n, "SELECT count() FROM system.tables WHERE database = '" + db + "' AND name LIKE '%_remote_%'"),
                    "chunk tables dropped on node " + n);
        }
        assertEquals(expected, inTarget, "every id of team " + team + " in [" + start + ", " + end + ") in the target");
        assertTrue(expected >= 500_000, "a copy worth interrupting: " + expected);
    }

    @Test
    @Order(1)
    void killedFiveTimesAndTheSourceRestartedOnceTheTargetHoldsEveryIdOnce() throws Exception {
        List<String> common = common("state", "team_ids=2", "start=2024-01-01 00:00:00", "end=2024-04-20 00:00:00",
                "fetch_limit=50000"); // small chunks: enough of the copy is left for five kills and then the source's restart
        Cli.Result created = Cli.runbook(runbook, common, "run", "--to", "create-target", "--execute");
        assertEquals(0, created.exitCode(), created.toString());
        Random random = new Random(7);
        int kills = 0;
        for (int i = 0; i < 5; i++) {
            Process cli = start("kill-" + i, common);
            if (!Waits.poll(() -> cluster.count(1, COPYING) + cluster.count(3, COPYING) > 0 || !cli.isAlive(), Duration.ofSeconds(60))
                    || !cli.isAlive()) {
                break; // the copy ended before this kill
            }
            Thread.sleep(100 + random.nextInt(900));
            new ProcessBuilder("kill", "-9", String.valueOf(cli.pid())).start().waitFor();
            cli.waitFor(30, TimeUnit.SECONDS);
            Files.deleteIfExists(tmp.resolve("state/run.lock"));
            kills++;
        }
        assertEquals(5, kills, "five kills during the copy (lower fetch_limit if it finished first)");
        // the source server killed and restarted while the copy runs: the chunks it broke are retried
        Process cli = start("source-restart", common);
        assertTrue(Waits.poll(() -> cluster.count(1, COPYING) + cluster.count(3, COPYING) > 0, Duration.ofSeconds(60)));
        Path pid = LocalCluster.DIR.resolve("ch/node5/server.pid");
        new ProcessBuilder("kill", "-9", Files.readString(pid).trim()).start().waitFor();
        Process up = new ProcessBuilder(LocalCluster.ROOT.resolve("scripts/local-cluster").toString(), "up", "--kafka")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("up.log").toFile()).start();
        assertTrue(up.waitFor(5, TimeUnit.MINUTES) && up.exitValue() == 0, Files.readString(tmp.resolve("up.log")));
        cli.waitFor(5, TimeUnit.MINUTES);
        Files.deleteIfExists(tmp.resolve("state/run.lock"));
        Cli.Result done = Cli.runbook(runbook, common, "run", "--to", "verify", "--execute");
        assertEquals(0, done.exitCode(), done + "\n--- the run across the restart\n" + Files.readString(tmp.resolve("source-restart.log")));
        assertTrue(done.out().contains("cursor " + dev.chrunbook.transfer.Cursor.END) || done.err().contains("verify"), done.toString());
        exactlyOnce("events", "2", "2024-01-01 00:00:00", "2024-04-20 00:00:00");
        assertTrue(done.toString().contains("ids: the same in both tables"), "the remote verify went chunk by chunk: " + done);
        // an id of the target deleted after the copy: the verify, again over every chunk, names it
        String db = cluster.database();
        String gone = cluster.query(1, "SELECT toString(uuid) FROM " + db + ".events ORDER BY uuid LIMIT 1");
        cluster.query(1, "ALTER TABLE " + db + ".events DELETE WHERE uuid = toUUID('" + gone + "')");
        Waits.until(() -> cluster.count(1, "SELECT count() FROM system.mutations WHERE database = '" + db + "' AND NOT is_done") == 0,
                Duration.ofMinutes(2), "the delete is applied");
        Cli.Result missing = Cli.runbook(runbook, common, "run", "--step", "verify", "--rerun", "--execute");
        assertEquals(4, missing.exitCode(), missing.toString());
        assertTrue(missing.toString().contains("id missing in the new table") && missing.toString().contains(gone), missing.toString());
        String password = Files.readString(LocalCluster.DIR.resolve("selfhosted/password")).trim();
        for (String f : List.of("state/state.json", "state/audit.jsonl", "source-restart.log", "kill-0.log")) {
            assertTrue(!Files.readString(tmp.resolve(f)).contains(password), "the source's password in " + f);
        }
        cluster.flushLogs();
        assertEquals(0, cluster.count(1, "SELECT count() FROM system.query_log WHERE query LIKE '%" + password + "%'"
                + " AND query NOT LIKE '%system.query_log%' AND (query LIKE '%" + cluster.database() + "%' OR query_id LIKE 'chrunbook-%')"),
                "the source's password in the target's query_log");
        System.out.printf("[RemoteCopyIT] %d source rows of team 2 copied exactly once after %d kills and a source restart%n",
                sourceRows(range("2", "2024-01-01 00:00:00", "2024-04-20 00:00:00")), kills);
    }

    @Test
    @Order(2)
    void aPrintedCursorGivenToAFreshStateStartsWhereTheInterruptedRunStood() throws Exception {
        String team = "team_ids=7";
        String[] range = {"start=2024-01-15 00:00:00", "end=2024-04-15 00:00:00"};
        String db = cluster.database();
        List<String> first = common("first", team, range[0], range[1], "fetch_limit=20000", "parallel=1", "target=events7",
                "target_distributed=writable7");
        Cli.Result created = Cli.runbook(runbook, first, "run", "--to", "create-target", "--execute"); // events7 and writable7
        assertEquals(0, created.exitCode(), created.toString());
        Process cli = start("first", first);
        Pattern done = Pattern.compile("chunks ([0-9]+)/");
        assertTrue(Waits.poll(() -> progressed(tmp.resolve("first.log"), done) >= 6 || !cli.isAlive(), Duration.ofSeconds(120)));
        new ProcessBuilder("kill", "-9", String.valueOf(cli.pid())).start().waitFor();
        cli.waitFor(30, TimeUnit.SECONDS);
        String token = null;
        for (Matcher m = CURSOR.matcher(Files.readString(tmp.resolve("first.log"))); m.find(); ) {
            token = m.group(1);
        }
        assertTrue(token != null, Files.readString(tmp.resolve("first.log")));
        long before = cluster.count(1, "SELECT count() FROM " + db + ".writable7");

        List<String> fresh = common("fresh", team, range[0], range[1], "fetch_limit=20000", "target=events7",
                "target_distributed=writable7", "cursor=" + token);
        assertEquals(0, Cli.runbook(runbook, fresh, "run", "--to", "create-target", "--execute").exitCode());
        Cli.Result resumed = Cli.runbook(runbook, fresh, "run", "--step", "copy", "--execute");
        assertEquals(0, resumed.exitCode(), resumed.toString());
        var at = dev.chrunbook.transfer.Cursor.parse(token, "cursor").orElseThrow();
        JsonNode steps = new ObjectMapper().readTree(tmp.resolve("fresh/state.json").toFile()).get("steps").get("copy");
        long copiedAgain = 0;
        for (JsonNode node : steps) {
            for (JsonNode c : node.get("chunks")) {
                JsonNode r = c.get("range");
                assertTrue(r.get("team").asLong() > at.team() || r.get("toDay").asLong() > at.fromDay(),
                        "a chunk before the cursor was planned: " + c);
                copiedAgain += c.get("attempts").asInt() > 0 ? c.get("rows").asLong() : 0;
            }
        }
        assertTrue(before > 0, "the first run had copied something before its kill");
        assertEquals(sourceRows(range("7", "2024-01-15 00:00:00", "2024-04-15 00:00:00")) - before,
                cluster.count(1, "SELECT count() FROM " + db + ".writable7") - before, "the rest arrived");
        exactlyOnce("events7", "7", "2024-01-15 00:00:00", "2024-04-15 00:00:00");
        System.out.printf("[RemoteCopyIT] cursor %s: %d rows were in before it; the fresh state copied %d%n", token, before, copiedAgain);
    }

    @Test
    @Order(3)
    void aBadFilterAMissingColumnAnIncompatibleTargetAndAnUnreachableSourceStopWithTheirExitCodesAndWriteNothing() throws Exception {
        String db = cluster.database();
        // end before start: refused while planning (exit 2), before any step runs
        Cli.Result early = Cli.runbook(runbook, common("bad-end", "target=bad_end", "target_distributed=bad_end_w",
                "end=2023-12-01 00:00:00"), "run", "--all", "--execute");
        assertEquals(2, early.exitCode(), early.toString());
        assertTrue(early.err().contains("remote.end (2023-12-01 00:00:00) is not after start"), early.toString());
        assertEquals(0, cluster.count(1, "SELECT count() FROM system.tables WHERE database = '" + db + "' AND name = 'bad_end'"),
                "nothing created");

        // a team column the source lacks, and a target storing a column the source lacks: exit 4, no row written
        Path teamColumn = tmp.resolve("team-column.yaml");
        Files.writeString(teamColumn, Files.readString(runbook).replace("      team_ids: ${team_ids}\n",
                "      team_ids: ${team_ids}\n      team_column: team\n"));
        Cli.Result team = Cli.runbook(teamColumn, common("bad-team", "target=bad_team", "target_distributed=bad_team_w"),
                "run", "--all", "--execute");
        assertEquals(4, team.exitCode(), team.toString());
        assertTrue(team.out().contains("remote.team_column: the source has no column team"), team.toString());
        Cli.Result wider = Cli.runbook(runbook, common("bad-columns", "target=bad_cols", "target_distributed=bad_cols_w",
                "target_columns=uuid UUID, event String, properties String, timestamp DateTime, team_id Int64, distinct_id String,"
                        + " plan_tier String, _timestamp DateTime"), "run", "--all", "--execute");
        assertEquals(4, wider.exitCode(), wider.toString());
        assertTrue(wider.out().contains("the target stores column plan_tier (String), which the source lacks"), wider.toString());

        // the source down: its cluster does not answer
        Path pid = LocalCluster.DIR.resolve("ch/node5/server.pid");
        new ProcessBuilder("kill", "-9", Files.readString(pid).trim()).start().waitFor();
        Cli.Result down;
        try {
            down = Cli.runbook(runbook, common("bad-down", "target=bad_down", "target_distributed=bad_down_w"), "run", "--all", "--execute");
        } finally {
            Process up = new ProcessBuilder(LocalCluster.ROOT.resolve("scripts/local-cluster").toString(), "up", "--kafka")
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("up-again.log").toFile()).start();
            assertTrue(up.waitFor(5, TimeUnit.MINUTES) && up.exitValue() == 0, Files.readString(tmp.resolve("up-again.log")));
        }
        assertEquals(4, down.exitCode(), down.toString());
        assertTrue(down.out().contains("the source cluster 'selfhosted' does not answer"), down.toString());
        for (String t : List.of("bad_team", "bad_cols", "bad_down")) {
            assertEquals(0, cluster.count(1, "SELECT count() FROM " + db + "." + t) + cluster.count(3, "SELECT count() FROM " + db + "." + t),
                    "no row written to " + t);
        }
    }

    private static int progressed(Path log, Pattern done) {
        try {
            int last = 0;
            for (Matcher m = done.matcher(Files.readString(log)); m.find(); ) {
                last = Integer.parseInt(m.group(1));
            }
            return last;
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
