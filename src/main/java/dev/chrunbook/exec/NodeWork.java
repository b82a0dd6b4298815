package dev.chrunbook.exec;

import dev.chrunbook.render.RenderedStatement;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.topology.Node;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One step on one node, fully rendered before anything runs. */
public record NodeWork(Step step, Node node, List<RenderedStatement> statements, Map<String, String> settings,
                Optional<String> check, boolean rerun) {
}
