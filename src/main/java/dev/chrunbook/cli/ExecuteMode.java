package dev.chrunbook.cli;

import picocli.CommandLine.Option;

/** Exactly one of --execute or --dry-run: nothing changes a cluster without --execute. */
final class ExecuteMode {
    @Option(names = "--execute", required = true, description = "Really execute.")
    boolean execute;
    @Option(names = "--dry-run", required = true, description = "Print what --execute would do now, given the state.")
    boolean dryRun;
}
