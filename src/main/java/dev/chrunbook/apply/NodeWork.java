package dev.chrunbook.apply;

import dev.chrunbook.render.RenderedStatement;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.Node;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One step on one node, fully rendered before anything runs.
 *
 * @param asserts queries that must return no rows before the statements run
 * @param params      rendered parameters of built-in (kafka-*) steps
 * @param definitions the catalog definitions the statements were rendered from, kept in the state
 */
public record NodeWork(Step step, Node node, List<RenderedStatement> statements, Map<String, String> settings,
                       Optional<String> check, List<String> asserts, Map<String, String> params, boolean rerun,
                       Map<String, String> definitions) {
}
