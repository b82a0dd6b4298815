package dev.chrunbook.cli;

import dev.chrunbook.state.StateStore;
import dev.chrunbook.testing.Cli;
import dev.chrunbook.testing.ClusterNodes;
import dev.chrunbook.testing.LocalCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plans of both shipped runbooks, byte for byte, against the local cluster with a fixed run id:
 * a refactoring that changes what an operator would see fails here. Values that differ between
 * machines or runs (the class's database, the temp folder, free disk, the time) are masked; regenerate the files
 * with -Dgolden.update=true after a change that is meant to show.
 */
@ExtendWith(LocalCluster.class)
class GoldenPlanIT {
    private static final Path GOLDEN = LocalCluster.ROOT.resolve("src/test/resources/golden");
    private static final Path EXAMPLE = LocalCluster.ROOT.resolve("examples/local-cluster");
    private static final Pattern TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");
    /** A partition's rows and bytes depend on how the loader's random events fell and how parts merged. */
    private static final Pattern SIZES = Pattern.compile("\\d+ rows, \\d+ bytes|at most \\d+ rows each");
    private static final Pattern FREE_DISK = Pattern.compile("formatReadableSize\\((\\d+)\\), ' free");

    @TempDir
    static Path tmp;

    @BeforeAll
    static void schema(ClusterNodes cluster) throws Exception {
        String db = cluster.database();
        Process load = new ProcessBuilder(EXAMPLE.resolve("load-events").toString(), "--database", db, "--events", "2000",
                "--topic", "golden_" + db, "--group", "golden_main_" + db)
                .redirectErrorStream(true).redirectOutput(tmp.resolve("load.log").toFile()).start();
        assertTrue(load.waitFor(5, TimeUnit.MINUTES) && load.exitValue() == 0, Files.readString(tmp.resolve("load.log")));
    }

    @Test
    void theLocalRunbookPlansAsBefore(ClusterNodes cluster) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("local"));
        Files.copy(EXAMPLE.resolve("drain.sql.ftl"), dir.resolve("drain.sql.ftl"));
        compare(cluster, EXAMPLE.resolve("runbook.yaml"), dir, "local-cluster.plan");
    }

    @Test
    void theCurrentRunbookPlansAsBefore(ClusterNodes cluster) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("current"));
        compare(cluster, LocalCluster.ROOT.resolve("runbooks/posthog-events-reorder/runbook.yaml"), dir, "posthog-events-reorder.plan");
    }

    private static void compare(ClusterNodes cluster, Path shipped, Path dir, String golden) throws Exception {
        String db = cluster.database();
        Path runbook = dir.resolve("runbook.yaml");
        String text = Files.readString(shipped);
        Files.writeString(runbook, text.replace("\ndatabase: posthog\n", "\ndatabase: " + db + "\n"));
        String name = text.lines().filter(l -> l.startsWith("name: ")).findFirst().orElseThrow().substring(6).trim();
        Path state = dir.resolve("state");
        StateStore.open(state, name, runbook, "20261201_000000_0001", Clock.systemUTC());
        Cli.Result plan = Cli.runbook(runbook, List.of("--connection", LocalCluster.CONNECTION.toString(),
                "--state-dir", state.toString(), "--set", "kafka_topic=golden_" + db), "plan");
        assertEquals(0, plan.exitCode(), plan.toString());
        String masked = mask(plan.out(), db, dir);
        Path file = GOLDEN.resolve(golden);
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(file, masked);
        }
        assertTrue(Files.exists(file), file + " is missing: run this test once with -Dgolden.update=true");
        assertEquals(Files.readString(file), masked, "the plan of " + shipped + " changed");
    }

    static String mask(String plan, String db, Path dir) {
        // a step not started yet renders its start as now
        String out = TIME.matcher(plan.replace(dir.toString(), "<dir>").replace(db, "posthog")).replaceAll("<time>");
        out = SIZES.matcher(out).replaceAll(m -> m.group().startsWith("at most") ? "at most <rows> rows each" : "<rows> rows, <bytes> bytes");
        Matcher m = FREE_DISK.matcher(out);
        while (m.find()) {
            out = out.replace(m.group(1), "<free-bytes>");
            m = FREE_DISK.matcher(out);
        }
        return out;
    }
}
