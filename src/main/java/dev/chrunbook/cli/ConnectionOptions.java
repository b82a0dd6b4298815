package dev.chrunbook.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Options shared by commands that reach the cluster or the state: connection, state dir, templates. */
final class ConnectionOptions {
    @Option(names = "--connection", paramLabel = "FILE",
            description = "Connection file: a seed node to discover the cluster from, or declared nodes; user;"
                    + " password_env/password_file; tls.")
    Path connection;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where checkpoints, lock and logs live (default: .chrunbook/<runbook name>).")
    Path stateDir;

    @Option(names = "--templates", paramLabel = "DIR",
            description = "Extra template folder, searched after the runbook's folder (repeatable).")
    List<Path> templateDirs = new ArrayList<>();

    Optional<Path> connection() {
        return Optional.ofNullable(connection);
    }
}
