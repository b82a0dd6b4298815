package dev.chrunbook.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrunbook.kinds.Kinds;
import dev.chrunbook.runbook.Runbook;
import dev.chrunbook.runbook.TemplateNames;
import dev.chrunbook.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The reserved template names are one list: what the renderer puts into a template's model, and what the JSON Schema refuses as a var. */
class TemplateNamesTest {
    @Test
    void theModelHoldsExactlyTheReservedNamesBesideTheVars(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("runbook.yaml");
        Files.writeString(file, """
                name: names
                cluster: c
                database: d
                vars:
                  source: events
                steps:
                  - id: one
                    on: first-node
                    sql: SELECT 1
                """);
        Runbook runbook = new Kinds().loader().load(file, Map.of());
        Map<String, Object> model = TemplateModel.of(runbook, "r1", runbook.steps().get(0), Fixtures.NODE, NodeFacts.OFFLINE, true, dev.chrunbook.ClusterForm.ASSUMED);
        Set<String> builtIn = new TreeSet<>(model.keySet());
        builtIn.remove("source");
        assertEquals(new TreeSet<>(TemplateNames.RESERVED), builtIn);
    }

    @Test
    void theJsonSchemaRefusesTheReservedNamesAsVars() throws Exception {
        JsonNode schema = new ObjectMapper().readTree(Path.of("runbooks/runbook.schema.json").toFile());
        Set<String> refused = new TreeSet<>();
        schema.at("/$defs/vars/propertyNames/not/enum").forEach(n -> refused.add(n.asText()));
        assertEquals(new TreeSet<>(TemplateNames.RESERVED), refused);
    }
}
