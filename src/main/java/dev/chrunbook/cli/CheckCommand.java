package dev.chrunbook.cli;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseConnector;
import dev.chrunbook.exec.NodeWork;
import dev.chrunbook.exec.Sleeper;
import dev.chrunbook.exec.WorkPlanner;
import dev.chrunbook.kafka.GroupCheck;
import dev.chrunbook.kafka.KafkaAdmin;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.runbook.StepKind;
import dev.chrunbook.state.RunState;
import dev.chrunbook.topology.Node;
import dev.chrunbook.topology.Topology;
import dev.chrunbook.verify.AssertChecker;
import dev.chrunbook.verify.NodeHealth;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code chrunbook check}: the preflight, read-only, without touching the state. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Check that the cluster is ready for the runbook, changing nothing: every node reachable (its"
                + " version shown), its replicas healthy, and the runbook's leading check steps (its preflight) pass"
                + " on every node they target.", "Exit 4 with the problems per node when anything is off."})
final class CheckCommand extends RunbookCommand {
    @Option(names = "--step", paramLabel = "ID", description = "Run these check steps instead of the leading ones (repeatable).")
    List<String> steps = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        Workspace ws = workspace();
        Topology topology = ws.topology("check");
        ClickHouseConnector connector = ws.connector("check");
        List<String> problems = new ArrayList<>();
        for (Node node : topology.nodes()) {
            NodeHealth.Result r = new NodeHealth(connector).check(node, ws.runbook.database());
            out().printf("%-22s shard %d, replica %s, ClickHouse %s: %s%n", node.id(), node.shard(), node.replicaName(),
                    r.version(), r.problems().isEmpty() ? "ok" : "PROBLEM");
            r.problems().ifPresent(p -> problems.add(node.id() + ": " + p));
        }
        Optional<RunState> state = ws.state();
        String runId = state.map(RunState::runId).orElseGet(Workspace::newRunId);
        WorkPlanner planner = new WorkPlanner(ws.runbook, topology,
                ws.renderer(runId, ws.facts(connector, () -> state.orElse(null))));
        AssertChecker checker = new AssertChecker(Sleeper.REAL::sleep);
        for (Step step : checkSteps(ws)) {
            for (NodeWork w : planner.render(step, topology.nodesFor(step.on()), false).values()) {
                if (step.kind() == StepKind.KAFKA_GROUPS) {
                    try (KafkaAdmin admin = new KafkaAdmin(w.params().get("brokers"))) {
                        Optional<String> p = GroupCheck.problems(admin, w.params());
                        out().printf("%-22s %s: %s%n", "kafka", step.id(), p.isEmpty() ? "ok" : "PROBLEM");
                        p.ifPresent(text -> problems.add("kafka " + step.id() + ":\n" + text));
                    }
                    continue;
                }
                try (ClickHouseClient client = connector.connect(w.node().host(), w.node().httpPort())) {
                    Optional<String> p = checker.check(client, w.asserts(), Optional.empty(), (a, t) -> { });
                    out().printf("%-22s %s: %s%n", w.node().id(), step.id(), p.isEmpty() ? "ok" : "PROBLEM");
                    p.ifPresent(text -> problems.add(w.node().id() + " " + step.id() + ":\n" + text));
                }
            }
        }
        if (!problems.isEmpty()) {
            problems.forEach(p -> out().println(p.strip()));
            out().flush();
            throw ChrunbookException.verificationFailed(problems.size() + " problem(s) above; nothing was changed. Fix them"
                    + " and check again before running the runbook");
        }
        out().println("ready: every node answers and every check passes");
        return 0;
    }

    private List<Step> checkSteps(Workspace ws) {
        if (!steps.isEmpty()) {
            return steps.stream().map(ws.runbook::step).toList();
        }
        List<Step> leading = new ArrayList<>();
        for (Step s : ws.runbook.steps()) {
            if (s.kind() != StepKind.CHECK && s.kind() != StepKind.KAFKA_GROUPS) {
                break;
            }
            leading.add(s);
        }
        return leading;
    }
}
