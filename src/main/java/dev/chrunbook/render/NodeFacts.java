package dev.chrunbook.render;

import dev.chrunbook.Node;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Facts a template may read besides vars: the node's catalog (read-only lookups) and the run's
 * own history. Offline rendering (validate) gets {@link #OFFLINE}, which knows nothing.
 */
public interface NodeFacts {
    NodeFacts OFFLINE = new NodeFacts() {
        @Override
        public List<Map<String, Object>> columns(Node node, String database, String table) {
            return List.of();
        }

        @Override
        public Optional<String> definition(String stepId, Node node, String database, String table) {
            return Optional.empty();
        }

        @Override
        public boolean exists(String stepId, Node node, String database, String table) {
            return false;
        }

        @Override
        public String databaseEngine(Node node, String database) {
            return "";
        }

        @Override
        public Map<String, String> definitionsRead(String stepId, Node node) {
            return Map.of();
        }

        @Override
        public Optional<String> stepStarted(String stepId) {
            return Optional.empty();
        }

        @Override
        public Optional<String> stepFinished(String stepId) {
            return Optional.empty();
        }

        @Override
        public long freeDiskBytes(Node node) {
            return 0;
        }

        @Override
        public String serverSetting(Node node, String name, String fallback) {
            return fallback;
        }

        @Override
        public String partitionsWrittenAfter(Node node, String database, String table, Instant moment) {
            return "1";
        }
    };

    /** Columns of a table on that node: name, type, default_kind, default_expression, comment, in order. */
    List<Map<String, Object>> columns(Node node, String database, String table);

    /**
     * The table's or view's CREATE statement as that node's catalog reports it
     * ({@code system.tables.create_table_query}); empty offline. A step that ran keeps seeing what it
     * was rendered from, so drift checks do not depend on what later steps changed.
     */
    Optional<String> definition(String stepId, Node node, String database, String table);

    /**
     * Whether the table is there, kept with the step's attempt as its definition is (absent as an empty
     * one): a step that ran, resumed or checked for drift, sees what it was rendered from. False offline.
     */
    boolean exists(String stepId, Node node, String database, String table);

    /** The database's engine on that node (Atomic, Ordinary, ...); "" offline. */
    String databaseEngine(Node node, String database);

    /** The definitions read for that step and node so far, by {@code database.table}, to keep in the state. */
    Map<String, String> definitionsRead(String stepId, Node node);

    /** When the step first started on any node, as 'YYYY-MM-DD hh:mm:ss' UTC; empty if it has not. */
    Optional<String> stepStarted(String stepId);

    /** When the step last finished on any node, as 'YYYY-MM-DD hh:mm:ss' UTC; empty if it has not. */
    Optional<String> stepFinished(String stepId);

    /** Bytes free on the filesystem of the node's data path (0 offline). */
    long freeDiskBytes(Node node);

    /** A server-level setting of the node (config.xml), {@code fallback} when unset (and offline). */
    String serverSetting(Node node, String name, String fallback);

    /**
     * A WHERE condition keeping the partitions of the table that have a part written on that node after
     * {@code moment} (catalog.PartitionFilter: "0" for none); "1" (every partition) offline.
     */
    String partitionsWrittenAfter(Node node, String database, String table, Instant moment);
}
