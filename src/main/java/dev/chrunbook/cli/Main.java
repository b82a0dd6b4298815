package dev.chrunbook.cli;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.ExitCode;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.Arrays;

/** Builds the command line and maps every failure to chrunbook's exit codes in one place. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        configureLogging(args);
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests call this with their own out/err writers. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new ChrunbookCommand());
        cli.setExecutionExceptionHandler(Main::handle);
        cli.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("error: " + ex.getMessage());
            ex.getCommandLine().getErr().println("See '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return ExitCode.INVALID_INPUT.code();
        });
        return cli;
    }

    private static int handle(Exception ex, CommandLine cmd, CommandLine.ParseResult parse) {
        PrintWriter err = cmd.getErr();
        boolean verbose = parse.hasMatchedOption("-v") || cmd.getCommandSpec().root().userObject() instanceof ChrunbookCommand c && c.verbose();
        if (ex instanceof ChrunbookException ce) {
            err.println("error: " + printable(ce.getMessage()));
            if (verbose && ce.getCause() != null) {
                ce.getCause().printStackTrace(err);
            }
            err.flush();
            return ce.exitCode().code();
        }
        err.println("internal error: " + ex + (verbose ? "" : " (run with -v for the stack trace)"));
        if (verbose) {
            ex.printStackTrace(err);
        }
        err.flush();
        return ExitCode.INTERNAL.code();
    }

    /** Control bytes that came in with input never reach the terminal as they are. */
    static String printable(String message) {
        StringBuilder sb = new StringBuilder();
        String m = String.valueOf(message);
        for (int i = 0; i < m.length(); i++) {
            char c = m.charAt(i);
            sb.append((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return sb.toString();
    }

    /** slf4j-simple reads its level once, before the first logger: decide it from -v up front. */
    private static void configureLogging(String[] args) {
        boolean verbose = Arrays.stream(args).anyMatch(a -> a.equals("-v") || a.equals("--verbose"));
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "debug" : "warn");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        if (!verbose) {
            System.setProperty("org.slf4j.simpleLogger.log.com.clickhouse", "error");
        }
    }
}
