package dev.chrunbook.kinds;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.Node;
import dev.chrunbook.SqlQuoting;
import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.apply.ServerCatalog;
import dev.chrunbook.chunks.ChunkPlanner;
import dev.chrunbook.chunks.ChunkSql;
import dev.chrunbook.chunks.ChunkedCopy;
import dev.chrunbook.chunks.Throttle;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseException;
import dev.chrunbook.ddl.DdlException;
import dev.chrunbook.kafka.KafkaAdmin;
import dev.chrunbook.ddl.Fragment;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.runbook.YamlFields;
import dev.chrunbook.state.ChunkState;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.state.Status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code kind: chunked-copy}: copies a table into another on each node chunk by chunk (a partition of
 * the source, or a range of a large one), up to {@code parallel} chunks at once, each verified, with a
 * ledger in the state so that a rerun copies only what is not done. See {@link ChunkedCopy}.
 */
final class ChunkedCopyKind extends BuiltInKind {
    private static final Set<String> KEYS = Set.of("source", "target", "split_by", "max_chunk_rows", "max_chunk_bytes", "parallel",
            "id_column", "ingested_column", "margin", "verify_retries", "max_queue", "max_parts", "max_merges", "timeout",
            "kafka_brokers", "kafka_topic", "main_group", "max_main_lag");
    private static final List<String> NUMBERS = List.of("max_chunk_rows", "max_chunk_bytes", "parallel", "verify_retries", "max_queue",
            "max_parts", "max_merges", "max_main_lag");

    /** The main ingestion's lag is asked for at most this often (a Kafka admin connection each time). */
    private static final Duration LAG_EVERY = Duration.ofSeconds(5);

    /** A measurement kept for a while: what the throttle reads between two real measurements. */
    private static final class Recent<T> implements Supplier<T> {
        private final Supplier<T> measure;
        private final Duration keep;
        private final java.time.Clock clock;
        private T value;
        private java.time.Instant at;

        Recent(Supplier<T> measure, Duration keep, java.time.Clock clock) {
            this.measure = measure;
            this.keep = keep;
            this.clock = clock;
        }

        @Override
        public synchronized T get() {
            java.time.Instant now = clock.instant();
            if (at == null || !now.isBefore(at.plus(keep))) {
                value = measure.get();
                at = now;
            }
            return value;
        }
    }

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
        checkWholeNumbers(step, params, NUMBERS);
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

    /** The ledger when the step ran before (what is not done yet), else the chunks as they would be planned now. */
    @Override
    public List<String> preview(NodeWork work, Services.Probes probes, NodeState state) {
        Map<String, String> p = work.params();
        ChunkSql sql = new ChunkSql("", p.get("source"), p.get("target"), List.of(), p.getOrDefault("split_by", ""), "", "");
        List<String> lines = new ArrayList<>();
        List<ChunkState> ledger = state == null ? List.of() : state.chunks();
        if (!ledger.isEmpty()) {
            long done = ledger.stream().filter(c -> c.phase() == ChunkState.Phase.DONE).count();
            lines.add("ledger: " + done + " of " + ledger.size() + " chunk(s) done; the others:");
            ledger.stream().filter(c -> c.phase() != ChunkState.Phase.DONE).forEach(c -> lines.add("  chunk " + c.index() + ": "
                    + c.label() + ", " + c.plannedRows() + " rows planned, " + c.phase().label() + " (temporary table "
                    + sql.chunkTable(c) + ")"));
            return lines;
        }
        Node node = work.node();
        try (ClickHouseClient client = probes.connector().connect(node.host(), node.httpPort())) {
            ChunkPlanner planner = new ChunkPlanner(new ChunkSql(probes.database(), p.get("source"), p.get("target"), List.of(),
                    p.getOrDefault("split_by", ""), "", ""), new ChunkPlanner.Limits(number(p, "max_chunk_rows", 0),
                    number(p, "max_chunk_bytes", 0), (int) number(p, "parallel", 2)));
            List<ChunkPlanner.Partition> partitions = ChunkPlanner.partitions(client, probes.database(), p.get("source"));
            long maxRows = planner.maxRows(partitions);
            lines.add("chunks as planned now (fixed in the state when it first runs): at most " + maxRows + " rows each, smaller toward the end (small"
                    + " partitions together), " + number(p, "parallel", 2) + " at a time, each copied into temporary table "
                    + p.get("target") + "_chunk_<partition>_<n> and dropped once its partitions are in:");
            Map<String, Integer> ranges = planner.ranges(partitions);
            for (ChunkPlanner.Partition part : partitions) {
                int pieces = ranges.getOrDefault(part.id(), 1);
                lines.add("  partition " + part.id() + ": " + part.rows() + " rows, " + part.bytes() + " bytes"
                        + (pieces > 1 ? ", in " + pieces + " ranges of " + p.get("split_by") : ""));
            }
        } catch (ClickHouseException e) {
            lines.add("chunks: cannot read the partitions of " + p.get("source") + " (" + e.getMessage() + ")");
        }
        return lines;
    }

    /**
     * What was copied, and how it was checked: a change of these is drift. Tuning (parallel, the
     * throttle, chunk sizes once the ledger is planned) may change between runs without a reset.
     */
    @Override
    Map<String, String> drifting(Map<String, String> params) {
        return only(params, List.of("source", "target", "split_by", "id_column", "ingested_column", "margin"));
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
                    services.listener(), services.sender());
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
        ChunkSql sql;
        try (ClickHouseClient client = services.probes().connector().connect(node.host(), node.httpPort())) {
            ServerCatalog.CopiedColumns copied = ServerCatalog.copiedColumns(client, db, p.get("target"), p.get("source"));
            columns = copied.columns();
            if (columns.isEmpty()) {
                throw new ClickHouseException("the target " + db + "." + p.get("target") + " does not exist: create it first"
                        + " (create-staging)", null, false);
            }
            settings = copied.settings(work.step().dropUnknownSettings()
                    ? ServerCatalog.knownSettings(client, work.settings(), work.step().id() + " on " + node.id()) : work.settings());
            sql = new ChunkSql(db, p.get("source"), p.get("target"), columns, p.getOrDefault("split_by", ""),
                    p.getOrDefault("id_column", ""), p.getOrDefault("ingested_column", ""));
            sql = ChunkPlanner.locate(client, sql);
            if (!sql.idColumn().isEmpty()) {
                sql = sql.withIdType(client.selectOne("SELECT type FROM system.columns WHERE database = " + SqlQuoting.literal(db)
                        + " AND table = " + SqlQuoting.literal(p.get("source")) + " AND name = " + SqlQuoting.literal(sql.idColumn())));
            }
        }
        Throttle throttle = new Throttle(services.store().dir().resolve(Throttle.PAUSE_FILE), db, p.get("target"),
                number(p, "max_queue", 0), number(p, "max_parts", 0), number(p, "max_merges", 0), mainLag(p, services));
        return new ChunkedCopy.Spec(work.step(), node, services.store().state().runId(), sql,
                new ChunkPlanner.Limits(number(p, "max_chunk_rows", 0), number(p, "max_chunk_bytes", 0), (int) number(p, "parallel", 2)),
                (int) number(p, "parallel", 2), duration(p.get("margin"), Duration.ZERO), (int) number(p, "verify_retries", 2),
                throttle, duration(p.get("timeout"), Duration.ofMinutes(30)), settings, work.rerun());
    }

    /**
     * The main ingestion's Kafka lag, when the block names its group: a copy that competes with
     * ingestion for the node waits while the group falls behind more than max_main_lag.
     */
    private static Optional<Supplier<Optional<String>>> mainLag(Map<String, String> p, Services services) {
        String group = p.getOrDefault("main_group", "");
        if (group.isBlank() || p.getOrDefault("kafka_brokers", "").isBlank() || p.getOrDefault("kafka_topic", "").isBlank()) {
            return Optional.empty();
        }
        long max = number(p, "max_main_lag", 0);
        Supplier<Optional<String>> measure = () -> {
            try (KafkaAdmin admin = services.probes().admins().apply(p.get("kafka_brokers"))) {
                long lag = admin.lag(group, p.get("kafka_topic")).values().stream().mapToLong(Long::longValue).sum();
                return lag > max ? Optional.of("the main ingestion (group " + group + ") lags " + lag + " > " + max + " messages")
                        : Optional.empty();
            } catch (RuntimeException e) { // the admin client's own errors too: unknown lag holds, as a busy node does
                return Optional.of("the main ingestion's lag is unknown (" + e.getMessage() + ")");
            }
        };
        return Optional.of(new Recent<>(measure, LAG_EVERY, services.store().clock()));
    }


}
