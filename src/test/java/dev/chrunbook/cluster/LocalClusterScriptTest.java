package dev.chrunbook.cluster;

import dev.chrunbook.testing.LocalCluster;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * scripts/local-cluster's readiness probes, sourced: a ZooKeeper that accepts connections but does
 * not answer yet (it is still loading its log) is "not ready", not a probe that waits forever (it
 * hung a cluster restart inside the ITs once).
 */
class LocalClusterScriptTest {
    @Test
    void aZooKeeperThatAcceptsButDoesNotAnswerIsNotReadyAndTheProbeReturns() throws Exception {
        List<Socket> held = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0)) {
            Thread accepting = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // accepted, read from by no one, never answered
                    }
                } catch (Exception e) {
                    // closed
                }
            });
            accepting.setDaemon(true);
            accepting.start();
            Process p = new ProcessBuilder("bash", "-c", "source scripts/local-cluster; ZK_PORT=" + silent.getLocalPort() + "; zk_serving")
                    .directory(LocalCluster.ROOT.toFile()).redirectErrorStream(true).start();
            boolean returned = p.waitFor(15, TimeUnit.SECONDS);
            if (!returned) {
                p.destroyForcibly();
            }
            assertTrue(returned, "the probe still waits for an answer after 15 s");
            assertNotEquals(0, p.exitValue(), "a silent ZooKeeper is not serving");
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
