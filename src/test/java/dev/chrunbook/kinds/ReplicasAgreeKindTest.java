package dev.chrunbook.kinds;

import dev.chrunbook.Node;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which partitions replicas-agree looks at again: those whose digest differs on some replica. */
class ReplicasAgreeKindTest {
    private static final Node A = new Node("127.0.0.1", 8121, 9001, 1, 1, "ch1", Map.of());
    private static final Node B = new Node("127.0.0.1", 8122, 9002, 1, 2, "ch2", Map.of());

    @Test
    void aPartitionDiffersWhenAReplicaHoldsOtherRowsOrLacksIt() {
        List<ReplicasAgreeKind.Digest> digests = List.of(
                new ReplicasAgreeKind.Digest(A, Map.of("202401", "10/5", "202402", "3/7", "202403", "4/1")),
                new ReplicasAgreeKind.Digest(B, Map.of("202401", "10/5", "202402", "3/8")));
        assertEquals(Set.of("202402", "202403"), ReplicasAgreeKind.differing(digests));
        assertEquals(17, digests.get(0).rows());
    }

    @Test
    void replicasHoldingTheSameRowsDifferNowhere() {
        List<ReplicasAgreeKind.Digest> digests = List.of(new ReplicasAgreeKind.Digest(A, Map.of("202401", "10/5")),
                new ReplicasAgreeKind.Digest(B, Map.of("202401", "10/5")));
        assertEquals(Set.of(), ReplicasAgreeKind.differing(digests));
    }
}
