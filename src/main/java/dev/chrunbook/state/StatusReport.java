package dev.chrunbook.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The step x node matrix that {@code status} prints; its JSON form is a stable, documented schema
 * (README, "status --json"): field names only ever get added, never renamed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StatusReport(@JsonProperty("schema") int schema, String runbook, @JsonProperty("run_id") String runId,
                           List<StepRow> steps, Boolean paused) {

    /** Marks the report paused (a PAUSE file in the state dir); null, and absent from the JSON, when not. */
    public StatusReport paused(boolean isPaused) {
        return new StatusReport(schema, runbook, runId, steps, isPaused ? Boolean.TRUE : null);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StepRow(String id, String on, String status, List<NodeRow> nodes) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NodeRow(String node, String status, int attempts, Instant started, Instant finished,
                          @JsonProperty("duration_ms") Long durationMs, @JsonProperty("rows_written") long rowsWritten,
                          String error, String note, @JsonProperty("query_ids") List<String> queryIds, Live live,
                          Integer shard, String replica, Chunks chunks) {

        /** A running node whose statement the server still runs: what system.processes shows now. */
        public NodeRow withLive(Live now) {
            return new NodeRow(node, status, attempts, started, finished, durationMs, rowsWritten, error, note, queryIds, now, shard,
                    replica, chunks);
        }

        /** The statement a running node waits on, if any. */
        public String sentQueryId(RunState state, String step) {
            NodeState n = state.node(step, node);
            return java.util.stream.Stream.concat(
                            n.statements().stream().filter(s -> s.status() == StatementState.Outcome.SENT).map(StatementState::queryId),
                            n.chunks().stream().filter(c -> c.phase() == ChunkState.Phase.COPYING).map(ChunkState::queryId))
                    .findFirst().orElse(null);
        }
    }

    /**
     * A chunked step's ledger in short: chunks (or partitions) done of all, and the rows they hold
     * against the rows planned. Null, and absent from the JSON, for a step without a ledger.
     */
    public record Chunks(int done, int total, long rows, @JsonProperty("planned_rows") long plannedRows) {
        static Chunks of(List<ChunkState> ledger) {
            if (ledger.isEmpty()) {
                return null;
            }
            List<ChunkState> done = ledger.stream().filter(c -> c.phase() == ChunkState.Phase.DONE).toList();
            long rows = ledger.stream().filter(c -> c.phase() == ChunkState.Phase.DONE || c.phase() == ChunkState.Phase.COPIED)
                    .mapToLong(c -> c.rows() == null ? c.plannedRows() : c.rows()).sum();
            return new Chunks(done.size(), ledger.size(), rows, ledger.stream().mapToLong(ChunkState::plannedRows).sum());
        }
    }

    /** Live numbers of a statement still running on its node. */
    public record Live(@JsonProperty("query_id") String queryId, @JsonProperty("elapsed_ms") long elapsedMs,
                       @JsonProperty("rows_read") long rowsRead, @JsonProperty("total_rows_approx") long totalRowsApprox,
                       @JsonProperty("rows_written") long rowsWritten) {
    }

    /**
     * @param steps step id to its target's yaml name, in runbook order
     * @param nodes step id to the node ids it targets (known from the topology, or empty)
     */
    public static StatusReport of(String runbook, RunState state, Map<String, String> steps, Map<String, List<String>> nodes) {
        return of(runbook, state, steps, nodes, Map.of());
    }

    /** @param places where nodes sit (from the topology when status reads it); the state's own record fills in the rest */
    public static StatusReport of(String runbook, RunState state, Map<String, String> steps, Map<String, List<String>> nodes,
                                  Map<String, NodePlace> places) {
        Map<String, NodePlace> where = new java.util.HashMap<>(state == null ? Map.of() : state.nodes());
        where.putAll(places);
        List<StepRow> rows = new ArrayList<>();
        steps.forEach((id, on) -> {
            Map<String, NodeState> recorded = state == null ? Map.of() : state.steps().getOrDefault(id, Map.of());
            Set<String> ids = new LinkedHashSet<>(nodes.getOrDefault(id, List.of()));
            recorded.keySet().stream().sorted().forEach(ids::add);
            List<NodeRow> nodeRows = new ArrayList<>();
            List<Status> statuses = new ArrayList<>();
            for (String n : ids) {
                NodeState s = recorded.getOrDefault(n, NodeState.pending());
                statuses.add(s.status());
                NodePlace at = where.get(n);
                nodeRows.add(new NodeRow(n, s.status().label(), s.attempts(), s.started(), s.finished(), s.durationMs(),
                        s.rowsWritten(), s.error(), s.note(), queryIds(s), null, at == null ? null : at.shard(),
                        at == null ? null : at.replica(), Chunks.of(s.chunks())));
            }
            rows.add(new StepRow(id, on, aggregate(statuses), nodeRows));
        });
        return new StatusReport(1, runbook, state == null ? null : state.runId(), rows, null);
    }

    /** The statements' query ids, then those of a chunked copy's chunks. */
    private static List<String> queryIds(NodeState s) {
        List<String> ids = new ArrayList<>(s.statements().stream().map(StatementState::queryId).toList());
        s.chunks().stream().map(ChunkState::queryId).filter(java.util.Objects::nonNull).forEach(ids::add);
        return ids;
    }

    /** A step's status over its nodes: running or failed on any, else done, skipped, partial or pending. */
    private static String aggregate(List<Status> nodes) {
        if (nodes.isEmpty()) {
            return Status.PENDING.label();
        }
        for (Status first : List.of(Status.RUNNING, Status.FAILED)) {
            if (nodes.contains(first)) {
                return first.label();
            }
        }
        long complete = nodes.stream().filter(Status::complete).count();
        if (complete == nodes.size()) {
            return (nodes.stream().allMatch(n -> n == Status.SKIPPED) ? Status.SKIPPED : Status.DONE).label();
        }
        return complete == 0 ? Status.PENDING.label() : "partial";
    }

    public String toJson() {
        try {
            return StateStore.mapper().writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
