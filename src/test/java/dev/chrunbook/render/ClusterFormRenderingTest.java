package dev.chrunbook.render;

import dev.chrunbook.ClusterForm;
import dev.chrunbook.Node;
import dev.chrunbook.cluster.Topology;
import dev.chrunbook.kinds.Kinds;
import dev.chrunbook.runbook.Runbook;
import dev.chrunbook.runbook.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a cluster without distributed DDL (no ZooKeeper: shards without replicas, one self-hosted node) gets. */
class ClusterFormRenderingTest {
    private static final ClusterForm PER_NODE = ClusterForm.perNode("no ZooKeeper on the seed");

    @TempDir
    Path dir;

    private Runbook runbook(String steps) throws IOException {
        Path file = dir.resolve("runbook.yaml");
        Files.writeString(file, """
                name: form
                cluster: posthog
                database: posthog
                vars:
                  source: sharded_events
                  distributed_tables: [events]
                steps:
                """ + steps);
        return new Kinds().loader().load(file, Map.of());
    }

    @Test
    void aClusterOnceStepRunsOnEveryNodeWithoutOnCluster() throws IOException {
        Runbook rb = runbook("""
                  - id: swap
                    on: cluster-once
                    sql: |
                      RENAME TABLE posthog.a TO posthog.b ON CLUSTER posthog;
                      DROP TABLE IF EXISTS posthog.c ON CLUSTER 'posthog' SYNC
                """);
        Topology shards = Topology.synthetic("posthog", 2, 1).withForm(PER_NODE);
        assertEquals(shards.nodes(), shards.nodesFor(Target.CLUSTER_ONCE), "every node takes the DDL itself");
        assertEquals(1, shards.withForm(ClusterForm.withKeeper("ZooKeeper answers")).nodesFor(Target.CLUSTER_ONCE).size());
        SqlRenderer renderer = new SqlRenderer(rb, "r1", List.of(), NodeFacts.OFFLINE, shards.form());
        List<String> sql = renderer.render(rb.step("swap"), shards.nodes().get(1)).stream().map(RenderedStatement::sql).toList();
        assertEquals(List.of("RENAME TABLE posthog.a TO posthog.b", "DROP TABLE IF EXISTS posthog.c SYNC"), sql);
        List<String> kept = new SqlRenderer(rb, "r1", List.of(), NodeFacts.OFFLINE, ClusterForm.withKeeper("ZooKeeper answers"))
                .render(rb.step("swap"), shards.nodes().get(0)).stream().map(RenderedStatement::sql).toList();
        assertTrue(kept.get(0).endsWith("ON CLUSTER posthog"), kept.toString());
    }

    /** swap-rollback's copy back reaches the cluster through a Distributed table: sent once, as with ON CLUSTER. */
    @Test
    void aClusterOnceStatementThatIsNotDdlIsSentByTheCoordinatorOnly() throws IOException {
        Runbook rb = runbook("""
                  - id: back
                    on: cluster-once
                    sql: |
                      DROP TABLE IF EXISTS posthog.v ON CLUSTER posthog;
                      INSERT INTO posthog.writable_events SELECT * FROM cluster(posthog, posthog, old)
                """);
        Topology shards = Topology.synthetic("posthog", 2, 1).withForm(PER_NODE);
        SqlRenderer renderer = new SqlRenderer(rb, "r1", List.of(), NodeFacts.OFFLINE, shards.form());
        assertEquals(List.of("DROP TABLE IF EXISTS posthog.v", "INSERT INTO posthog.writable_events SELECT * FROM cluster(posthog, posthog, old)"),
                renderer.render(rb.step("back"), shards.nodes().get(0)).stream().map(RenderedStatement::sql).toList());
        assertEquals(List.of("DROP TABLE IF EXISTS posthog.v"),
                renderer.render(rb.step("back"), shards.nodes().get(1)).stream().map(RenderedStatement::sql).toList());
    }

    @Test
    void distributedColumnsKeepTheirComments() throws IOException {
        Runbook rb = runbook("""
                  - id: distributed-columns
                    on: every-replica
                    template: distributed-columns.sql.ftl
                """);
        NodeFacts facts = columns(List.of(
                Map.of("name", "uuid", "type", "UUID", "default_kind", "", "default_expression", "", "comment", ""),
                Map.of("name", "$session_id", "type", "String", "default_kind", "MATERIALIZED",
                        "default_expression", "JSONExtractString(properties, '$session_id')", "comment", "column_materializer::$session_id"),
                Map.of("name", "mat_x", "type", "String", "default_kind", "MATERIALIZED", "default_expression", "''", "comment", "")));
        SqlRenderer renderer = new SqlRenderer(rb, "r1", List.of(), facts);
        List<String> sql = renderer.render(rb.step("distributed-columns"), Topology.synthetic("posthog", 1, 1).nodes().get(0))
                .stream().map(RenderedStatement::sql).toList();
        assertEquals(List.of("ALTER TABLE `posthog`.`events` ADD COLUMN IF NOT EXISTS `$session_id` String COMMENT 'column_materializer::$session_id'",
                "ALTER TABLE `posthog`.`events` ADD COLUMN IF NOT EXISTS `mat_x` String"), sql);
    }

    /** The offline catalog, but for the source's columns (and a table with none but uuid). */
    private static NodeFacts columns(List<Map<String, Object>> columns) {
        return columns(Map.of("sharded_events", columns));
    }

    /** The offline catalog, but for these tables' columns (a table not named has uuid only). */
    private static NodeFacts columns(Map<String, List<Map<String, Object>>> tables) {
        List<Map<String, Object>> uuidOnly = List.of(Map.of("name", "uuid", "type", "UUID", "default_kind", "", "default_expression", "", "comment", ""));
        return (NodeFacts) java.lang.reflect.Proxy.newProxyInstance(NodeFacts.class.getClassLoader(), new Class<?>[] {NodeFacts.class},
                (proxy, method, args) -> method.getName().equals("columns") ? tables.getOrDefault((String) args[2], uuidOnly)
                        : method.invoke(NodeFacts.OFFLINE, args));
    }

    /**
     * PostHog added $session_id_uuid to sharded_events long after $group_0, which events has: IF NOT EXISTS adds only
     * the new one, and the SQL does not depend on what the step changed (it renders the same after it ran).
     */
    @Test
    void distributedColumnsAddOnlyWhatTheDistributedTableLacks() throws IOException {
        Runbook rb = runbook("""
                  - id: distributed-columns
                    on: every-replica
                    template: distributed-columns.sql.ftl
                """);
        Map<String, Object> group0 = Map.of("name", "$group_0", "type", "String", "default_kind", "MATERIALIZED",
                "default_expression", "''", "comment", "column_materializer::$group_0");
        Map<String, Object> uuid = Map.of("name", "uuid", "type", "UUID", "default_kind", "", "default_expression", "", "comment", "");
        NodeFacts facts = columns(Map.of(
                "sharded_events", List.of(uuid, group0, Map.of("name", "$session_id_uuid", "type", "Nullable(UInt128)",
                        "default_kind", "MATERIALIZED", "default_expression", "toUInt128(1)", "comment", "")),
                "events", List.of(uuid, Map.of("name", "$group_0", "type", "String", "default_kind", "", "default_expression", "",
                        "comment", "column_materializer::$group_0"))));
        List<String> sql = new SqlRenderer(rb, "r1", List.of(), facts).render(rb.step("distributed-columns"),
                Topology.synthetic("posthog", 1, 1).nodes().get(0)).stream().map(RenderedStatement::sql).toList();
        assertEquals(List.of("ALTER TABLE `posthog`.`events` ADD COLUMN IF NOT EXISTS `$group_0` String COMMENT 'column_materializer::$group_0'",
                "ALTER TABLE `posthog`.`events` ADD COLUMN IF NOT EXISTS `$session_id_uuid` Nullable(UInt128)"), sql);
    }
}
