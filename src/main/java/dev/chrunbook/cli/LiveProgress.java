package dev.chrunbook.cli;

import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseConnector;
import dev.chrunbook.clickhouse.ClickHouseException;
import dev.chrunbook.SqlQuoting;
import dev.chrunbook.state.RunState;
import dev.chrunbook.state.Status;
import dev.chrunbook.state.StatusReport;
import dev.chrunbook.Node;
import dev.chrunbook.cluster.Topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** For status: asks the nodes of running steps what their statement is doing right now. */
final class LiveProgress {
    private LiveProgress() {
    }

    static StatusReport add(StatusReport report, RunState state, Topology topology, ClickHouseConnector connector) {
        List<StatusReport.StepRow> steps = new ArrayList<>();
        for (StatusReport.StepRow step : report.steps()) {
            List<StatusReport.NodeRow> nodes = new ArrayList<>();
            for (StatusReport.NodeRow n : step.nodes()) {
                String queryId = state.node(step.id(), n.node()).status() == Status.RUNNING ? n.sentQueryId(state, step.id()) : null;
                Optional<Node> node = topology.node(n.node());
                nodes.add(queryId != null && node.isPresent() ? live(n, node.get(), queryId, connector) : n);
            }
            steps.add(new StatusReport.StepRow(step.id(), step.on(), step.status(), nodes));
        }
        return new StatusReport(report.schema(), report.runbook(), report.runId(), steps, report.paused());
    }

    private static StatusReport.NodeRow live(StatusReport.NodeRow row, Node node, String queryId, ClickHouseConnector connector) {
        try (ClickHouseClient client = connector.connect(node.host(), node.httpPort())) {
            List<List<String>> r = client.select("SELECT toUInt64(elapsed * 1000), read_rows, total_rows_approx, written_rows"
                    + " FROM system.processes WHERE query_id = " + SqlQuoting.literal(queryId));
            if (r.isEmpty()) {
                return row;
            }
            List<String> p = r.get(0);
            return row.withLive(new StatusReport.Live(queryId, Long.parseLong(p.get(0)), Long.parseLong(p.get(1)),
                    Long.parseLong(p.get(2)), Long.parseLong(p.get(3))));
        } catch (ClickHouseException e) {
            return row; // status reports what it can; an unreachable node shows its recorded state
        }
    }
}
