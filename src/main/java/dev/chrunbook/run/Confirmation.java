package dev.chrunbook.run;

import dev.chrunbook.runbook.Step;
import dev.chrunbook.Node;

import java.util.List;

/** Asks the operator before a {@code confirm: true} step; false means stop, nothing executed. */
@FunctionalInterface
public interface Confirmation {
    /** @param impact what the step drops or renames, one line per table and node (may be empty) */
    boolean confirm(Step step, List<Node> nodes, List<String> impact);
}
