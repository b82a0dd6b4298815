package dev.chrunbook.run;

import dev.chrunbook.Node;
import dev.chrunbook.runbook.Step;

import java.util.List;
import java.util.Optional;

/** Asked before a pause_before step (the cut-over) starts on its nodes: empty lets it start, else why not. */
@FunctionalInterface
public interface CutoverGate {
    CutoverGate OPEN = (step, nodes) -> Optional.empty();

    Optional<String> allow(Step step, List<Node> nodes);
}
