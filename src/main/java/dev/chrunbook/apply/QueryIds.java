package dev.chrunbook.apply;

import dev.chrunbook.Node;

/** Deterministic query ids: {@code chrunbook-<run_id>-<step>-<node>-<attempt>-<n>}. */
public final class QueryIds {
    private QueryIds() {
    }

    public static String of(String runId, String step, Node node, int attempt, int statement) {
        return "chrunbook-" + runId + "-" + step + "-" + node.slug() + "-" + attempt + "-" + statement;
    }
}
