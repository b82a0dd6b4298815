package dev.chrunbook.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.chrunbook.testing.Cli;
import dev.chrunbook.testing.ClusterNodes;
import dev.chrunbook.testing.LocalCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hooks against the real CLI and cluster: a webhook receiver on 127.0.0.1 is told step_failed with
 * the node and the error; a required before_cutover hook that exits 1 blocks the cut-over step; a
 * failing hook that is not required is reported and changes nothing.
 */
@ExtendWith(LocalCluster.class)
class HooksIT {
    @TempDir
    Path dir;
    private HttpServer receiver;
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private String url;

    @BeforeEach
    void listen() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", x -> {
            received.add(new ObjectMapper().readTree(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        receiver.start();
        url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
    }

    private Path runbook(ClusterNodes cluster, String hooks, String steps) throws Exception {
        Path rb = dir.resolve("runbook.yaml");
        Files.writeString(rb, "name: hooks-it\ncluster: posthog\ndatabase: " + cluster.database() + "\nhooks:\n" + hooks
                + "steps:\n" + steps);
        return rb;
    }

    private List<String> common() {
        return List.of("--connection", LocalCluster.CONNECTION.toString(), "--state-dir", dir.resolve("state").toString());
    }

    @Test
    void aWebhookIsToldOfAFailedStepWithItsNodeAndError(ClusterNodes cluster) throws Exception {
        Path rb = runbook(cluster, "  - on: [step_failed]\n    url: " + url + "\n",
                "  - id: planted\n    on: one-replica-per-shard\n    sql: SELECT count() FROM " + cluster.database() + ".planted_failure_for_the_hook\n");
        Cli.Result r = Cli.runbook(rb, common(), "run", "--execute");
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(2, received.size(), "one call per failed node: " + received);
        JsonNode first = received.get(0);
        assertEquals("step_failed", first.get("event").asText());
        assertEquals("planted", first.get("step").asText());
        assertTrue(List.of(ClusterNodes.id(1), ClusterNodes.id(3)).contains(first.get("node").asText()), first.toString());
        assertTrue(first.get("error").asText().contains("planted_failure_for_the_hook"), first.toString());
        assertTrue(first.get("text").asText().startsWith("chrunbook hooks-it: step failed - step planted on "), first.toString());
        String audit = Files.readString(dir.resolve("state/audit.jsonl"));
        assertTrue(audit.contains("\"hook\":\"webhook " + url + "\"") && audit.contains("\"event\":\"step_failed\""), audit);
    }

    @Test
    void aRequiredBeforeCutoverHookThatFailsBlocksTheCutoverAndOneNotRequiredDoesNot(ClusterNodes cluster) throws Exception {
        String steps = "  - id: cutover\n    on: first-node\n    pause_before: true\n"
                + "    sql: CREATE TABLE " + cluster.database() + ".swapped (x UInt8) ENGINE = Memory\n";
        Path blocking = runbook(cluster, "  - on: [before_cutover]\n    command: [sh, -c, 'echo not now; exit 1']\n    required: true\n", steps);
        Cli.Result blocked = Cli.runbook(blocking, common(), "run", "--step", "cutover", "--execute");
        assertEquals(4, blocked.exitCode(), blocked.toString());
        assertTrue(blocked.err().contains("required before_cutover hook command sh -c echo not now; exit 1")
                && blocked.err().contains("exit 1: not now"), blocked.toString());
        assertEquals(0, cluster.count(1, "SELECT count() FROM system.tables WHERE database = '" + cluster.database()
                + "' AND name = 'swapped'"), "the cut-over did not run");

        Path reporting = runbook(cluster, "  - on: [before_cutover, step_finished]\n    command: [sh, -c, 'echo $CHRUNBOOK_EVENT"
                + " $CHRUNBOOK_STEP >> " + dir.resolve("hook.log") + "; exit 3']\n", steps);
        Cli.Result ran = Cli.runbook(reporting, common(), "run", "--step", "cutover", "--execute");
        assertEquals(0, ran.exitCode(), ran.toString());
        assertEquals(1, cluster.count(1, "SELECT count() FROM system.tables WHERE database = '" + cluster.database()
                + "' AND name = 'swapped'"), "the cut-over ran");
        assertEquals(List.of("before_cutover cutover", "step_finished cutover"), Files.readAllLines(dir.resolve("hook.log")));
        String audit = Files.readString(dir.resolve("state/audit.jsonl"));
        assertTrue(audit.contains("\"event\":\"before_cutover\"") && audit.contains("\"outcome\":\"failed\"")
                && audit.contains("\"error\":\"exit 3\""), audit);
    }
}
