package dev.chrunbook.cli;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.apply.Cancellations;
import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.run.Rollback;
import dev.chrunbook.verify.ImpactReport;
import dev.chrunbook.run.StepResult;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.observe.AuditLog;
import dev.chrunbook.state.StateLock;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.cluster.Topology;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Clock;

/** {@code chrunbook rollback}: runs a done step's compensating SQL and marks it pending again. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {"Undo a done step with its rollback: template (e.g. the swap's compensating RENAME), on the"
                + " step's nodes, then mark it and the checks after it pending again.",
                "Refused while a later step that changes the cluster has run. Always asks for confirmation."})
final class RollbackCommand extends RunbookCommand {
    @Option(names = "--step", paramLabel = "ID", required = true, description = "The step to undo.")
    String step;

    @ArgGroup(exclusive = true, multiplicity = "1")
    ExecuteMode mode;

    @Option(names = "--yes", description = "Confirm without asking.")
    boolean yes;

    @Override
    public Integer call() {
        Workspace ws = workspace();
        Step forward = ws.runbook.step(step);
        Topology topology = ws.topology("rollback");
        var connector = ws.connector("rollback");
        Clock clock = Clock.systemUTC();
        if (mode.dryRun) {
            var state = ws.state().orElseThrow(() -> ChrunbookException.invalidInput("nothing ran yet: no state in " + ws.stateDir));
            PlanPrinter printer = new PlanPrinter(out(), state.runId());
            out().println("-- DRY RUN of the rollback of step " + step + ": nothing is executed");
            for (NodeWork w : Rollback.render(ws.planner("rollback", state.runId(), () -> state), forward).values()) {
                printer.node(w, "", 1);
            }
            printer.flush();
            return 0;
        }
        try (StateLock lock = StateLock.acquire(ws.stateDir, clock.instant());
             Supervision supervision = Supervision.start(connector, err(), clock, false, false, new AuditLog(ws.stateDir, clock))) {
            StateStore store = StateStore.open(ws.stateDir, ws.runbook.name(), ws.runbook.file(), Workspace.newRunId(), clock);
            Rollback rollback = new Rollback(ws.planner("rollback", store.state().runId(), store::state),
                    ws.services("rollback", store, supervision.listener(), new Cancellations(connector)),
                    new TerminalConfirmation(yes, out()), new ImpactReport(connector, topology));
            StepResult result = rollback.run(forward);
            result.nodes().forEach((id, s) -> out().printf("  %-22s %-8s%s%n", id, s.status().label(),
                    s.error() == null ? "" : " " + s.error()));
            if (!result.complete()) {
                throw ChrunbookException.stepFailed("the rollback of '" + step + "' did not finish everywhere (above);"
                        + " fix the cause and run it again: it resumes, nothing is sent twice");
            }
            out().printf("step %s rolled back; it and the checks after it are pending again%n", step);
            return 0;
        }
    }
}
