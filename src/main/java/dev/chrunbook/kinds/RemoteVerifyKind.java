package dev.chrunbook.kinds;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.Node;
import dev.chrunbook.SqlQuoting;
import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseException;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.ChunkState;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.state.Status;
import dev.chrunbook.transfer.RemoteSql;
import dev.chrunbook.verify.RowHash;
import dev.chrunbook.verify.SliceSql;
import dev.chrunbook.verify.SliceVerify;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code kind: remote-verify}: after a remote-copy, the source (on the other cluster, through
 * {@code cluster(...)}) against the target, chunk by chunk of the copy's ledger (a team's days, or a
 * piece of a day: at most fetch_limit rows), by distinct id in bounded memory, as slice-verify does
 * on one cluster (see {@link SliceVerify}); the target is read through its Distributed table when the
 * copy wrote through it. Values are compared with {@code values: all} (columns both hold under one
 * type): a copy between clusters writes the source's values, and types often differ between versions.
 */
final class RemoteVerifyKind extends BuiltInKind {
    private static final Set<String> KEYS;

    static {
        Set<String> keys = new HashSet<>(RemoteCopyKind.KEYS);
        keys.addAll(List.of("copy_step", "values", "memory_mib", "ingested_column"));
        KEYS = Set.copyOf(keys);
    }

    RemoteVerifyKind() {
        super("remote", KEYS, List.of("source_cluster", "source_database", "source_table", "target", "team_ids", "start", "end",
                "copy_step"));
    }

    @Override
    public String name() {
        return "remote-verify";
    }

    @Override
    void checkParams(Step step, Map<String, String> params) {
        String where = "step '" + step.id() + "' remote.";
        RemoteCopyKind.teams(params, where);
        RemoteCopyKind.time(params.get("start"), where + "start");
        RemoteCopyKind.time(params.get("end"), where + "end");
        checkWholeNumbers(step, params, List.of("memory_mib"));
        if (!List.of("ids", "all").contains(params.getOrDefault("values", "ids"))) {
            throw ChrunbookException.invalidInput(where + "values: 'ids' (the default: ids only) or 'all', not '" + params.get("values") + "'");
        }
    }

    @Override
    Map<String, String> drifting(Map<String, String> params) {
        return only(params, List.of("source_cluster", "source_database", "source_table", "target", "distributed", "team_column",
                "team_ids", "time_column", "start", "end", "id_column", "copy_step", "values"));
    }

    @Override
    public boolean changesCluster() {
        return false;
    }

    @Override
    public List<String> preview(NodeWork work, Services.Probes probes, NodeState state) {
        Map<String, String> p = work.params();
        java.util.Optional<String> ledger = SliceVerifyKind.ledgerLine(state, "chunk");
        if (ledger.isPresent()) {
            return List.of(ledger.get());
        }
        return List.of("slices: the chunks of step " + p.get("copy_step") + " on this node; each: " + target(p) + " by distinct "
                + p.getOrDefault("id_column", "uuid") + " (in hash pieces within " + memoryMib(p) + " MiB), cluster('" + p.get("source_cluster")
                + "') as a stream (by distinct id only when it differs)" + ("all".equals(p.get("values")) ? ", then the values of both" : ""));
    }

    private static long memoryMib(Map<String, String> p) {
        return number(p, "memory_mib", SliceVerifyKind.MEMORY_MIB);
    }

    /** What the copy wrote to: the Distributed table when it wrote through it, else this shard's target table. */
    private static String target(Map<String, String> p) {
        return RemoteCopyKind.distributed(p) ? p.get("distributed") : p.get("target");
    }

    @Override
    public NodeState apply(NodeWork work, Services services) {
        StateStore store = services.store();
        Map<String, String> p = work.params();
        start(work, store);
        Node node = work.node();
        List<ChunkState> copied = store.node(p.get("copy_step"), node.id()).chunks();
        if (copied.isEmpty() || copied.stream().anyMatch(c -> c.range() == null)) {
            return finish(work, services, store.update(work.step().id(), node.id(), s -> s.finish(Status.FAILED, store.clock().instant(),
                    "step '" + p.get("copy_step") + "' kept no remote-copy ledger on " + node.id() + ": there is nothing to verify by chunk"
                            + " (run it first, on the same nodes)", null)));
        }
        String db = services.database();
        try (ClickHouseClient client = services.probes().connector().connect(node.host(), node.httpPort())) {
            RemoteSql remote = RemoteCopyKind.sql(client, work, db);
            Map<String, String> source = new LinkedHashMap<>();
            client.select("DESCRIBE TABLE " + remote.source()).stream().filter(r -> r.size() < 3 || List.of("", "DEFAULT", "MATERIALIZED")
                    .contains(r.get(2) == null ? "" : r.get(2))).forEach(r -> source.put(r.get(0), r.get(1)));
            Map<String, String> target = RowHash.storedColumns(client, db, p.get("target"));
            RowHash hash = RowHash.of(client, remote.source(), p.getOrDefault("id_column", "uuid"), source, target);
            SliceSql sql = new SliceSql(remote.source(), SqlQuoting.identifier(db) + "." + SqlQuoting.identifier(target(p)), hash,
                    SqlQuoting.identifier(p.getOrDefault("ingested_column", p.getOrDefault("time_column", "timestamp"))), memoryMib(p) * 1024 * 1024);
            List<ChunkState> ledger = SliceVerifyKind.ledger(work, store, () -> {
                List<ChunkState> planned = new ArrayList<>();
                copied.forEach(c -> planned.add(ChunkState.planned(planned.size() + 1, c.partition(), c.range(), c.plannedRows())));
                return planned;
            });
            boolean values = "all".equals(p.get("values"));
            List<SliceVerify.Slice> slices = ledger.stream().map(c -> new SliceVerify.Slice(c, c.label(), remote.where(c.range(), false),
                    remote.where(c.range(), true), false, values)).toList();
            return SliceVerifyKind.verify(this, work, services, client, sql, slices, memoryMib(p),
                    "a chunk of the copy, a change of the source since");
        } catch (ClickHouseException e) {
            return SliceVerifyKind.failed(work, services, e);
        }
    }
}
