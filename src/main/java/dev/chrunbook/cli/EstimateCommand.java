package dev.chrunbook.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrunbook.ExitCode;
import dev.chrunbook.Node;
import dev.chrunbook.kinds.StepKind;
import dev.chrunbook.plan.Estimator;
import dev.chrunbook.plan.PlanRenderings;
import dev.chrunbook.plan.WorkPlanner;
import dev.chrunbook.runbook.Step;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code chrunbook estimate}: what the copy and dedupe steps will take, read-only (a sample copy into a temporary table at most). */
@Command(name = "estimate", mixinStandardHelpOptions = true,
        description = {"Estimate, per shard and step, rows, bytes, the disk a step needs and how long the copy takes, from rates"
                + " measured on this cluster (an earlier run's audit log, else a bounded sample copy into a temporary table,"
                + " dropped afterwards). Refuses (exit 4) when the Kafka topic's retention is shorter than the estimated copy."})
final class EstimateCommand extends RunbookCommand {
    @Option(names = "--json", description = "Print the estimate as JSON.")
    boolean json;

    @Option(names = "--sample-rows", paramLabel = "N", description = "Rows of the sample copy when no earlier run measured a rate (default 200000).")
    long sampleRows = 200_000;

    @Override
    public Integer call() throws Exception {
        Workspace ws = workspace();
        WorkPlanner planner = ws.planner("estimate", ws.runIdOrNew(), () -> ws.state().orElse(null));
        PlanRenderings renderings = new PlanRenderings(planner);
        List<Estimator.Sized> work = new ArrayList<>();
        for (Step step : ws.runbook.steps()) {
            StepKind kind = ws.kinds.of(step);
            if (kind.bulky()) {
                List<Node> nodes = planner.nodes(step, List.of(), Optional.empty());
                renderings.render(step, nodes, false).ifPresent(r -> r.values()
                        .forEach(w -> kind.bulk(w).ifPresent(b -> work.add(new Estimator.Sized(w, b)))));
            }
        }
        Object brokers = ws.runbook.vars().get("kafka_brokers");
        Object topic = ws.runbook.vars().get("kafka_topic");
        Estimator.Result r = new Estimator(ws.probes("estimate"), ws.stateDir, sampleRows)
                .estimate(work, brokers == null ? null : brokers.toString(), topic == null ? null : topic.toString());
        PrintWriter out = out();
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(r));
        } else {
            out.printf("%-18s %-16s %-22s %5s %14s %14s %14s %9s  %s%n", "step", "kind", "node", "shard", "rows", "bytes",
                    "disk needed", "seconds", "rate from");
            for (Estimator.Row row : r.rows()) {
                out.printf("%-18s %-16s %-22s %5d %,14d %,14d %,14d %9s  %s%n", row.step(), row.kind(), row.node(), row.shard(),
                        row.rows(), row.bytes(), row.diskNeeded(), row.seconds() == null ? "-" : row.seconds().toString(), row.rateFrom());
            }
            out.printf("%ncopy: about %d s (the slowest shard; shards copy at once)%n", r.copySeconds());
            if (r.retentionMillis() != null) {
                out.printf("topic %s: retention.ms %d (the copy must end before it: the catch-up replays the topic from the copy's start)%n",
                        r.topic(), r.retentionMillis());
            }
        }
        out.flush();
        Optional<String> refusal = r.refusal();
        if (refusal.isPresent()) {
            err().println("refused: " + refusal.get());
            return ExitCode.VERIFICATION_FAILED.code();
        }
        return 0;
    }
}
