package dev.chrunbook.cli;

import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** --shard / --node: which of a step's nodes a command touches. */
final class NodeFilter {
    @Option(names = "--shard", paramLabel = "N", description = "Only nodes of these shards (repeatable).")
    List<Integer> shards = new ArrayList<>();
    @Option(names = "--node", paramLabel = "HOST:PORT", description = "Only this node.")
    String node;

    Optional<String> node() {
        return Optional.ofNullable(node);
    }
}
