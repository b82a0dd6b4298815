package dev.chrunbook.kinds;

import dev.chrunbook.Node;
import dev.chrunbook.SqlQuoting;
import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.chunks.ChunkPlanner;
import dev.chrunbook.chunks.ChunkSql;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseException;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.verify.RowHash;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code kind: replicas-agree}: every replica of the node's shard holds the same rows of a table
 * for the period ingested before a step started (per partition: count and an order-independent
 * fingerprint of the stored values, read as a stream in constant memory), read by chrunbook through
 * its own connection to each replica (no password in SQL). Waits while they differ, up to a timeout:
 * replication may still be fetching; a later look reads again only the partitions that differed.
 */
final class ReplicasAgreeKind extends BuiltInKind {
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    static final Duration POLL = Duration.ofSeconds(2);
    static final ParamBlock BLOCK = ParamBlock.named("replicas").required("table").required("ingested_column")
            .required("before_step_start").duration("margin", "0s").duration("timeout", "2m");

    /** A node's {@code replicas:} block, read once. */
    record Settings(String table, String ingestedColumn, String beforeStepStart, Duration margin, Duration timeout) {
        Settings(ParamBlock.Values v) {
            this(v.text("table"), v.text("ingested_column"), v.text("before_step_start"), v.duration("margin"), v.duration("timeout"));
        }
    }

    /** One replica's digest of the period: rows and fingerprint by partition id. */
    record Digest(Node replica, Map<String, String> partitions) {
        long rows() {
            return partitions.values().stream().mapToLong(v -> Long.parseLong(v.substring(0, v.indexOf('/')))).sum();
        }
    }

    @Override
    public String name() {
        return "replicas-agree";
    }

    ReplicasAgreeKind() {
        super(BLOCK);
    }

    @Override
    public boolean changesCluster() {
        return false;
    }

    @Override
    Outcome run(NodeWork work, Services services) throws InterruptedException {
        StateStore store = services.store();
        Settings p = new Settings(values(work));
        Instant since = store.state().firstStart(p.beforeStepStart()).orElse(null);
        if (since == null) {
            return Outcome.failed("step '" + p.beforeStepStart() + "' has not started: there is no period to compare");
        }
        Instant before = since.minus(p.margin());
        Duration timeout = p.timeout();
        List<Node> replicas = services.topology().nodes().stream().filter(n -> n.shard() == work.node().shard()).toList();
        String problem = "";
        Map<String, String> agreed = new java.util.TreeMap<>();
        Set<String> only = null; // all partitions on the first look, then those that differed
        Map<Node, Reading> readings = new java.util.HashMap<>(); // each replica's catalog read once, not at every look
        for (long i = 0, polls = Math.max(1, timeout.toMillis() / POLL.toMillis()); i < polls; i++) {
            List<Digest> digests = new ArrayList<>();
            for (Node r : replicas) {
                digests.add(digest(services, r, p.table(), p.ingestedColumn(), before, only, readings));
            }
            Set<String> differing = differing(digests);
            for (Map.Entry<String, String> e : digests.get(0).partitions().entrySet()) {
                if (!differing.contains(e.getKey())) {
                    agreed.put(e.getKey(), e.getValue());
                }
            }
            if (differing.isEmpty()) {
                long rows = new Digest(work.node(), agreed).rows();
                return Outcome.done(rows, replicas.size() + " replica(s) of shard " + work.node().shard() + " agree on " + p.table()
                        + ": " + rows + " rows ingested before " + SECONDS.format(before) + ", in " + agreed.size() + " partition(s)");
            }
            problem = describe(digests, differing);
            only = differing;
            services.listener().waiting(work.step(), work.node(), "replicas differ: " + problem.replace('\n', ' '));
            services.sleeper().sleep(POLL);
            if (services.sender().stopping()) {
                return Outcome.cancelled("while the replicas still differed:\n" + problem);
            }
        }
        return Outcome.refused("the replicas of shard " + work.node().shard() + " hold different rows of " + services.database() + "."
                + p.table() + " ingested before " + SECONDS.format(before) + " after waiting "
                + timeout.toSeconds() + " s:\n" + problem + "check the replication queue (system.replication_queue) of the"
                + " replica that differs, then run the step again");
    }

    /** How a replica's table is read: its values' hash, and its partitions' WHERE (from its catalog, read once). */
    record Reading(String qualified, String hash, ChunkSql partitions) {
    }

    /**
     * A replica's rows and fingerprint per partition (of {@code only}, when given), read as a stream:
     * a row's values hashed by value where the server can (see {@link RowHash#valuesHash}).
     */
    private static Digest digest(Services services, Node replica, String table, String ingestedColumn, Instant before, Set<String> only,
                                 Map<Node, Reading> readings) {
        String database = services.database();
        try (ClickHouseClient client = services.probes().connector().connect(replica.host(), replica.httpPort())) {
            Reading reading = readings.get(replica);
            if (reading == null) {
                Map<String, String> stored = RowHash.storedColumns(client, database, table);
                if (stored.isEmpty()) {
                    throw new ClickHouseException("table " + database + "." + table + " does not exist on " + replica.id(), null, false);
                }
                String qualified = SqlQuoting.identifier(database) + "." + SqlQuoting.identifier(table);
                reading = new Reading(qualified, RowHash.valuesHash(client, qualified, stored),
                        ChunkPlanner.locate(client, new ChunkSql(database, table, table, List.of(), "", "", "")));
                readings.put(replica, reading);
            }
            String where = SqlQuoting.identifier(ingestedColumn) + " < toDateTime(" + SqlQuoting.literal(SECONDS.format(before)) + ")";
            if (only != null) {
                where += " AND (" + String.join(" OR ", only.stream().map(reading.partitions()::partitionWhere).toList()) + ")";
            }
            Map<String, String> out = new java.util.TreeMap<>();
            client.table("SELECT _partition_id, count(), toString(sum(" + reading.hash() + ")) FROM " + reading.qualified() + " WHERE "
                    + where + " GROUP BY _partition_id").rows().forEach(r -> out.put(r.get(0), r.get(1) + "/" + r.get(2)));
            if (only != null) {
                only.forEach(id -> out.putIfAbsent(id, "0/0"));
            }
            return new Digest(replica, out);
        }
    }

    /** The partitions whose digest is not the same on every replica (a partition one replica lacks among them). */
    static Set<String> differing(List<Digest> digests) {
        Set<String> all = new java.util.TreeSet<>();
        digests.forEach(d -> all.addAll(d.partitions().keySet()));
        Set<String> out = new java.util.TreeSet<>();
        for (String id : all) {
            if (digests.stream().map(d -> d.partitions().getOrDefault(id, "0/0")).distinct().count() > 1) {
                out.add(id);
            }
        }
        return out;
    }

    private static String describe(List<Digest> digests, Set<String> differing) {
        StringBuilder sb = new StringBuilder();
        for (String id : differing) {
            sb.append("  partition ").append(id).append(":");
            for (Digest d : digests) {
                String v = d.partitions().getOrDefault(id, "0/0");
                sb.append(' ').append(d.replica().id()).append(" (").append(d.replica().replicaName()).append(") ")
                        .append(v, 0, v.indexOf('/')).append(" rows, fingerprint ").append(v.substring(v.indexOf('/') + 1)).append(';');
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
