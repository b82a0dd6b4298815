package dev.chrunbook.testing;

/**
 * The name of the resource lock every test class that uses the current cluster (scripts/current-cluster)
 * holds: those that use no other cluster run beside the 18.16 cluster's classes, one at a time.
 */
public final class CurrentClusterLock {
    public static final String NAME = "current-cluster";

    private CurrentClusterLock() {
    }
}
