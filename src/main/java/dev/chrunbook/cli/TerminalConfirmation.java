package dev.chrunbook.cli;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.run.Confirmation;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.Node;

import java.io.Console;
import java.io.PrintWriter;
import java.util.List;

/** Asks for a typed "yes" on the terminal; --yes answers for the operator; no terminal and no --yes: refuse. */
final class TerminalConfirmation implements Confirmation {
    private final boolean yes;
    private final PrintWriter out;

    TerminalConfirmation(boolean yes, PrintWriter out) {
        this.yes = yes;
        this.out = out;
    }

    @Override
    public boolean confirm(Step step, List<Node> nodes, List<String> impact) {
        out.printf("step '%s' is marked confirm: true and will run on %s%n", step.id(),
                String.join(", ", nodes.stream().map(Node::id).toList()));
        if (!impact.isEmpty()) {
            out.println("it will change these tables:");
            impact.forEach(out::println);
        }
        if (yes) {
            out.println("confirmed by --yes");
            return true;
        }
        Console console = System.console();
        if (console == null) {
            throw ChrunbookException.invalidInput("step '" + step.id() + "' needs confirmation but there is no terminal;"
                    + " pass --yes to confirm it. Nothing was executed");
        }
        out.flush();
        String answer = console.readLine("Type yes to run step '%s': ", step.id());
        return answer != null && answer.strip().equalsIgnoreCase("yes");
    }
}
