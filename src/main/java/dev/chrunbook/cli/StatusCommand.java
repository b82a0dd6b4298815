package dev.chrunbook.cli;

import dev.chrunbook.observe.TableIngestion;
import dev.chrunbook.run.RevertWindow;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.RunState;
import dev.chrunbook.state.StatusReport;
import dev.chrunbook.Node;
import dev.chrunbook.cluster.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code chrunbook status}: the step x node matrix from the state; reads no cluster unless --connection is given. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show each step on each node: pending / running / done / failed / skipped, attempts, duration,"
                + " rows, last error.", "With --connection, nodes that have not run yet are listed too."})
final class StatusCommand extends RunbookCommand {

    @Option(names = "--json", description = "Print the matrix as JSON (schema in the README).")
    boolean json;

    @Option(names = "--watch", paramLabel = "SECONDS", arity = "0..1", fallbackValue = "3",
            description = "Redraw every SECONDS (default 3) until interrupted.")
    Integer watch;

    @Override
    public Integer call() {
        if (watch == null) {
            return once();
        }
        PrintWriter out = out();
        while (!Thread.currentThread().isInterrupted()) {
            out.print("\033[H\033[2J"); // home and clear: the matrix redrawn in place
            out.printf("every %d s, %s (Ctrl-C ends)%n", watch, java.time.LocalTime.now().withNano(0));
            once();
            try {
                dev.chrunbook.Sleeper.REAL.sleep(java.time.Duration.ofSeconds(Math.max(1, watch)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return 0;
    }

    private Integer once() {
        Workspace ws = workspace();
        Topology topology = ws.connection.isPresent() ? ws.topology("status") : null;
        StatusReport report = report(ws, topology);
        PrintWriter out = out();
        java.nio.file.Path pause = ws.stateDir.resolve(dev.chrunbook.chunks.Throttle.PAUSE_FILE);
        if (json) {
            out.println(report.toJson());
        } else {
            print(out, report);
            lastRecheck(ws).ifPresent(out::println);
            revertible(ws, topology).forEach(out::println);
            if (report.paused() != null) {
                out.printf("%npaused: %s exists; chunked steps finish the chunks that run and start no new one until it is removed%n", pause);
            }
        }
        out.flush();
        return 0;
    }

    /** The matrix from the state as it is now, with live numbers from the cluster when a topology is given. */
    static StatusReport report(Workspace ws, Topology topology) {
        Map<String, String> steps = new LinkedHashMap<>();
        Map<String, List<String>> nodes = new LinkedHashMap<>();
        for (Step s : ws.runbook.steps()) {
            steps.put(s.id(), s.on().yamlName());
            nodes.put(s.id(), topology == null ? List.of() : topology.nodesFor(s.on()).stream().map(Node::id).toList());
        }
        RunState state = ws.state().orElse(null);
        StatusReport report = StatusReport.of(ws.runbook.name(), state, steps, nodes,
                topology == null ? Map.of() : RunCommand.places(topology));
        if (topology != null && state != null) {
            report = LiveProgress.add(report, state, topology, ws.connector("status"));
        }
        return report.paused(java.nio.file.Files.exists(ws.stateDir.resolve(dev.chrunbook.chunks.Throttle.PAUSE_FILE)));
    }

    /** How long ago the re-check that gates the cut-over last passed, when the runbook has one (recheck_max_age_seconds). */
    private static java.util.Optional<String> lastRecheck(Workspace ws) {
        Object limit = ws.runbook.vars().get("recheck_max_age_seconds");
        RunState state = ws.state().orElse(null);
        if (limit == null || state == null || ws.runbook.steps().stream().noneMatch(s -> s.id().equals("recheck"))) {
            return java.util.Optional.empty();
        }
        return state.lastFinish("recheck").map(at -> String.format(
                "%nrecheck: last clean run %d s ago (swap refuses after %s s; keep it checking: run --step recheck --repeat 1m --execute)",
                java.time.Duration.between(at, java.time.Instant.now()).toSeconds(), limit));
    }

    /**
     * The done steps that can still be taken back, with their revert window; with --connection also how
     * much each of the two tables the window keeps fed received in the last minute.
     */
    private static List<String> revertible(Workspace ws, Topology topology) {
        List<String> lines = new java.util.ArrayList<>();
        java.time.Instant now = java.time.Instant.now();
        for (RevertWindow w : RevertWindow.open(ws.runbook, ws.state().orElse(null), ws.kinds)) {
            String until = w.closes().map(end -> ", revert window open until " + end
                    + (w.passed(now) ? " (passed: end it with the steps after it)" : "")).orElse("");
            lines.add(String.format("%nrevert: step %s ended %s%s; it can be taken back with: chrunbook rollback %s --step %s --execute",
                    w.step().id(), w.ended(), until, ws.runbook.file(), w.step().id()));
            List<String> tables = RevertWindow.fedTables(ws.runbook);
            if (topology != null && !tables.isEmpty()) {
                try {
                    lines.add("  ingestion: " + String.join("; ", new TableIngestion(ws.connector("status"), topology)
                            .read(ws.runbook.database(), tables).stream().map(TableIngestion.Fed::describe).toList()));
                } catch (RuntimeException e) {
                    lines.add("  ingestion: cannot read system.parts: " + e.getMessage());
                }
            }
        }
        return lines;
    }

    private static void print(PrintWriter out, StatusReport report) {
        out.printf("runbook %s, run_id %s%n", report.runbook(), report.runId() == null ? "(not started)" : report.runId());
        for (StatusReport.StepRow step : report.steps()) {
            out.printf("%n%-24s %s (on: %s)%n", step.id(), step.status(), step.on());
            for (StatusReport.NodeRow n : step.nodes()) {
                String place = n.shard() == null ? "" : "shard " + n.shard() + " " + n.replica();
                out.printf("  %-22s %-14s %-8s attempts %-3d %-9s rows %-12d %s%s%n", n.node(), place, n.status(), n.attempts(),
                        n.durationMs() == null ? "-" : String.format("%.1fs", n.durationMs() / 1000.0), n.rowsWritten(),
                        n.chunks() == null ? "" : "chunks " + n.chunks().done() + "/" + n.chunks().total() + " ",
                        n.error() != null ? n.error() : n.note() != null ? n.note() : "");
                if (n.live() != null) {
                    out.printf("    running now: %,d of ~%,d rows read, %,d written, %.0f s [%s]%n", n.live().rowsRead(),
                            n.live().totalRowsApprox(), n.live().rowsWritten(), n.live().elapsedMs() / 1000.0, n.live().queryId());
                }
            }
        }
    }
}
