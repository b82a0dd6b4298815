package dev.chrunbook.state;

import dev.chrunbook.ChrunbookException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a state file read from disk must be before anything trusts it: of this runbook, with ids
 * in their grammar (a run_id or query id ends up in SQL and on the terminal), every node with a status.
 */
final class StateCheck {
    static final Pattern RUN_ID = Pattern.compile("\\d{8}_\\d{6}_[0-9a-f]{4}");
    private static final Pattern STEP_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._\\-\\[\\]:]{1,255}");
    private static final Pattern PARTITION_ID = Pattern.compile("[A-Za-z0-9_-]{1,200}");
    private static final Pattern QUERY_ID = Pattern.compile("chrunbook-[A-Za-z0-9_-]{1,300}");
    private static final Pattern CHECKSUM = Pattern.compile("[0-9a-f]{1,128}");

    private StateCheck() {
    }

    /** The first thing wrong with the state, if any. */
    static Optional<String> problem(RunState s) {
        if (s == null) {
            return Optional.of("it holds no state (null)");
        }
        if (s.runbook() == null || s.runbook().isBlank()) {
            return Optional.of("it names no runbook");
        }
        if (s.runId() == null || !RUN_ID.matcher(s.runId()).matches()) {
            return Optional.of("its run_id " + ChrunbookException.shown(s.runId()) + " is not like 20261122_051655_d6ea");
        }
        for (Map.Entry<String, Map<String, NodeState>> step : s.steps().entrySet()) {
            if (!STEP_ID.matcher(step.getKey()).matches()) {
                return Optional.of("step id " + ChrunbookException.shown(step.getKey()) + " is not a step id");
            }
            for (Map.Entry<String, NodeState> node : step.getValue().entrySet()) {
                String where = "step '" + step.getKey() + "' node " + ChrunbookException.shown(node.getKey());
                if (!NODE_ID.matcher(node.getKey()).matches()) {
                    return Optional.of(where + " is not a node id (host:port)");
                }
                NodeState n = node.getValue();
                if (n == null || n.status() == null) {
                    return Optional.of(where + " has no status");
                }
                for (StatementState st : n.statements()) {
                    if (st == null || st.queryId() == null || !QUERY_ID.matcher(st.queryId()).matches() || st.index() < 1
                            || st.checksum() == null || !CHECKSUM.matcher(st.checksum()).matches()) {
                        return Optional.of(where + " has a statement whose index, query id or checksum is malformed");
                    }
                }
                for (ChunkState c : n.chunks()) {
                    // a chunk's partition id and query id end up in SQL
                    if (c == null || c.phase() == null || c.partition() == null
                            || !c.partitions().stream().allMatch(id -> id != null && PARTITION_ID.matcher(id).matches())
                            || (c.queryId() != null && !QUERY_ID.matcher(c.queryId()).matches())) {
                        return Optional.of(where + " has a chunk whose partition, phase or query id is malformed");
                    }
                }
            }
        }
        return Optional.empty();
    }
}
