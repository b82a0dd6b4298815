package dev.chrunbook.cli;

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
        StatusReport report = report(ws, ws.connection.isPresent() ? ws.topology("status") : null);
        PrintWriter out = out();
        java.nio.file.Path pause = ws.stateDir.resolve(dev.chrunbook.chunks.Throttle.PAUSE_FILE);
        if (json) {
            out.println(report.toJson());
        } else {
            print(out, report);
            lastRecheck(ws).ifPresent(out::println);
            revertible(ws).forEach(out::println);
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
     * The done steps that can still be taken back (a rollback template, nothing after them in the way),
     * with the revert window when the runbook has one (revert_window_seconds, counted from the step's end).
     */
    private static List<String> revertible(Workspace ws) {
        RunState state = ws.state().orElse(null);
        List<String> lines = new java.util.ArrayList<>();
        if (state == null) {
            return lines;
        }
        Object window = ws.runbook.vars().get("revert_window_seconds");
        for (Step s : ws.runbook.steps()) {
            java.util.Optional<java.time.Instant> done = state.lastFinish(s.id());
            boolean complete = state.steps().getOrDefault(s.id(), Map.of()).values().stream().allMatch(n -> n.status().complete())
                    && !state.steps().getOrDefault(s.id(), Map.of()).isEmpty();
            if (s.rollback() == null || !complete || done.isEmpty() || dev.chrunbook.run.Rollback.blocker(ws.runbook, state, ws.kinds, s).isPresent()) {
                continue;
            }
            String until = "";
            if (window != null && window.toString().matches("\\d{1,9}")) {
                java.time.Instant end = done.get().plusSeconds(Long.parseLong(window.toString()));
                until = ", revert window open until " + end + (java.time.Instant.now().isAfter(end) ? " (passed: end it with the steps after it)" : "");
            }
            lines.add(String.format("%nrevert: step %s ended %s%s; it can be taken back with: chrunbook rollback %s --step %s --execute",
                    s.id(), done.get(), until, ws.runbook.file(), s.id()));
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
