package dev.chrunbook.state;

/** Where a node sits in the cluster, as the topology said when a run began: what status names it by. */
public record NodePlace(int shard, String replica) {
}
