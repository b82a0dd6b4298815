package dev.chrunbook.kinds;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.Node;
import dev.chrunbook.SqlQuoting;
import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.apply.ServerCatalog;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseException;
import dev.chrunbook.ddl.DdlException;
import dev.chrunbook.ddl.Fragment;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.ChunkState;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.SourceRange;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.state.Status;
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
    static final Set<String> KEYS = Set.of("source_cluster", "source_database", "source_table", "target", "distributed",
            "team_column", "team_ids", "time_column", "start", "end", "id_column", "fetch_limit", "parallel", "retries",
            "retry_pause", "cursor", "placement");
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    RemoteCopyKind() {
        super("remote", KEYS, List.of("source_cluster", "source_database", "source_table", "target", "team_ids", "start", "end"));
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
    void checkParams(Step step, Map<String, String> p) {
        String where = "step '" + step.id() + "' remote.";
        checkWholeNumbers(step, p, List.of("fetch_limit", "parallel", "retries"));
        checkDurations(step, p, List.of("retry_pause"));
        teams(p, where);
        LocalDateTime start = time(p.get("start"), where + "start");
        LocalDateTime end = time(p.get("end"), where + "end");
        if (!end.isAfter(start)) {
            throw ChrunbookException.invalidInput(where + "end (" + p.get("end") + ") is not after start (" + p.get("start")
                    + "): the range is [start, end), so end must come later");
        }
        for (String key : List.of("fetch_limit", "parallel")) {
            if ("0".equals(p.get(key))) {
                throw ChrunbookException.invalidInput(where + key + ": at least 1");
            }
        }
        for (String key : List.of("team_column", "time_column", "id_column", "source_cluster", "source_database", "source_table",
                "target", "distributed")) {
            String v = p.get(key);
            if (v != null && !v.isBlank() && !v.matches("[A-Za-z_$][A-Za-z0-9_$.-]*")) {
                throw ChrunbookException.invalidInput(where + key + ": '" + v + "' is not a name (letters, digits, _ . - $)");
            }
        }
        Cursor.parse(p.get("cursor"), where + "cursor");
        String placement = p.getOrDefault("placement", "per-shard");
        if (!List.of("per-shard", "distributed").contains(placement)) {
            throw ChrunbookException.invalidInput(where + "placement: '" + placement + "' is neither per-shard nor distributed");
        }
        boolean oneNode = step.on() == dev.chrunbook.runbook.Target.FIRST_NODE || step.on() == dev.chrunbook.runbook.Target.CLUSTER_ONCE;
        if (distributed(p) && !oneNode) {
            throw ChrunbookException.invalidInput("step '" + step.id() + "': placement: distributed copies every shard's rows from one"
                    + " node, through the Distributed table: set on: first-node (on: " + step.on().yamlName() + " would copy them once per node)");
        }
        if (distributed(p) && p.getOrDefault("distributed", "").isBlank()) {
            throw ChrunbookException.invalidInput(where + "distributed: placement: distributed writes through the target's Distributed"
                    + " table: name it");
        }
        if (!distributed(p) && oneNode) {
            throw ChrunbookException.invalidInput("step '" + step.id() + "': placement: per-shard copies each shard's rows on that shard:"
                    + " set on: one-replica-per-shard, or placement: distributed");
        }
        try {
            Fragment.check(where + "team_ids", p.get("team_ids"));
        } catch (DdlException e) {
            throw ChrunbookException.invalidInput(e.getMessage());
        }
    }

    static boolean distributed(Map<String, String> p) {
        return "distributed".equals(p.get("placement"));
    }

    static List<Long> teams(Map<String, String> p, String where) {
        try {
            List<Long> teams = Arrays.stream(p.get("team_ids").split(",")).map(String::trim).map(Long::parseLong).toList();
            if (teams.isEmpty()) {
                throw new NumberFormatException("none");
            }
            return teams;
        } catch (NumberFormatException e) {
            throw ChrunbookException.invalidInput(where + "team_ids: '" + p.get("team_ids") + "' is not a list of whole numbers"
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
        Map<String, String> p = work.params();
        List<String> lines = new ArrayList<>();
        lines.add("source: cluster('" + p.get("source_cluster") + "') as the target's remote_servers declares it: its user and password"
                + " stay in the server's config, none is in the SQL, the state or the audit log");
        lines.add("rows: teams " + p.get("team_ids") + ", " + p.getOrDefault("time_column", "timestamp") + " in [" + p.get("start")
                + ", " + p.get("end") + (distributed(p) ? "), every shard's, read once and written through " + p.get("distributed")
                + " to each shard's first replica" : "), this shard's by the sharding key of " + p.getOrDefault("distributed", "(one shard)")));
        List<ChunkState> ledger = state == null ? List.of() : state.chunks();
        if (ledger.isEmpty()) {
            lines.add("chunks of at most " + p.getOrDefault("fetch_limit", "1000000") + " rows (days of a team, a day in pieces when"
                    + " larger) are planned when it runs" + (p.getOrDefault("cursor", "").isBlank() ? "" : ", from cursor " + p.get("cursor")));
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
            RemoteSql sql = sql(client, work, probes.database());
            if (distributed(work.params())) { // its shards' nodes are matched to the cluster's when it runs, before anything is written
                TargetSharding.layout(client, probes.database(), work.params().get("distributed"), work.node().id());
            }
            return new Verdict(work.node().id(), RemotePreflight.problems(client, sql, work.params()));
        } catch (ClickHouseException | ChrunbookException e) {
            return new Verdict(work.node().id(), Optional.of(e.getMessage()));
        }
    }

    @Override
    public NodeState apply(NodeWork work, Services services) {
        StateStore store = services.store();
        start(work, store);
        Map<String, String> p = work.params();
        Node node = work.node();
        try {
            RemoteSql sql;
            String definition;
            Map<String, String> settings;
            Placement placement;
            try (ClickHouseClient client = services.probes().connector().connect(node.host(), node.httpPort())) {
                sql = sql(client, work, services.database());
                Optional<String> problem = RemotePreflight.problems(client, sql, p, false);
                if (problem.isPresent()) {
                    return finish(work, services, store.update(work.step().id(), node.id(),
                            s -> s.failVerification(store.clock().instant(), problem.get())));
                }
                placement = distributed(p) ? placement(client, work, services.database(), services.topology()) : Placement.ownShard(node);
                definition = client.selectOne("SELECT create_table_query FROM system.tables WHERE database = "
                        + SqlQuoting.literal(services.database()) + " AND name = " + SqlQuoting.literal(p.get("target")));
                settings = work.step().dropUnknownSettings()
                        ? ServerCatalog.knownSettings(client, work.settings(), work.step().id() + " on " + node.id()) : work.settings();
            }
            Optional<SourceRange> from = Cursor.parse(p.get("cursor"), "remote.cursor");
            RemoteCopy.Spec spec = new RemoteCopy.Spec(work.step(), node, store.state().runId(), sql, number(p, "fetch_limit", 1_000_000),
                    (int) number(p, "parallel", 2), (int) number(p, "retries", 5), duration(p.get("retry_pause"), Duration.ofSeconds(2)),
                    settings, from);
            RemoteCopy.Result r = new RemoteCopy(spec, placement, store, services.probes().connector(), services.sleeper(), services.listener(),
                    () -> RemoteCursor.of(store, services.topology(), work.step().id(), from, placement.distributed()), definition, services.sender()).run();
            if (r.complete()) {
                recordDone(store, work, r.rows());
                return finish(work, services, store.update(work.step().id(), node.id(),
                        s -> s.finish(Status.DONE, store.clock().instant(), null, r.message())));
            }
            return finish(work, services, store.update(work.step().id(), node.id(),
                    s -> s.finish(Status.FAILED, store.clock().instant(), r.message(), null)));
        } catch (ClickHouseException | ChrunbookException e) {
            return finish(work, services, store.update(work.step().id(), node.id(),
                    s -> s.failVerification(store.clock().instant(), "remote copy from " + p.get("source_cluster") + ": " + e.getMessage())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return store.node(work.step().id(), node.id());
        }
    }

    private static Placement placement(ClickHouseClient client, NodeWork work, String db, dev.chrunbook.cluster.Topology topology) {
        return Placement.through(TargetSharding.layout(client, db, work.params().get("distributed"), work.node().id()), topology);
    }

    static RemoteSql sql(ClickHouseClient client, NodeWork work, String db) {
        Map<String, String> p = work.params();
        String target = p.get("target");
        List<String> columns = ServerCatalog.storedColumns(client, db, target);
        if (columns.isEmpty()) {
            throw ChrunbookException.verificationFailed("the target " + db + "." + target + " does not exist on " + work.node().id()
                    + ": create it first");
        }
        String distributed = p.getOrDefault("distributed", "");
        String shardFilter = distributed.isBlank() || distributed(p) ? "" : TargetSharding.filter(client, db, distributed, work.node());
        String partitionKey = client.selectOne("SELECT partition_key FROM system.tables WHERE database = " + SqlQuoting.literal(db)
                + " AND name = " + SqlQuoting.literal(target));
        String idColumn = p.getOrDefault("id_column", "uuid");
        String idType = client.selectOne("SELECT type FROM system.columns WHERE database = " + SqlQuoting.literal(db)
                + " AND table = " + SqlQuoting.literal(target) + " AND name = " + SqlQuoting.literal(idColumn));
        String where = "step '" + work.step().id() + "' remote.";
        return new RemoteSql(p.get("source_cluster"), p.get("source_database"), p.get("source_table"), db, target, columns,
                p.getOrDefault("team_column", "team_id"), teams(p, where), p.getOrDefault("time_column", "timestamp"),
                SECONDS.format(time(p.get("start"), where + "start")), SECONDS.format(time(p.get("end"), where + "end")), idColumn,
                idType == null ? "" : idType, partitionKey == null ? "" : partitionKey, shardFilter);
    }
}
