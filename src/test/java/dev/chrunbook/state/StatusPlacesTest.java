package dev.chrunbook.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrunbook.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Status names each node's shard and replica, from the topology a run recorded, without reading the cluster again. */
class StatusPlacesTest {
    @TempDir
    Path dir;

    @Test
    void theStateRemembersWhereNodesSitAndStatusJsonCarriesIt() throws Exception {
        StateStore store = StateStore.open(dir, "rb", "20261202_000000_abcd", Clock.systemUTC());
        store.recordNodes(Map.of("10.1.0.3:8123", new NodePlace(2, "r2a"), "10.1.0.1:8123", new NodePlace(1, "r1a")));
        store.update("copy", "10.1.0.3:8123", s -> s.startAttempt(Clock.systemUTC().instant()));
        RunState reread = StateStore.read(dir, "rb").orElseThrow();
        assertEquals(new NodePlace(2, "r2a"), reread.nodes().get("10.1.0.3:8123"), "kept in state.json");
        StatusReport report = StatusReport.of("rb", reread, Map.of("copy", "one-replica-per-shard"),
                Map.of("copy", List.of("10.1.0.1:8123", "10.1.0.3:8123")));
        JsonNode json = new ObjectMapper().readTree(report.toJson());
        JsonNode nodes = json.get("steps").get(0).get("nodes");
        assertEquals(1, nodes.get(0).get("shard").asInt());
        assertEquals("r1a", nodes.get(0).get("replica").asText());
        assertEquals(2, nodes.get(1).get("shard").asInt());
        assertEquals("running", nodes.get(1).get("status").asText());
    }

    @Test
    void completionScriptsComeFromTheCommandsThemselves() {
        Cli.Result bash = Cli.run("completion", "bash");
        assertEquals(0, bash.exitCode(), bash.toString());
        assertTrue(bash.out().contains("complete -F _complete_chrunbook") || bash.out().contains("_complete_chrunbook"), bash.out());
        assertTrue(bash.out().contains("rollback") && bash.out().contains("--dry-run"), "subcommands and their options");
        Cli.Result zsh = Cli.run("completion", "zsh");
        assertTrue(zsh.out().startsWith("autoload -U +X compinit"), zsh.out());
        assertEquals(2, Cli.run("completion", "fish").exitCode());
    }
}
