package dev.chrunbook.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The runbook file and its --set overrides, shared by every command. */
final class RunbookArgs {
    @Parameters(index = "0", paramLabel = "RUNBOOK.yaml", description = "The runbook file.")
    Path file;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a var declared under 'vars:' (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();
}
