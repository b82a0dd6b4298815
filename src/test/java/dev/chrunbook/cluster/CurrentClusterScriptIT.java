package dev.chrunbook.cluster;

import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import dev.chrunbook.testing.CurrentClusterLock;
import dev.chrunbook.testing.CurrentCluster;
import dev.chrunbook.testing.LocalCluster;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** scripts/current-cluster: a server killed with kill -9 is reported crashed by status, and up brings it back with its data. */
@Execution(ExecutionMode.CONCURRENT) // uses only the current cluster: beside the 18.16 classes
@ResourceLock(CurrentClusterLock.NAME)
class CurrentClusterScriptIT {
    private static String script(String verb, int[] exit) throws Exception {
        Process p = new ProcessBuilder(LocalCluster.ROOT.resolve("scripts/current-cluster").toString(), verb).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        exit[0] = p.exitValue();
        return out;
    }

    @Test
    void aKilledServerIsReportedCrashedAndUpStartsItAgainWithItsData() throws Exception {
        CurrentCluster.ensureUp();
        CurrentCluster.query(2, "DROP TABLE IF EXISTS default.crash_probe SYNC");
        CurrentCluster.query(2, "CREATE TABLE default.crash_probe (x UInt8) ENGINE = MergeTree ORDER BY x");
        CurrentCluster.query(2, "INSERT INTO default.crash_probe VALUES (7)");
        long pid = Long.parseLong(Files.readString(CurrentCluster.DIR.resolve("node2/server.pid")).strip());
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
        int[] exit = new int[1];
        String status = script("status", exit);
        assertEquals(1, exit[0], status);
        assertTrue(status.contains("cc1 up") && status.contains("cc2 crashed"), status);
        String up = script("up", exit);
        assertEquals(0, exit[0], up);
        String again = script("status", exit);
        assertEquals(0, exit[0], again);
        assertEquals("7", CurrentCluster.query(2, "SELECT x FROM default.crash_probe"), "the data is kept");
        assertTrue(CurrentCluster.count(2, "SELECT count() FROM system.query_log") >= 0, "query_log is there after the restart");
        CurrentCluster.query(2, "DROP TABLE default.crash_probe SYNC");
    }
}
