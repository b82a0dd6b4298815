package dev.chrunbook.kinds;

import dev.chrunbook.Node;
import dev.chrunbook.SqlQuoting;
import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.apply.ServerCatalog;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseException;
import dev.chrunbook.clickhouse.Table;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.state.Status;

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
 * for the period ingested before a step started (count and an order-independent fingerprint of
 * the stored columns), read by chrunbook through its own connection to each replica (no password
 * in SQL). Waits while they differ, up to a timeout: replication may still be fetching.
 */
final class ReplicasAgreeKind extends BuiltInKind {
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    static final Duration POLL = Duration.ofSeconds(2);
    private static final Set<String> KEYS = Set.of("table", "ingested_column", "before_step_start", "margin", "timeout");

    /** One replica's digest of the period. */
    record Digest(Node replica, long rows, String fingerprint) {
    }

    @Override
    public String name() {
        return "replicas-agree";
    }

    ReplicasAgreeKind() {
        super("replicas", KEYS, List.of("table", "ingested_column", "before_step_start"));
    }

    @Override
    void checkParams(Step step, Map<String, String> params) {
        checkDurations(step, params, List.of("margin", "timeout"));
    }

    @Override
    public boolean changesCluster() {
        return false;
    }

    @Override
    public NodeState apply(NodeWork work, Services services) {
        StateStore store = services.store();
        String step = work.step().id();
        String node = work.node().id();
        Map<String, String> p = work.params();
        start(work, store);
        Instant since = store.state().firstStart(p.get("before_step_start")).orElse(null);
        if (since == null) {
            return finish(work, services, store.update(step, node, s -> s.finish(Status.FAILED, store.clock().instant(),
                    "step '" + p.get("before_step_start") + "' has not started: there is no period to compare", null)));
        }
        Instant before = since.minus(duration(p.get("margin"), Duration.ZERO));
        Duration timeout = duration(p.get("timeout"), Duration.ofMinutes(2));
        List<Node> replicas = services.topology().nodes().stream().filter(n -> n.shard() == work.node().shard()).toList();
        try {
            String problem = "";
            for (long i = 0, polls = Math.max(1, timeout.toMillis() / POLL.toMillis()); i < polls; i++) {
                List<Digest> digests = new ArrayList<>();
                for (Node r : replicas) {
                    digests.add(digest(services, r, p.get("table"), p.get("ingested_column"), before));
                }
                if (digests.stream().map(d -> d.rows() + "/" + d.fingerprint()).distinct().count() == 1) {
                    recordDone(store, work, digests.get(0).rows());
                    String note = replicas.size() + " replica(s) of shard " + work.node().shard() + " agree on " + p.get("table")
                            + ": " + digests.get(0).rows() + " rows ingested before " + SECONDS.format(before);
                    return finish(work, services, store.update(step, node, s -> s.finish(Status.DONE, store.clock().instant(), null, note)));
                }
                problem = describe(digests);
                services.listener().waiting(work.step(), work.node(), "replicas differ: " + problem.replace('\n', ' '));
                services.sleeper().sleep(POLL);
            }
            String failed = "the replicas of shard " + work.node().shard() + " hold different rows of " + services.database() + "."
                    + p.get("table") + " ingested before " + SECONDS.format(before) + " after waiting "
                    + timeout.toSeconds() + " s:\n" + problem + "check the replication queue (system.replication_queue) of the"
                    + " replica that differs, then run the step again";
            return finish(work, services, store.update(step, node, s -> s.failVerification(store.clock().instant(), failed)));
        } catch (ClickHouseException e) {
            String error = e.getMessage();
            return finish(work, services, store.update(step, node, s -> s.finish(Status.FAILED, store.clock().instant(), error, null)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return store.node(step, node);
        }
    }

    private static Digest digest(Services services, Node replica, String table, String ingestedColumn, Instant before) {
        String database = services.database();
        try (ClickHouseClient client = services.probes().connector().connect(replica.host(), replica.httpPort())) {
            List<String> stored = ServerCatalog.storedColumns(client, database, table);
            if (stored.isEmpty()) {
                throw new ClickHouseException("table " + database + "." + table + " does not exist on " + replica.id(), null, false);
            }
            // a row's text as the server prints it: every type has one (a UUID is no cityHash64 argument on 18.16)
            Table t = client.table("SELECT count(), toString(sum(cityHash64(toString(tuple(" + String.join(", ", stored) + "))))) FROM "
                    + SqlQuoting.identifier(database) + "." + SqlQuoting.identifier(table) + " WHERE "
                    + SqlQuoting.identifier(ingestedColumn) + " < toDateTime(" + SqlQuoting.literal(SECONDS.format(before)) + ")");
            return new Digest(replica, Long.parseLong(t.rows().get(0).get(0)), t.rows().get(0).get(1));
        }
    }

    private static String describe(List<Digest> digests) {
        StringBuilder sb = new StringBuilder();
        for (Digest d : digests) {
            sb.append("  ").append(d.replica().id()).append(" (").append(d.replica().replicaName()).append("): ")
                    .append(d.rows()).append(" rows, fingerprint ").append(d.fingerprint()).append('\n');
        }
        return sb.toString();
    }
}
