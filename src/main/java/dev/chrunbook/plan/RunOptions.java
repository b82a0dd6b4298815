package dev.chrunbook.plan;

import java.util.List;
import java.util.Optional;

/**
 * What the operator asked {@code run} to do.
 *
 * @param steps    explicit --step ids (empty: see {@code to}/{@code all}/next pending)
 * @param shards   --shard filter (empty: all shards)
 * @param node     --node filter (host:port)
 * @param parallel at most this many nodes at once (0: all nodes of the step)
 */
public record RunOptions(List<String> steps, Optional<String> to, boolean all, List<Integer> shards,
                         Optional<String> node, boolean rerun, int parallel) {
}
