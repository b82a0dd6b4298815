package dev.chrunbook.kinds;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.Node;
import dev.chrunbook.SqlQuoting;
import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.chunks.ChunkPlanner;
import dev.chrunbook.chunks.ChunkSql;
import dev.chrunbook.chunks.ChunkedCopy;
import dev.chrunbook.chunks.Throttle;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseException;
import dev.chrunbook.ddl.DdlException;
import dev.chrunbook.ddl.Fragment;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.runbook.YamlFields;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.state.Status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code kind: chunked-copy}: copies a table into another on each node chunk by chunk (a partition of
 * the source, or a range of a large one), up to {@code parallel} chunks at once, each verified, with a
 * ledger in the state so that a rerun copies only what is not done. See {@link ChunkedCopy}.
 */
final class ChunkedCopyKind extends BuiltInKind {
    private static final Set<String> KEYS = Set.of("source", "target", "split_by", "max_chunk_rows", "max_chunk_bytes", "parallel",
            "id_column", "ingested_column", "margin", "verify_retries", "max_queue", "max_parts", "max_merges", "timeout");
    private static final List<String> NUMBERS = List.of("max_chunk_rows", "max_chunk_bytes", "parallel", "verify_retries", "max_queue",
            "max_parts", "max_merges");

    ChunkedCopyKind() {
        super("copy", KEYS, List.of("source", "target"));
    }

    @Override
    public String name() {
        return "chunked-copy";
    }

    @Override
    public Set<String> keys() {
        return Set.of("copy", "drop_unknown_settings");
    }

    @Override
    public Step.Body read(YamlFields s, String id) {
        Step.Body body = super.read(s, id);
        return new Step.Body(null, null, List.of(), Optional.empty(), null, s.optionalBoolean("drop_unknown_settings", false),
                body.paramsBlock(), body.params());
    }

    @Override
    void checkParams(Step step, Map<String, String> params) {
        checkDurations(step, params, List.of("margin", "timeout"));
        for (String key : NUMBERS) {
            String v = params.get(key);
            if (v != null && !v.matches("\\d{1,18}")) {
                throw ChrunbookException.invalidInput("step '" + step.id() + "' copy." + key + ": '" + v + "' is not a whole number");
            }
        }
        String splitBy = params.get("split_by");
        if (splitBy != null && !splitBy.isBlank()) {
            try {
                Fragment.check("step '" + step.id() + "' copy.split_by", splitBy); // an expression that goes into SQL as it is
            } catch (DdlException e) {
                throw ChrunbookException.invalidInput(e.getMessage());
            }
        }
        if ("0".equals(params.get("parallel"))) {
            throw ChrunbookException.invalidInput("step '" + step.id() + "' copy.parallel: at least 1 chunk at a time");
        }
    }

    @Override
    public boolean changesCluster() {
        return true;
    }

    @Override
    public NodeState apply(NodeWork work, Services services) {
        StateStore store = services.store();
        start(work, store);
        Map<String, String> p = work.params();
        try {
            ChunkedCopy copy = new ChunkedCopy(spec(work, services), store, services.probes().connector(), services.sleeper(),
                    services.listener(), services.cancellations());
            ChunkedCopy.Result r = copy.run();
            if (r.complete()) {
                recordDone(store, work, r.rows());
                return finish(work, services, store.update(work.step().id(), work.node().id(),
                        s -> s.finish(Status.DONE, store.clock().instant(), null, r.message())));
            }
            return finish(work, services, store.update(work.step().id(), work.node().id(),
                    s -> s.finish(Status.FAILED, store.clock().instant(), r.message(), null)));
        } catch (ClickHouseException e) {
            return finish(work, services, store.update(work.step().id(), work.node().id(),
                    s -> s.finish(Status.FAILED, store.clock().instant(), "copy of " + p.get("source") + ": " + e.getMessage(), null)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return store.node(work.step().id(), work.node().id());
        }
    }

    private ChunkedCopy.Spec spec(NodeWork work, Services services) {
        Map<String, String> p = work.params();
        String db = services.database();
        Node node = work.node();
        List<String> columns;
        Map<String, String> settings;
        try (ClickHouseClient client = services.probes().connector().connect(node.host(), node.httpPort())) {
            columns = storedColumns(client, db, p.get("target"));
            settings = work.step().dropUnknownSettings() ? known(client, work.settings()) : work.settings();
        }
        ChunkSql sql = new ChunkSql(db, p.get("source"), p.get("target"), columns, p.getOrDefault("split_by", ""),
                p.getOrDefault("id_column", ""), p.getOrDefault("ingested_column", ""));
        Throttle throttle = new Throttle(services.store().dir().resolve(Throttle.PAUSE_FILE), db, p.get("target"),
                number(p, "max_queue", 0), number(p, "max_parts", 0), number(p, "max_merges", 0), Optional.empty());
        return new ChunkedCopy.Spec(work.step(), node, services.store().state().runId(), sql,
                new ChunkPlanner.Limits(number(p, "max_chunk_rows", 0), number(p, "max_chunk_bytes", 0)),
                (int) number(p, "parallel", 2), duration(p.get("margin"), Duration.ZERO), (int) number(p, "verify_retries", 2),
                throttle, duration(p.get("timeout"), Duration.ofMinutes(30)), settings, work.rerun());
    }

    /** The columns a row stores (DEFAULT ones included): what the copy writes; computed ones are computed. */
    private static List<String> storedColumns(ClickHouseClient client, String db, String table) {
        List<String> out = new ArrayList<>();
        for (List<String> r : client.select("SELECT name FROM system.columns WHERE database = " + SqlQuoting.literal(db)
                + " AND table = " + SqlQuoting.literal(table) + " AND default_kind IN ('', 'DEFAULT')")) {
            out.add(SqlQuoting.identifier(r.get(0)));
        }
        if (out.isEmpty()) {
            throw new ClickHouseException("the target " + db + "." + table + " does not exist: create it first (create-staging)", null, false);
        }
        return out;
    }

    /** The settings the node's server knows (drop_unknown_settings). */
    private static Map<String, String> known(ClickHouseClient client, Map<String, String> settings) {
        if (settings.isEmpty()) {
            return settings;
        }
        Set<String> names = new HashSet<>();
        client.select("SELECT name FROM system.settings WHERE name IN (" + String.join(", ",
                settings.keySet().stream().map(SqlQuoting::literal).toList()) + ")").forEach(r -> names.add(r.get(0)));
        Map<String, String> kept = new LinkedHashMap<>();
        settings.forEach((k, v) -> {
            if (names.contains(k)) {
                kept.put(k, v);
            }
        });
        return kept;
    }

    private static long number(Map<String, String> p, String key, long fallback) {
        String v = p.get(key);
        return v == null || v.isBlank() ? fallback : Long.parseLong(v);
    }
}
