package dev.chrunbook.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** What every verb shares: the runbook and its --set, connection and state options, the output streams. */
abstract class RunbookCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    RunbookArgs runbookArgs;
    @Mixin
    ConnectionOptions connectionOptions;

    Workspace workspace() {
        return Workspace.open(runbookArgs, connectionOptions);
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
