package dev.chrunbook.transfer;

import dev.chrunbook.catalog.Catalog;

import dev.chrunbook.apply.NodeContext;

import dev.chrunbook.SqlQuoting;
import dev.chrunbook.chunks.ChunkSql;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.QueryOutcome;
import dev.chrunbook.state.ChunkState;
import dev.chrunbook.state.StatementState;

import java.util.List;
import java.util.Map;

/**
 * One chunk of a copy from another cluster. The chunk's rows go first into a table of its own on
 * each of its sites (a target shard's node; the target's definition without replication), are
 * verified there against the source shard by shard, and are then attached to the target's partition
 * with {@code ATTACH PARTITION ... FROM}, which adds them all or none. Per shard, the site is the
 * node the copy runs on, which reads its own shard's rows; placed through the target's sharding, the
 * sites are every shard's first replica, and one statement on the coordinator reads the chunk once
 * and writes it through a Distributed table over the sites' chunk tables. Before copying, the target's rows of the chunk's range are compared
 * with the source's: equal means an earlier run (or another state) already put them in, and nothing
 * is copied; none means copy; anything else stops the chunk, since copying would double rows.
 */
final class RemoteChunk implements AutoCloseable {
    /** Rows, distinct ids and the sum of the ids' hashes. */
    record Print(long rows, long ids, String sum) {
        static Print of(List<String> row) {
            return new Print(Long.parseLong(row.get(0)), Long.parseLong(row.get(1)), row.get(2));
        }

        @Override
        public String toString() {
            return rows + " rows, " + ids + " ids, fingerprint " + sum;
        }
    }

    /** A chunk's fingerprint per target shard (a shard without rows holds zeros). */
    record Prints(Map<Integer, Print> shards) {
        long rows() {
            return shards.values().stream().mapToLong(Print::rows).sum();
        }

        /** The sum of every shard's id hashes, as ClickHouse sums UInt64 (modulo 2^64). */
        String sum() {
            if (shards.size() == 1) {
                return shards.values().iterator().next().sum();
            }
            long sum = 0;
            for (Print p : shards.values()) {
                sum += Long.parseUnsignedLong(p.sum());
            }
            return Long.toUnsignedString(sum);
        }

        @Override
        public String toString() {
            return shards.size() == 1 ? shards.values().iterator().next().toString() : shards.entrySet().stream()
                    .map(e -> "shard " + e.getKey() + ": " + e.getValue()).collect(java.util.stream.Collectors.joining("; "));
        }
    }

    private static final Print NONE = new Print(0, 0, "0");
    private final RemoteSql sql;
    private final Placement placement;
    private final SiteClients clients;
    private final ChunkSql tables;
    private final String targetDefinition;
    private final NodeContext context;

    /** @param context on the node the copy statements run on (the coordinator, placed through the target's sharding) */
    RemoteChunk(RemoteSql sql, Placement placement, dev.chrunbook.clickhouse.ClickHouseConnector connector, String targetDefinition,
                NodeContext context) {
        this.placement = placement;
        this.clients = new SiteClients(connector, placement, context.node());
        this.sql = sql;
        this.tables = new ChunkSql(sql.targetDatabase(), "", sql.target(), sql.columns(), "", sql.idColumn(), "");
        this.targetDefinition = targetDefinition;
        this.context = placement.distributed() ? context.withSettings(distributedInsert(context.settings())) : context;
    }

    /**
     * The insert through the Distributed chunk table returns once every shard's rows are written
     * (so its end, and a failure, are the copy's), to the first replica of each shard, where the
     * chunk tables are.
     */
    private static Map<String, String> distributedInsert(Map<String, String> settings) {
        Map<String, String> s = new java.util.LinkedHashMap<>(settings);
        s.put("insert_distributed_sync", "1");
        s.put("load_balancing", "in_order");
        s.put("prefer_localhost_replica", "1");
        return s;
    }

    String table(ChunkState c) {
        return sql.target() + "_remote_" + c.index();
    }

    /** The Distributed table over the sites' chunk tables, on the coordinator. */
    private String spread(ChunkState c) {
        return table(c) + "_all";
    }

    private Prints perSite(ClickHouseClient here, SiteClients.Use<Print> f) throws InterruptedException {
        return new Prints(clients.each(here, f));
    }

    /** The source's fingerprint of the chunk per target shard, read once (through the coordinator's client). */
    Prints source(ClickHouseClient client, ChunkState c) {
        Map<Integer, Print> shards = new java.util.TreeMap<>();
        if (!placement.distributed()) {
            shards.put(placement.sites().get(0).shard(), Print.of(client.select(sql.fingerprint(c.range(), null, true)).get(0)));
            return new Prints(shards);
        }
        placement.sites().forEach(s -> shards.put(s.shard(), NONE));
        for (List<String> row : client.select(sql.fingerprintByShard(c.range(), placement.layout().shardOf()))) {
            shards.put(Integer.parseInt(row.get(0)), Print.of(row.subList(1, 4)));
        }
        return new Prints(shards);
    }

    Prints target(ClickHouseClient client, ChunkState c) throws InterruptedException {
        return perSite(client, x -> Print.of(x.select(sql.fingerprint(c.range(), sql.target(), false)).get(0)));
    }

    /** The target's rows of the chunk's range over every site. */
    long targetRows(ClickHouseClient client, ChunkState c) throws InterruptedException {
        return clients.each(client, x -> Long.parseLong(x.selectOne("SELECT count() FROM " + sql.qualified(sql.target())
                + " WHERE " + sql.where(c.range(), false)))).values().stream().mapToLong(Long::longValue).sum();
    }

    Prints copied(ClickHouseClient client, ChunkState c) throws InterruptedException {
        return perSite(client, x -> Print.of(x.select(sql.fingerprint(c.range(), table(c), false)).get(0)));
    }

    String nextQueryId(ChunkState c) {
        return context.queryId(context.step().id() + "-c" + c.index(), c.attempts() + 1, 1);
    }

    /** Copies the chunk into its empty tables (made by {@link #freshTables}) under the query id it was saved with; the outcome of that statement. */
    QueryOutcome copy(ClickHouseClient client, ChunkState sending) throws InterruptedException {
        String copy = sql.copy(sending.range(), placement.distributed() ? spread(sending) : table(sending));
        return context.sender().send(client, context.node(), sending.queryId(), copy, context.settings(),
                        () -> context.listener().statementStarted(context.step(), context.node(), sending.queryId(), copy), o -> { })
                .orElse(new QueryOutcome(QueryOutcome.State.FAILED, 0, 0, 0, "not sent: the run was cancelled by the operator"));
    }

    /**
     * The chunk's empty tables, made afresh: on each site, and (placed through the target's sharding)
     * the Distributed table over them on the coordinator ({@code client}'s node).
     */
    void freshTables(ClickHouseClient client, ChunkState c) {
        try {
            clients.each(client, x -> {
                context.sender().housekeeping(x, tables.drop(table(c)));
                context.sender().housekeeping(x, tables.create(targetDefinition, table(c)));
                return true;
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making the tables of " + c.label(), e);
        }
        if (placement.distributed()) {
            TargetSharding.Layout l = placement.layout();
            context.sender().housekeeping(client, tables.drop(spread(c)));
            context.sender().housekeeping(client, "CREATE TABLE " + sql.qualified(spread(c)) + " AS " + sql.qualified(sql.target()) + " ENGINE = Distributed("
                    + SqlQuoting.literal(l.cluster()) + ", " + SqlQuoting.literal(sql.targetDatabase()) + ", "
                    + SqlQuoting.literal(table(c)) + ", " + l.key() + ")");
        }
    }

    /** What an earlier run's copy statement came to: watched while the node still runs it. */
    QueryOutcome resolve(ClickHouseClient client, ChunkState copying) throws InterruptedException {
        return context.sender().reattach(client, context.node(), copying.queryId(),
                o -> context.listener().statementRunning(context.step(), context.node(), copying.queryId(), o));
    }

    /** Tells the listener (audit, progress) how the chunk's copy ended, with the rows its table holds. */
    void logged(ChunkState sending, QueryOutcome outcome, long rows) {
        boolean ok = outcome.state() == QueryOutcome.State.FINISHED;
        context.listener().statementFinished(context.step(), context.node(), StatementState.sent(sending.index(), sending.queryId(),
                "chunk", sending.started()).finished(ok ? StatementState.Outcome.DONE : StatementState.Outcome.FAILED, rows, rows,
                outcome.durationMs(), context.clock().instant()), context.settings(), ok ? null : outcome.error());
    }

    /**
     * Attaches the partitions of the chunk table to the target, in one ALTER, unless the target holds them already:
     * a partition whose rows of the chunk's range are not in the target is attached, one whose rows
     * all are is skipped (an earlier run attached it before it was stopped). Empty when done, else
     * the partition that holds some of them only. {@code fresh}: this run copied the chunk after it
     * found none of the range's rows in the target, so every partition is attached without a look
     * (the count after the attach checks them all at once).
     */
    java.util.Optional<String> attach(ClickHouseClient client, ChunkState c, boolean fresh) throws InterruptedException {
        for (Map.Entry<Integer, java.util.Optional<String>> e : clients.each(client, x -> attachAt(x, c, fresh)).entrySet()) {
            if (e.getValue().isPresent()) {
                return e.getValue().map(p -> placement.distributed() ? "shard " + e.getKey() + ": " + p : p);
            }
        }
        return java.util.Optional.empty();
    }

    private java.util.Optional<String> attachAt(ClickHouseClient client, ChunkState c, boolean fresh) {
        List<Catalog.Partition> parts = new Catalog(client).partitions(sql.targetDatabase(), table(c));
        List<String> missing = new java.util.ArrayList<>();
        for (Catalog.Partition p : parts) {
            String id = SqlQuoting.literal(p.id());
            long inTarget = fresh ? 0 : Long.parseLong(client.selectOne("SELECT count() FROM " + sql.qualified(sql.target()) + " WHERE "
                    + sql.where(c.range(), false) + " AND _partition_id = " + id));
            if (inTarget == 0) {
                missing.add(p.id());
            } else if (inTarget != p.rows()) {
                return java.util.Optional.of("partition " + p.id() + " of the target holds " + inTarget + " of the chunk's rows there, its"
                        + " table " + p.rows());
            }
        }
        if (!missing.isEmpty()) { // one ALTER, one round trip: a chunk that spans months has a partition per month
            context.sender().housekeeping(client, tables.attach(missing, table(c), sql.target()));
        }
        return java.util.Optional.empty();
    }

    boolean tableExists(ClickHouseClient client, ChunkState c) throws InterruptedException {
        return clients.each(client, x -> new Catalog(x).exists(sql.targetDatabase(), table(c))).values().stream().allMatch(b -> b);
    }

    /** Drops every chunk table of the target left by a run that was interrupted (this state's or another's), on each site; how many. */
    int dropLeftovers(ClickHouseClient client) throws InterruptedException {
        int dropped = placement.sites().stream().anyMatch(s -> s.node().id().equals(context.node().id())) ? 0 : dropLeftoversAt(client);
        return dropped + clients.each(client, this::dropLeftoversAt).values().stream().mapToInt(Integer::intValue).sum();
    }

    private int dropLeftoversAt(ClickHouseClient client) {
        List<String> left = new Catalog(client).tablesStartingWith(sql.targetDatabase(), sql.target() + "_remote_");
        for (String t : left) {
            context.sender().housekeeping(client, tables.drop(t));
        }
        return left.size();
    }

    void drop(ClickHouseClient client, ChunkState c) throws InterruptedException {
        if (placement.distributed()) {
            context.sender().housekeeping(client, tables.drop(spread(c)));
        }
        clients.each(client, x -> {
            context.sender().housekeeping(x, tables.drop(table(c)));
            return true;
        });
    }

    /** {@code use} on the coordinator through a session of the copy's own. */
    <T> T onCoordinator(SiteClients.Use<T> use) throws InterruptedException {
        return clients.coordinator(use);
    }

    @Override
    public void close() {
        clients.close();
    }
}
