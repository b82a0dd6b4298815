package dev.chrunbook.render;

import dev.chrunbook.runbook.Runbook;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.Node;
import freemarker.template.TemplateMethodModelEx;
import freemarker.template.TemplateModelException;
import freemarker.template.TemplateNumberModel;
import freemarker.template.TemplateScalarModel;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The data a template sees: the runbook's vars, run_id, cluster, database, the node (shard,
 * replica, host, port, macros), the quoting functions and the fact lookups.
 */
final class TemplateModel {
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private TemplateModel() {
    }

    static Map<String, Object> of(Runbook runbook, String runId, Step step, Node node, NodeFacts facts, boolean pinned,
                                  dev.chrunbook.ClusterForm form) {
        Map<String, Object> m = new LinkedHashMap<>(runbook.vars());
        m.putAll(step.vars());
        m.put("run_id", runId);
        // what the cluster's DDL can do (see ClusterForm): templates ask it instead of the server version
        m.put("cluster_form", Map.of("distributed_ddl", form.distributedDdl(), "replication", form.replication(), "reason", form.reason()));
        m.put("cluster", runbook.cluster());
        m.put("database", runbook.database());
        m.put("runbook", Map.of("name", runbook.name()));
        m.put("step", Map.of("id", step.id()));
        m.put("settings", settingNames(runbook));
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("id", node.id());
        n.put("host", node.host());
        n.put("port", node.httpPort());
        n.put("native_port", node.nativePort());
        n.put("shard", node.shard());
        n.put("replica", node.replicaName());
        n.put("replica_num", node.replicaNum());
        n.put("macros", node.macros());
        m.put("node", n);
        m.put("ident", QuotingFunctions.identFunction());
        m.put("lit", QuotingFunctions.litFunction());
        m.put("sql", QuotingFunctions.sqlFunction());
        m.put("table_columns", columnsFunction(facts, node));
        m.put("database_engine", (TemplateMethodModelEx) args -> {
            if (args.size() != 1) {
                throw new TemplateModelException("database_engine(database) takes one argument");
            }
            return facts.databaseEngine(node, text(args.get(0)));
        });
        new DefinitionFunctions(facts, node, pinned ? step.id() : null).register(m);
        m.put("step_started", stepTimeFunction("step_started", facts::stepStarted));
        m.put("step_finished", stepTimeFunction("step_finished", facts::stepFinished));
        m.put("free_disk_bytes", (TemplateMethodModelEx) args -> {
            if (!args.isEmpty()) {
                throw new TemplateModelException("free_disk_bytes() takes no arguments");
            }
            return facts.freeDiskBytes(node);
        });
        m.put("partitions_written_since", (TemplateMethodModelEx) args -> {
            if (args.size() != 4) {
                throw new TemplateModelException("partitions_written_since(database, table, time, seconds_before) takes four arguments");
            }
            Instant since;
            try {
                since = LocalDateTime.parse(text(args.get(2)), SECONDS).toInstant(ZoneOffset.UTC).minusSeconds(number(args.get(3)).longValue());
            } catch (java.time.format.DateTimeParseException e) {
                throw new TemplateModelException("partitions_written_since: time '" + text(args.get(2))
                        + "' is not 'YYYY-MM-DD hh:mm:ss' (UTC), as step_started and step_finished give it");
            }
            // after one second before: a part written in the same second as `since` counts
            return SqlOutputFormat.INSTANCE.fromMarkup(facts.partitionsWrittenAfter(node, text(args.get(0)), text(args.get(1)), since.minusSeconds(1)));
        });
        m.put("server_setting", (TemplateMethodModelEx) args -> {
            if (args.size() != 2) {
                throw new TemplateModelException("server_setting(name, default) takes two arguments");
            }
            return facts.serverSetting(node, text(args.get(0)), text(args.get(1)));
        });
        return m;
    }

    /** Every setting name the runbook sends anywhere, for preflight checks against system.settings. */
    private static List<String> settingNames(Runbook runbook) {
        TreeSet<String> names = new TreeSet<>(runbook.settings().keySet());
        runbook.steps().forEach(s -> {
            if (!s.dropUnknownSettings()) {
                names.addAll(s.settings().keySet());
            }
        });
        return List.copyOf(names);
    }

    /** {@code table_columns(database, table)}: the table's columns on this node, read from system.columns. */
    private static TemplateMethodModelEx columnsFunction(NodeFacts facts, Node node) {
        return args -> {
            if (args.size() != 2) {
                throw new TemplateModelException("table_columns(database, table) takes two arguments");
            }
            return facts.columns(node, text(args.get(0)), text(args.get(1)));
        };
    }

    /**
     * {@code step_started('copy')} / {@code step_finished('swap')}: when that step first started or last
     * finished, 'YYYY-MM-DD hh:mm:ss' UTC; before that has happened, the current time, or the second
     * argument when given ({@code step_finished('recheck', step_started('dedupe'))}).
     */
    private static TemplateMethodModelEx stepTimeFunction(String name, Function<String, Optional<String>> lookup) {
        return args -> {
            if (args.size() != 1 && args.size() != 2) {
                throw new TemplateModelException(name + "(step_id[, otherwise]) takes one or two arguments");
            }
            Optional<String> at = lookup.apply(text(args.get(0)));
            if (args.size() == 2) {
                return at.orElse(text(args.get(1)));
            }
            return at.orElseGet(() -> LocalDateTime.now(ZoneOffset.UTC).format(SECONDS));
        };
    }

    private static Number number(Object arg) throws TemplateModelException {
        if (arg instanceof TemplateNumberModel n) {
            return n.getAsNumber();
        }
        throw new TemplateModelException("expected a number, got " + arg);
    }

    private static String text(Object arg) throws TemplateModelException {
        if (arg instanceof TemplateScalarModel s) {
            return s.getAsString();
        }
        throw new TemplateModelException("expected text, got " + arg);
    }
}
