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
import dev.chrunbook.transfer.RemoteSql;
import dev.chrunbook.verify.RowHash;
import dev.chrunbook.verify.SliceSql;
import dev.chrunbook.verify.SliceVerify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code kind: remote-verify}: after a remote-copy, the source (on the other cluster, through
 * {@code cluster(...)}) against the target, chunk by chunk of the copy's ledger (a team's days, or a
 * piece of a day: at most fetch_limit rows), by distinct id in bounded memory, as slice-verify does
 * on one cluster (see {@link SliceVerify}); the target is read through its Distributed table when the
 * copy wrote through it. Values are compared with {@code values: all} (columns both hold under one
 * type): a copy between clusters writes the source's values, and types often differ between versions.
 */
final class RemoteVerifyKind extends BuiltInKind {
    static final ParamBlock BLOCK = RemoteCopyKind.BLOCK.copy().required("copy_step").text("values", "ids").whole("memory_mib", 256)
            .text("ingested_column");

    /** A node's {@code remote:} block, read once: the copy's keys and the verify's own. */
    record Settings(RemoteCopyKind.Settings remote, String copyStep, String values, long memoryMib, String ingestedColumn) {
        Settings(ParamBlock.Values v) {
            this(new RemoteCopyKind.Settings(v), v.text("copy_step"), v.text("values"), v.whole("memory_mib"),
                    v.optional("ingested_column").orElse(v.text("time_column")));
        }

        boolean allValues() {
            return "all".equals(values);
        }

        /** What the copy wrote to: the Distributed table when it wrote through it, else this shard's target table. */
        String target() {
            return remote.distributed() ? remote.distributedTable() : remote.target();
        }
    }

    RemoteVerifyKind() {
        super(BLOCK);
    }

    @Override
    public String name() {
        return "remote-verify";
    }

    @Override
    void checkParams(Step step, ParamBlock.Values values) {
        Settings p = new Settings(values);
        String where = "step '" + step.id() + "' remote.";
        RemoteCopyKind.teams(p.remote().teamIds(), where);
        RemoteCopyKind.time(p.remote().start(), where + "start");
        RemoteCopyKind.time(p.remote().end(), where + "end");
        if (!List.of("ids", "all").contains(p.values())) {
            throw ChrunbookException.invalidInput(where + "values: 'ids' (the default: ids only) or 'all', not '" + p.values() + "'");
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
        Settings p = new Settings(values(work));
        java.util.Optional<String> ledger = SliceVerifyKind.ledgerLine(state, "chunk");
        if (ledger.isPresent()) {
            return List.of(ledger.get());
        }
        return List.of("slices: the chunks of step " + p.copyStep() + " on this node; each: " + p.target() + " by distinct "
                + p.remote().idColumn() + " (in hash pieces within " + p.memoryMib() + " MiB), cluster('" + p.remote().sourceCluster()
                + "') as a stream (by distinct id only when it differs)" + (p.allValues() ? ", then the values of both" : ""));
    }

    @Override
    Outcome run(NodeWork work, Services services) {
        StateStore store = services.store();
        Settings p = new Settings(values(work));
        Node node = work.node();
        List<ChunkState> copied = store.node(p.copyStep(), node.id()).chunks();
        if (copied.isEmpty() || copied.stream().anyMatch(c -> c.range() == null)) {
            return Outcome.failed("step '" + p.copyStep() + "' kept no remote-copy ledger on " + node.id() + ": there is nothing to verify"
                    + " by chunk (run it first, on the same nodes)");
        }
        String db = services.database();
        try (ClickHouseClient client = services.probes().connector().connect(node.host(), node.httpPort())) {
            RemoteSql remote = RemoteCopyKind.sql(client, work, p.remote(), db);
            Map<String, String> source = new LinkedHashMap<>();
            client.select("DESCRIBE TABLE " + remote.source()).stream().filter(r -> r.size() < 3 || List.of("", "DEFAULT", "MATERIALIZED")
                    .contains(r.get(2) == null ? "" : r.get(2))).forEach(r -> source.put(r.get(0), r.get(1)));
            Map<String, String> target = RowHash.storedColumns(client, db, p.remote().target());
            RowHash hash = RowHash.of(client, remote.source(), p.remote().idColumn(), source, target);
            SliceSql sql = new SliceSql(remote.source(), SqlQuoting.identifier(db) + "." + SqlQuoting.identifier(p.target()), hash,
                    SqlQuoting.identifier(p.ingestedColumn()), p.memoryMib() * 1024 * 1024);
            List<ChunkState> ledger = SliceVerifyKind.ledger(work, store, () -> {
                List<ChunkState> planned = new ArrayList<>();
                copied.forEach(c -> planned.add(ChunkState.planned(planned.size() + 1, c.partition(), c.range(), c.plannedRows())));
                return planned;
            });
            List<SliceVerify.Slice> slices = ledger.stream().map(c -> new SliceVerify.Slice(c, c.label(), remote.where(c.range(), false),
                    remote.where(c.range(), true), false, p.allValues())).toList();
            return SliceVerifyKind.verify(work, services, client, sql, slices, p.memoryMib(),
                    "a chunk of the copy, a change of the source since");
        } catch (ClickHouseException e) {
            return SliceVerifyKind.failed(e);
        }
    }
}
