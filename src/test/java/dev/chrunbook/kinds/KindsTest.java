package dev.chrunbook.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrunbook.ChrunbookException;
import dev.chrunbook.ExitCode;
import dev.chrunbook.runbook.Runbook;
import dev.chrunbook.runbook.StepFields;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each kind owns its YAML fields: the loader asks it, and the JSON Schema knows every kind and field. */
class KindsTest {
    private final Kinds kinds = new Kinds();

    @Test
    void theSchemaNamesEveryKindAndEveryFieldAKindReads() throws Exception {
        JsonNode step = new ObjectMapper().readTree(Path.of("runbooks/runbook.schema.json").toFile()).at("/$defs/step");
        Set<String> names = new TreeSet<>();
        step.at("/properties/kind/enum").forEach(n -> names.add(n.asText()));
        assertEquals(new TreeSet<>(kinds.all().stream().map(StepFields::name).toList()), names);
        Set<String> properties = new TreeSet<>();
        step.at("/properties").fieldNames().forEachRemaining(properties::add);
        kinds.all().forEach(k -> assertTrue(properties.containsAll(k.keys()), k.name() + " reads " + k.keys()
                + ", the schema has " + properties));
    }

    private Runbook load(Path dir, String steps) throws Exception {
        Path file = dir.resolve("runbook.yaml");
        Files.writeString(file, "name: k\ncluster: c\ndatabase: d\nsteps:\n" + steps);
        return kinds.loader().load(file, Map.of());
    }

    @Test
    void aStepWithoutKindRunsItsSqlOrChecksItsAsserts(@TempDir Path dir) throws Exception {
        Runbook r = load(dir, """
                  - id: a
                    on: first-node
                    sql: SELECT 1
                  - id: b
                    on: first-node
                    assert: ['SELECT 1 WHERE 0']
                """);
        assertEquals(List.of("sql", "check"), r.steps().stream().map(s -> kinds.of(s).name()).toList());
        assertTrue(kinds.of(r.steps().get(1)).preflight() && !kinds.of(r.steps().get(0)).preflight());
    }

    @Test
    void aFieldOfAnotherKindIsRefusedAtItsLineNamingTheKindsThatTakeIt(@TempDir Path dir) {
        ChrunbookException e = assertThrows(ChrunbookException.class, () -> load(dir, """
                  - id: lag
                    kind: kafka-lag
                    on: first-node
                    template: x.sql.ftl
                    kafka: {brokers: b, topic: t, group: g}
                """));
        assertEquals(ExitCode.INVALID_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains("runbook.yaml:8: step 'lag' (kind kafka-lag) takes no 'template'; it is a field of kind sql, check"),
                e.getMessage());
    }

    @Test
    void aBuiltInKindNeedsItsBlockWithItsRequiredKeys(@TempDir Path dir) {
        ChrunbookException missing = assertThrows(ChrunbookException.class, () -> load(dir, """
                  - id: agree
                    kind: replicas-agree
                    on: one-replica-per-shard
                """));
        assertTrue(missing.getMessage().contains("needs a 'replicas:' block with table, ingested_column, before_step_start"),
                missing.getMessage());
        ChrunbookException unknown = assertThrows(ChrunbookException.class, () -> load(dir, """
                  - id: agree
                    kind: replicas-agree
                    on: one-replica-per-shard
                    replicas: {table: t, ingested_column: _ts, before_step_start: copy, group: g}
                """));
        assertTrue(unknown.getMessage().contains("group"), unknown.getMessage());
    }
}
