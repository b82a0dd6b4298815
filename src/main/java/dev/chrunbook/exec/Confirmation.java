package dev.chrunbook.exec;

import dev.chrunbook.runbook.Step;
import dev.chrunbook.topology.Node;

import java.util.List;

/** Asks the operator before a {@code confirm: true} step; false means stop, nothing executed. */
@FunctionalInterface
public interface Confirmation {
    boolean confirm(Step step, List<Node> nodes);
}
