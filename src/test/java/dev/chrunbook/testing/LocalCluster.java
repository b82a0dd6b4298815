package dev.chrunbook.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * JUnit 5 extension for integration tests: makes sure the real local cluster (scripts/local-cluster,
 * ZooKeeper + 2 shards x 2 replicas + Kafka) is up, starting it when it is not, and gives each test
 * class a database of its own on every node, dropped afterwards.
 */
public final class LocalCluster implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    public static final Path ROOT = Path.of(System.getProperty("chrunbook.root", ".")).toAbsolutePath().normalize();
    /** The connection file scripts/local-cluster up writes: the example's plus SSH access for the host checks. */
    public static final Path DIR = Path.of(System.getenv().getOrDefault("CHRUNBOOK_CLUSTER_DIR",
            ROOT.resolve(".local-cluster").toString()));
    public static final Path CONNECTION = DIR.resolve("connection.yaml");

    private ClusterNodes nodes;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        ensureUp("before " + context.getRequiredTestClass().getSimpleName());
        String db = "it_" + context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT)
                + "_" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xFFFFF));
        nodes = new ClusterNodes(db);
        try {
            nodes.onCluster("CREATE DATABASE IF NOT EXISTS " + db + " ON CLUSTER posthog");
        } catch (IllegalStateException e) {
            // a node an earlier class's teardown brought down (see afterAll), or one whose DDL worker
            // stopped after such a restart: restart the whole cluster, which keeps its data
            restartAll("creating " + db + " failed (" + e.getMessage() + ")");
            nodes.onCluster("CREATE DATABASE IF NOT EXISTS " + db + " ON CLUSTER posthog");
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (nodes == null) {
            return;
        }
        // 18.16's librdkafka can abort a server while a dropped Kafka table's consumer closes
        // (rd_kafka_cgrp_destroy_final assert), during the DROP or a moment after it returned: the
        // node is started again and drops what it kept. Node by node, so that a node that aborts
        // fails its DROP at once (ON CLUSTER waited its 60 s timeout for it, then the whole cluster
        // was restarted).
        String drop = "DROP DATABASE IF EXISTS " + nodes.database();
        String failed = "";
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                nodes.onEveryNode(drop);
                Thread.sleep(2_000);
                if (ClusterNodes.allUp()) {
                    return;
                }
                failed = "a node went down after it";
            } catch (IllegalStateException e) {
                failed = e.getMessage();
                Thread.sleep(2_000);
            }
            ensureUp("dropping " + nodes.database() + " (" + failed + ")");
        }
        // the tests of the class are done; a teardown that 18.16 breaks is repaired, not failed
        restartAll("dropping " + nodes.database() + " failed 3 times (" + failed + ")");
    }

    private static void ensureUp(String when) throws IOException, InterruptedException {
        if (!ClusterNodes.allUp()) {
            restart("a node is down " + when);
        }
    }

    /** Starts what is down; the aborting server can still hold its pid file for a moment, so retry. */
    private static void restart(String why) throws IOException, InterruptedException {
        System.err.println("[LocalCluster] " + why + "; starting it again");
        for (int attempt = 1; ; attempt++) {
            try {
                start();
                return;
            } catch (IllegalStateException again) {
                if (attempt == 3) {
                    throw again;
                }
                Thread.sleep(5_000);
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == ClusterNodes.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return nodes;
    }

    /** Stops and starts every process of the local cluster (data kept): clears a server whose DDL worker hangs. */
    private static void restartAll(String why) throws IOException, InterruptedException {
        System.err.println("[LocalCluster] " + why + "; restarting the cluster");
        Process p = new ProcessBuilder(List.of(ROOT.resolve("scripts/local-cluster").toString(), "down")).inheritIO().start();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("scripts/local-cluster down failed; see its output above");
        }
        restart("the cluster was stopped");
    }

    private static void start() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(ROOT.resolve("scripts/local-cluster").toString(), "up", "--kafka"))
                .inheritIO().start();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("scripts/local-cluster up --kafka failed; see its output above");
        }
    }
}
