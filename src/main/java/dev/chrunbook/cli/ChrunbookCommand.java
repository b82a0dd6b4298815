package dev.chrunbook.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The root command: only groups the verbs. */
@Command(name = "chrunbook",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Checked, resumable, observable runbooks for ClickHouse table migrations.",
        subcommands = {ValidateCommand.class, CheckCommand.class, PlanCommand.class, RunCommand.class, StatusCommand.class,
                ResetCommand.class, RollbackCommand.class, EstimateCommand.class, ServeCommand.class, CompletionCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {"  0 ok", "  1 a step failed (or a node was unreachable)", "  2 invalid input (runbook, template, option)",
                "  3 state conflict (lock held, drift, order)", "  4 verification failed", "  5 internal error"})
public final class ChrunbookCommand {
    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Debug logging on stderr and stack traces of errors.")
    private boolean verbose;

    public boolean verbose() {
        return verbose;
    }
}
