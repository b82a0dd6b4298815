package dev.chrunbook.kinds;

import dev.chrunbook.catalog.Catalog;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.Node;
import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseException;
import dev.chrunbook.ddl.DdlException;
import dev.chrunbook.ddl.Fragment;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.ChunkState;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.SourceRange;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.transfer.Cursor;
import dev.chrunbook.transfer.Placement;
import dev.chrunbook.transfer.RemoteCopy;
import dev.chrunbook.transfer.RemoteCursor;
import dev.chrunbook.transfer.RemotePreflight;
import dev.chrunbook.transfer.RemoteSql;
import dev.chrunbook.transfer.TargetSharding;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code kind: remote-copy}: each target shard copies its own rows of some teams' events for a time
 * range from another cluster (declared in the target's remote_servers), chunk by chunk in the
 * source's sort-key order, each chunk checked against the source before and after it is attached.
 * A cursor after each chunk says where the copy stands; see {@link RemoteCopy}.
 */
final class RemoteCopyKind extends BuiltInKind {
    static final ParamBlock BLOCK = ParamBlock.named("remote").required("source_cluster").required("source_database")
            .required("source_table").required("target").text("distributed", "").text("team_column", "team_id").required("team_ids")
            .text("time_column", "timestamp").required("start").required("end").text("id_column", "uuid").whole("fetch_limit", 1_000_000)
            .whole("parallel", 2).whole("retries", 5).duration("retry_pause", "2s").text("cursor", "").text("placement", "per-shard");

    /** A node's {@code remote:} block, read once (remote-verify reads the same keys and some of its own). */
    record Settings(String sourceCluster, String sourceDatabase, String sourceTable, String target, String distributedTable,
                    String teamColumn, String teamIds, String timeColumn, String start, String end, String idColumn, long fetchLimit,
                    int parallel, int retries, Duration retryPause, String cursor, String placement) {
        Settings(ParamBlock.Values v) {
            this(v.text("source_cluster"), v.text("source_database"), v.text("source_table"), v.text("target"), v.text("distributed"),
                    v.text("team_column"), v.text("team_ids"), v.text("time_column"), v.text("start"), v.text("end"), v.text("id_column"),
                    v.whole("fetch_limit"), (int) v.whole("parallel"), (int) v.whole("retries"), v.duration("retry_pause"),
                    v.text("cursor"), v.text("placement"));
        }

        /** Every shard's rows copied from one node, written through the target's Distributed table. */
        boolean distributed() {
            return "distributed".equals(placement);
        }
    }
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    RemoteCopyKind() {
        super(BLOCK);
    }

    @Override
    public String name() {
        return "remote-copy";
    }

    @Override
    public Set<String> keys() {
        return Set.of("remote", "drop_unknown_settings");
    }

    @Override
    public Step.Body read(dev.chrunbook.runbook.YamlFields s, String id) {
        Step.Body body = super.read(s, id);
        return new Step.Body(null, null, List.of(), Optional.empty(), null, s.optionalBoolean("drop_unknown_settings", false),
                body.paramsBlock(), body.params());
    }

    @Override
    void checkParams(Step step, ParamBlock.Values values) {
        check(step, new Settings(values));
    }

    /** What the types alone do not catch; remote-verify checks its block the same way. */
    static void check(Step step, Settings p) {
        String where = "step '" + step.id() + "' remote.";
        teams(p.teamIds(), where);
        LocalDateTime start = time(p.start(), where + "start");
        LocalDateTime end = time(p.end(), where + "end");
        if (!end.isAfter(start)) {
            throw ChrunbookException.invalidInput(where + "end (" + p.end() + ") is not after start (" + p.start()
                    + "): the range is [start, end), so end must come later");
        }
        if (p.fetchLimit() == 0) {
            throw ChrunbookException.invalidInput(where + "fetch_limit: at least 1");
        }
        if (p.parallel() == 0) {
            throw ChrunbookException.invalidInput(where + "parallel: at least 1");
        }
        for (String[] named : new String[][] {{"team_column", p.teamColumn()}, {"time_column", p.timeColumn()}, {"id_column", p.idColumn()},
                {"source_cluster", p.sourceCluster()}, {"source_database", p.sourceDatabase()}, {"source_table", p.sourceTable()},
                {"target", p.target()}, {"distributed", p.distributedTable()}}) {
            String v = named[1];
            if (v != null && !v.isBlank() && !v.matches("[A-Za-z_$][A-Za-z0-9_$.-]*")) {
                throw ChrunbookException.invalidInput(where + named[0] + ": '" + v + "' is not a name (letters, digits, _ . - $)");
            }
        }
        Cursor.parse(p.cursor(), where + "cursor");
        if (!List.of("per-shard", "distributed").contains(p.placement())) {
            throw ChrunbookException.invalidInput(where + "placement: '" + p.placement() + "' is neither per-shard nor distributed");
        }
        boolean oneNode = step.on() == dev.chrunbook.runbook.Target.FIRST_NODE || step.on() == dev.chrunbook.runbook.Target.CLUSTER_ONCE;
        if (p.distributed() && !oneNode) {
            throw ChrunbookException.invalidInput("step '" + step.id() + "': placement: distributed copies every shard's rows from one"
                    + " node, through the Distributed table: set on: first-node (on: " + step.on().yamlName() + " would copy them once per node)");
        }
        if (p.distributed() && p.distributedTable().isBlank()) {
            throw ChrunbookException.invalidInput(where + "distributed: placement: distributed writes through the target's Distributed"
                    + " table: name it");
        }
        if (!p.distributed() && oneNode) {
            throw ChrunbookException.invalidInput("step '" + step.id() + "': placement: per-shard copies each shard's rows on that shard:"
                    + " set on: one-replica-per-shard, or placement: distributed");
        }
        try {
            Fragment.check(where + "team_ids", p.teamIds());
        } catch (DdlException e) {
            throw ChrunbookException.invalidInput(e.getMessage());
        }
    }

    /** The team ids of a block's team_ids: whole numbers, comma-separated. */
    static List<Long> teams(String teamIds, String where) {
        try {
            List<Long> teams = Arrays.stream(teamIds.split(",")).map(String::trim).map(Long::parseLong).toList();
            if (teams.isEmpty()) {
                throw new NumberFormatException("none");
            }
            return teams;
        } catch (NumberFormatException e) {
            throw ChrunbookException.invalidInput(where + "team_ids: '" + teamIds + "' is not a list of whole numbers"
                    + " (for example: 2, 7)");
        }
    }

    static LocalDateTime time(String text, String field) {
        String t = text == null ? "" : text.trim().replace('T', ' ').replaceAll("Z$", "");
        try {
            return t.length() == 10 ? java.time.LocalDate.parse(t).atStartOfDay() : LocalDateTime.parse(t, SECONDS);
        } catch (DateTimeParseException e) {
            throw ChrunbookException.invalidInput(field + ": '" + text + "' is not a time: give yyyy-MM-dd or yyyy-MM-dd HH:mm:ss (UTC)");
        }
    }

    /** What was copied; tuning (fetch_limit once planned, parallel, retries) may change between runs. */
    @Override
    Map<String, String> drifting(Map<String, String> params) {
        return only(params, List.of("source_cluster", "source_database", "source_table", "target", "distributed", "team_column",
                "team_ids", "time_column", "start", "end", "id_column"));
    }

    @Override
    public boolean changesCluster() {
        return true;
    }

    @Override
    public List<String> preview(NodeWork work, Services.Probes probes, NodeState state) {
        Settings p = new Settings(values(work));
        List<String> lines = new ArrayList<>();
        lines.add("source: cluster('" + p.sourceCluster() + "') as the target's remote_servers declares it: its user and password"
                + " stay in the server's config, none is in the SQL, the state or the audit log");
        lines.add("rows: teams " + p.teamIds() + ", " + p.timeColumn() + " in [" + p.start()
                + ", " + p.end() + (p.distributed() ? "), every shard's, read once and written through " + p.distributedTable()
                + " to each shard's first replica" : "), this shard's by the sharding key of "
                + (p.distributedTable().isBlank() ? "(one shard)" : p.distributedTable())));
        List<ChunkState> ledger = state == null ? List.of() : state.chunks();
        if (ledger.isEmpty()) {
            lines.add("chunks of at most " + p.fetchLimit() + " rows (days of a team, a day in pieces when"
                    + " larger) are planned when it runs" + (p.cursor().isBlank() ? "" : ", from cursor " + p.cursor()));
        } else {
            long done = ledger.stream().filter(c -> c.phase() == ChunkState.Phase.DONE).count();
            lines.add("ledger: " + done + " of " + ledger.size() + " chunk(s) done; the others:");
            ledger.stream().filter(c -> c.phase() != ChunkState.Phase.DONE).forEach(c -> lines.add("  chunk " + c.index() + ": "
                    + c.label() + ", " + c.plannedRows() + " rows, " + c.phase().label()));
        }
        return lines;
    }

    @Override
    public Verdict check(NodeWork work, Services.Probes probes) {
        try (ClickHouseClient client = probes.connector().connect(work.node().host(), work.node().httpPort())) {
            Settings p = new Settings(values(work));
            RemoteSql sql = sql(client, work, p, probes.database());
            if (p.distributed()) { // its shards' nodes are matched to the cluster's when it runs, before anything is written
                TargetSharding.layout(client, probes.database(), p.distributedTable(), work.node().id());
            }
            return new Verdict(work.node().id(), RemotePreflight.problems(client, sql));
        } catch (ClickHouseException | ChrunbookException e) {
            return new Verdict(work.node().id(), Optional.of(e.getMessage()));
        }
    }

    @Override
    Outcome run(NodeWork work, Services services) throws InterruptedException {
        StateStore store = services.store();
        Settings p = new Settings(values(work));
        Node node = work.node();
        try {
            RemoteSql sql;
            String definition;
            Map<String, String> settings;
            Placement placement;
            try (ClickHouseClient client = services.probes().connector().connect(node.host(), node.httpPort())) {
                sql = sql(client, work, p, services.database());
                Optional<String> problem = RemotePreflight.problems(client, sql, false);
                if (problem.isPresent()) {
                    return Outcome.refused(problem.get());
                }
                placement = p.distributed() ? placement(client, work, p, services.database(), services.topology()) : Placement.ownShard(node);
                Catalog catalog = new Catalog(client);
                definition = catalog.definition(services.database(), p.target()).orElse(null); // sql(...) refused a missing target
                settings = work.step().dropUnknownSettings()
                        ? catalog.knownSettings(work.settings(), work.step().id() + " on " + node.id()) : work.settings();
            }
            Optional<SourceRange> from = Cursor.parse(p.cursor(), "remote.cursor");
            RemoteCopy.Spec spec = new RemoteCopy.Spec(work.step(), node, store.state().runId(), sql, p.fetchLimit(), p.parallel(),
                    p.retries(), p.retryPause(), settings, from);
            RemoteCopy.Result r = new RemoteCopy(spec, placement, store, services.probes().connector(), services.sleeper(), services.listener(),
                    () -> RemoteCursor.of(store, services.topology(), work.step().id(), from, placement.distributed()), definition, services.sender()).run();
            return r.complete() ? Outcome.done(r.rows(), r.message()) : Outcome.failed(r.message());
        } catch (ClickHouseException | ChrunbookException e) {
            return Outcome.refused("remote copy from " + p.sourceCluster() + ": " + e.getMessage());
        }
    }

    private static Placement placement(ClickHouseClient client, NodeWork work, Settings p, String db, dev.chrunbook.cluster.Topology topology) {
        return Placement.through(TargetSharding.layout(client, db, p.distributedTable(), work.node().id()), topology);
    }

    static RemoteSql sql(ClickHouseClient client, NodeWork work, Settings p, String db) {
        String target = p.target();
        Catalog catalog = new Catalog(client);
        List<String> columns = catalog.writtenColumns(db, target);
        if (columns.isEmpty()) {
            throw ChrunbookException.verificationFailed("the target " + db + "." + target + " does not exist on " + work.node().id()
                    + ": create it first");
        }
        String distributed = p.distributedTable();
        String shardFilter = distributed.isBlank() || p.distributed() ? "" : TargetSharding.filter(client, db, distributed, work.node());
        String partitionKey = catalog.partitionKey(db, target).orElse(null);
        String idColumn = p.idColumn();
        String idType = catalog.columnType(db, target, idColumn).orElse(null);
        String where = "step '" + work.step().id() + "' remote.";
        return new RemoteSql(p.sourceCluster(), p.sourceDatabase(), p.sourceTable(), db, target, columns,
                p.teamColumn(), teams(p.teamIds(), where), p.timeColumn(),
                SECONDS.format(time(p.start(), where + "start")), SECONDS.format(time(p.end(), where + "end")), idColumn,
                idType == null ? "" : idType, partitionKey == null ? "" : partitionKey, shardFilter);
    }
}
