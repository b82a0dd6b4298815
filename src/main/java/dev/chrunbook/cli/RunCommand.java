package dev.chrunbook.cli;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.clickhouse.ClickHouseConnector;
import dev.chrunbook.apply.Cancellations;
import dev.chrunbook.kinds.StepKind;
import dev.chrunbook.run.Migrator;
import dev.chrunbook.run.RepeatedRun;
import dev.chrunbook.runbook.DurationText;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.plan.RunOptions;
import dev.chrunbook.run.Confirmation;
import dev.chrunbook.verify.ImpactReport;
import dev.chrunbook.run.RunResult;
import dev.chrunbook.run.StepResult;
import dev.chrunbook.observe.AuditLog;
import dev.chrunbook.state.StateLock;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.state.ZkLease;
import dev.chrunbook.cluster.Topology;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code chrunbook run}: executes steps (--execute) or shows what it would do now (--dry-run). */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the next pending step on all its nodes, then stop (or --step/--to/--all).",
                "Exactly one of --execute or --dry-run is required: nothing runs without --execute.",
                "State is checkpointed per step and node: a later run resumes, reattaching to statements still"
                        + " running on the server; --step ID --shard N reruns a failed step on one shard only."})
final class RunCommand extends RunbookCommand {
    /** How long a run waits for a repeated check's round to let go of the state lock. */
    private static final Duration LOCK_PATIENCE = Duration.ofMinutes(10);

    @ArgGroup(exclusive = true, multiplicity = "1")
    ExecuteMode mode;

    @Option(names = "--step", paramLabel = "ID", description = "Run these steps (repeatable).")
    List<String> steps = new ArrayList<>();
    @Option(names = "--to", paramLabel = "ID", description = "Run pending steps up to and including this one.")
    String to;
    @Option(names = "--all", description = "Run all pending steps.")
    boolean all;
    @Mixin
    NodeFilter filter;
    @Option(names = "--rerun", description = "Execute again on nodes where the step is already done (needs --step).")
    boolean rerun;
    @Option(names = "--yes", description = "Confirm steps marked confirm: true without asking.")
    boolean yes;
    @Option(names = "--parallel", paramLabel = "N", description = "At most N nodes at once (default: all nodes of the step).")
    int parallel;
    @Option(names = "--lock", paramLabel = "zk://HOST:PORT/PATH",
            description = "Also hold an operator lease in ZooKeeper (an ephemeral node with owner, host, pid), so"
                    + " that operators on different machines cannot run this runbook at once.")
    String lease;
    @Option(names = "--quiet", description = "No progress output on stderr (results still go to stdout).")
    boolean quiet;
    @Option(names = "--json", description = "Progress as newline-delimited JSON events on stderr.")
    boolean json;
    @Option(names = "--on-interrupt", paramLabel = "ask|detach|cancel",
            description = "What Ctrl-C does: detach (statements keep running on the servers; a later run reattaches),"
                    + " cancel (KILL QUERY them, mark failed) or ask (default on a terminal; detach without one).")
    InterruptChoice onInterrupt = InterruptChoice.ask;

    @Option(names = "--repeat", paramLabel = "DURATION",
            description = {"Run the --step steps again every DURATION (30s, 5m) while the cut-over waits, until a later"
                    + " step starts (the cut-over began), a round does not pass, or Ctrl-C. Only steps that change nothing"
                    + " (checks, verifies). The state lock is held only while a round runs: the cut-over can be started"
                    + " from another terminal meanwhile, and waits for a round under way."})
    String repeat;

    @Override
    public Integer call() throws Exception {
        RunOptions options = options();
        Workspace ws = workspace();
        Topology topology = ws.topology("run");
        if (mode.dryRun) {
            return new DryRun(out(), ws, topology).print(options);
        }
        if (repeat != null) {
            return repeated(ws, topology, options);
        }
        return report(ws, round(ws, topology, options, false));
    }

    private int repeated(Workspace ws, Topology topology, RunOptions options) throws Exception {
        Duration every = DurationText.parse(repeat).orElseThrow(() -> ChrunbookException.invalidInput(
                "--repeat " + repeat + ": give a duration such as 30s or 5m"));
        if (steps.isEmpty()) {
            throw ChrunbookException.invalidInput("--repeat needs --step ID: name the check to run again, e.g. --step recheck");
        }
        for (String id : steps) {
            StepKind kind = ws.kinds.of(ws.runbook.step(id));
            if (kind.changesCluster()) {
                throw ChrunbookException.invalidInput("--repeat runs only steps that change nothing (checks, verifies):"
                        + " step '" + id + "' (kind " + kind.name() + ") changes the cluster");
            }
        }
        RunOptions everyNode = new RunOptions(options.steps(), options.to(), false, options.shards(), options.node(), true,
                options.parallel());
        RepeatedRun.Outcome outcome = new RepeatedRun(ws.runbook, () -> StateStore.read(ws.stateDir, ws.runbook.name()), every,
                Clock.systemUTC(), d -> Thread.sleep(d.toMillis()), err())
                .run(steps, () -> round(ws, topology, everyNode, true));
        if (outcome.failed()) {
            return report(ws, outcome.last().orElseThrow());
        }
        out().printf("%s: %d clean round%s; step %s has started, so the repetition ends%n", String.join(", ", steps),
                outcome.rounds(), outcome.rounds() == 1 ? "" : "s", outcome.laterStep().orElse("?"));
        return 0;
    }

    /** One run of the selected steps under the state lock (a repeated round's lock lets a run started meanwhile wait for it). */
    private RunResult round(Workspace ws, Topology topology, RunOptions options, boolean repeating) throws Exception {
        Clock clock = Clock.systemUTC();
        ClickHouseConnector connector = ws.connector("run");
        Confirmation confirmation = new TerminalConfirmation(yes, out());
        try (StateLock lock = repeating ? StateLock.acquireForRepeat(ws.stateDir, clock.instant())
                     : StateLock.acquire(ws.stateDir, clock.instant(), LOCK_PATIENCE, () -> {
                         err().println("a repeated check (run --repeat) is in a round: waiting for it to end, then this run starts");
                         err().flush();
                     });
             AutoCloseable zkLease = lease == null ? () -> { } : ZkLease.acquire(lease, clock.instant());
             Supervision supervision = Supervision.start(connector, err(), clock,
                     quiet, json, new AuditLog(ws.stateDir, clock), ws.runbook)) {
            StateStore store = StateStore.open(ws.stateDir, ws.runbook.name(), ws.runbook.file(), Workspace.newRunId(), clock);
            store.recordNodes(places(topology));
            Cancellations cancellations = new Cancellations(connector);
            Migrator migrator = new Migrator(ws.planner("run", store.state().runId(), store::state),
                    ws.services("run", store, supervision.listener(), cancellations), confirmation,
                    new ImpactReport(connector, topology), supervision.gate());
            try (InterruptHandler interrupts = InterruptHandler.install(onInterrupt, cancellations, lock,
                    err())) {
                return migrator.run(options);
            }
        }
    }

    static java.util.Map<String, dev.chrunbook.state.NodePlace> places(dev.chrunbook.cluster.Topology topology) {
        java.util.Map<String, dev.chrunbook.state.NodePlace> out = new java.util.LinkedHashMap<>();
        topology.nodes().forEach(n -> out.put(n.id(), new dev.chrunbook.state.NodePlace(n.shard(), n.replicaName())));
        return out;
    }

    private int report(Workspace ws, RunResult result) {
        var out = out();
        if (result.steps().isEmpty() && result.pausedAt().isEmpty()) {
            out.println("nothing to run: every selected step is done (see: chrunbook status " + ws.runbook.file() + ")");
            return 0;
        }
        for (StepResult r : result.steps()) {
            out.printf("step %s: %s%n", r.step().id(), r.alreadyDone() ? "already done" : r.complete() ? "done" : "FAILED");
            r.nodes().forEach((id, s) -> {
                out.printf("  %-22s %-8s attempt %d%s%s%n", id, s.status().label(), s.attempts(),
                        s.durationMs() == null ? "" : String.format(", %.1f s", s.durationMs() / 1000.0),
                        s.note() == null ? "" : ", " + s.note());
                if (s.error() != null) {
                    out.println("    " + s.error().strip().replace("\n", "\n    "));
                }
            });
        }
        out.flush();
        result.pausedAt().ifPresent(p -> out.printf("stopped before step %s: it is marked pause_before. Start it when"
                + " ready with: chrunbook run %s --step %s --execute%n", p.id(), ws.runbook.file(), p.id()));
        Optional<StepResult> failed = result.failed();
        if (failed.isPresent()) {
            String stepId = failed.get().step().id();
            boolean verification = failed.get().nodes().values().stream()
                    .anyMatch(s -> NodeState.VERIFICATION_FAILED.equals(s.failure()));
            if (verification) {
                throw ChrunbookException.verificationFailed("step '" + stepId + "' found problems (above); nothing after it"
                        + " ran. Fix them, then: chrunbook run " + ws.runbook.file() + " --step " + stepId + " --execute");
            }
            throw ChrunbookException.stepFailed("step '" + stepId + "' is not done on every node. Fix the cause, then rerun"
                    + " it where it failed: chrunbook run " + ws.runbook.file() + " --step " + stepId
                    + " --execute (add --shard N or --node HOST:PORT to limit it)");
        }
        return 0;
    }

    private RunOptions options() {
        int selectors = (steps.isEmpty() ? 0 : 1) + (to == null ? 0 : 1) + (all ? 1 : 0);
        if (selectors > 1) {
            throw ChrunbookException.invalidInput("give one of --step, --to, --all (or none for the next pending step)");
        }
        if (rerun && steps.isEmpty()) {
            throw ChrunbookException.invalidInput("--rerun needs --step ID: name the step to execute again");
        }
        if (parallel < 0) {
            throw ChrunbookException.invalidInput("--parallel must be at least 1");
        }
        return new RunOptions(List.copyOf(steps), Optional.ofNullable(to), all, List.copyOf(filter.shards),
                filter.node(), rerun, parallel);
    }
}
