package dev.chrunbook.kinds;

import dev.chrunbook.catalog.Catalog;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.Node;
import dev.chrunbook.apply.NodeWork;
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
    static final ParamBlock BLOCK = ParamBlock.named("copy").required("source").required("target").text("split_by", "")
            .whole("max_chunk_rows", 0).whole("max_chunk_bytes", 0).whole("parallel", 2).text("id_column", "")
            .text("ingested_column", "").duration("margin", "0s").whole("verify_retries", 2).whole("max_queue", 0)
            .whole("max_parts", 0).whole("max_merges", 0).duration("timeout", "30m").text("kafka_brokers", "")
            .text("kafka_topic", "").text("main_group", "").whole("max_main_lag", 0);

    /** A node's {@code copy:} block, read once. */
    record Settings(String source, String target, String splitBy, ChunkPlanner.Limits limits, int parallel, String idColumn,
                    String ingestedColumn, Duration margin, int verifyRetries, long maxQueue, long maxParts, long maxMerges,
                    Duration throttleTimeout, String kafkaBrokers, String kafkaTopic, String mainGroup, long maxMainLag) {
        Settings(ParamBlock.Values v) {
            this(v.text("source"), v.text("target"), v.text("split_by"), new ChunkPlanner.Limits(v.whole("max_chunk_rows"),
                            v.whole("max_chunk_bytes"), (int) v.whole("parallel")), (int) v.whole("parallel"), v.text("id_column"),
                    v.text("ingested_column"), v.duration("margin"), (int) v.whole("verify_retries"), v.whole("max_queue"),
                    v.whole("max_parts"), v.whole("max_merges"), v.duration("timeout"), v.text("kafka_brokers"), v.text("kafka_topic"),
                    v.text("main_group"), v.whole("max_main_lag"));
        }
    }

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
        super(BLOCK);
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
    void checkParams(Step step, ParamBlock.Values values) {
        Settings p = new Settings(values);
        String splitBy = p.splitBy();
        if (!splitBy.isBlank()) {
            try {
                Fragment.check("step '" + step.id() + "' copy.split_by", splitBy); // an expression that goes into SQL as it is
            } catch (DdlException e) {
                throw ChrunbookException.invalidInput(e.getMessage());
            }
        }
        if (p.parallel() == 0) {
            throw ChrunbookException.invalidInput("step '" + step.id() + "' copy.parallel: at least 1 chunk at a time");
        }
    }

    /** The ledger when the step ran before (what is not done yet), else the chunks as they would be planned now. */
    @Override
    public List<String> preview(NodeWork work, Services.Probes probes, NodeState state) {
        Settings p = new Settings(values(work));
        ChunkSql sql = new ChunkSql("", p.source(), p.target(), List.of(), p.splitBy(), "", "");
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
            ChunkPlanner planner = new ChunkPlanner(new ChunkSql(probes.database(), p.source(), p.target(), List.of(),
                    p.splitBy(), "", ""), p.limits());
            List<Catalog.Partition> partitions = new Catalog(client).partitions(probes.database(), p.source());
            long maxRows = planner.maxRows(partitions);
            lines.add("chunks as planned now (fixed in the state when it first runs): at most " + maxRows + " rows each, smaller toward the end (small"
                    + " partitions together), " + p.parallel() + " at a time, each copied into temporary table "
                    + p.target() + "_chunk_<partition>_<n> and dropped once its partitions are in:");
            Map<String, Integer> ranges = planner.ranges(partitions);
            for (Catalog.Partition part : partitions) {
                int pieces = ranges.getOrDefault(part.id(), 1);
                lines.add("  partition " + part.id() + ": " + part.rows() + " rows, " + part.bytes() + " bytes"
                        + (pieces > 1 ? ", in " + pieces + " ranges of " + p.splitBy() : ""));
            }
        } catch (ClickHouseException e) {
            lines.add("chunks: cannot read the partitions of " + p.source() + " (" + e.getMessage() + ")");
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
    public Optional<Bulk> bulk(NodeWork work) {
        return Optional.of(new Bulk(new Settings(values(work)).source(), true));
    }

    @Override
    public boolean bulky() {
        return true;
    }

    @Override
    Outcome run(NodeWork work, Services services) throws InterruptedException {
        Settings p = new Settings(values(work));
        try {
            ChunkedCopy.Result r = new ChunkedCopy(spec(work, p, services), services.store(), services.probes().connector(),
                    services.sleeper(), services.listener(), services.sender()).run();
            return r.complete() ? Outcome.done(r.rows(), r.message()) : Outcome.failed(r.message());
        } catch (ClickHouseException e) {
            return Outcome.failed("copy of " + p.source() + ": " + e.getMessage());
        }
    }

    private ChunkedCopy.Spec spec(NodeWork work, Settings p, Services services) {
        String db = services.database();
        Node node = work.node();
        List<String> columns;
        Map<String, String> settings;
        ChunkSql sql;
        String definition;
        try (ClickHouseClient client = services.probes().connector().connect(node.host(), node.httpPort())) {
            Catalog catalog = new Catalog(client);
            definition = catalog.definition(db, p.target()).orElseThrow(() -> new ClickHouseException("the target " + db + "."
                    + p.target() + " does not exist on " + node.id() + ": create it first (create-staging)", null, false));
            Catalog.CopiedColumns copied = catalog.copiedColumns(db, p.target(), p.source());
            columns = copied.columns();
            settings = copied.settings(work.step().dropUnknownSettings()
                    ? catalog.knownSettings(work.settings(), work.step().id() + " on " + node.id()) : work.settings());
            sql = new ChunkSql(db, p.source(), p.target(), columns, p.splitBy(), p.idColumn(), p.ingestedColumn());
            sql = ChunkPlanner.locate(client, sql);
            if (!sql.idColumn().isEmpty()) {
                sql = sql.withIdType(catalog.columnType(db, p.source(), sql.idColumn()).orElse(null));
            }
        }
        Throttle throttle = new Throttle(services.store().dir().resolve(Throttle.PAUSE_FILE), db, p.target(),
                p.maxQueue(), p.maxParts(), p.maxMerges(), mainLag(p, services));
        return new ChunkedCopy.Spec(work.step(), node, services.store().state().runId(), sql, definition, p.limits(), p.parallel(), p.margin(),
                p.verifyRetries(), throttle, p.throttleTimeout(), settings, work.rerun());
    }

    /**
     * The main ingestion's Kafka lag, when the block names its group: a copy that competes with
     * ingestion for the node waits while the group falls behind more than max_main_lag.
     */
    private static Optional<Supplier<Optional<String>>> mainLag(Settings p, Services services) {
        String group = p.mainGroup();
        if (group.isBlank() || p.kafkaBrokers().isBlank() || p.kafkaTopic().isBlank()) {
            return Optional.empty();
        }
        long max = p.maxMainLag();
        Supplier<Optional<String>> measure = () -> {
            try (KafkaAdmin admin = services.probes().admins().apply(p.kafkaBrokers())) {
                long lag = admin.lag(group, p.kafkaTopic()).values().stream().mapToLong(Long::longValue).sum();
                return lag > max ? Optional.of("the main ingestion (group " + group + ") lags " + lag + " > " + max + " messages")
                        : Optional.empty();
            } catch (RuntimeException e) { // the admin client's own errors too: unknown lag holds, as a busy node does
                return Optional.of("the main ingestion's lag is unknown (" + e.getMessage() + ")");
            }
        };
        return Optional.of(new Recent<>(measure, LAG_EVERY, services.store().clock()));
    }


}
