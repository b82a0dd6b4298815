package dev.chrunbook.kinds;

import dev.chrunbook.Node;
import dev.chrunbook.Sleeper;
import dev.chrunbook.apply.StatementSender;
import dev.chrunbook.apply.NodeApplier;
import dev.chrunbook.clickhouse.ClickHouseConnector;
import dev.chrunbook.cluster.Topology;
import dev.chrunbook.kafka.KafkaAdmin;
import dev.chrunbook.observe.ExecutionListener;
import dev.chrunbook.state.StateStore;

import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * What kinds apply with, built once by the composition root and shared by run and rollback.
 *
 * @param applier  runs a step's rendered statements and resolves interrupted ones (sql, check)
 * @param sender   the one way a statement that changes a node is sent (every kind and engine)
 * @param database the runbook's database
 */
public record Services(StateStore store, NodeApplier applier, Probes probes, Topology topology, String database,
                       Sleeper sleeper, ExecutionListener listener, StatementSender sender) {

    /** The read-only reach of a kind: ClickHouse nodes and Kafka brokers. */
    /**
     * @param freeDisk bytes free on a node's data path (system.disks, or df over SSH on older servers)
     * @param database the runbook's database
     */
    public record Probes(ClickHouseConnector connector, Function<String, KafkaAdmin> admins, Sleeper sleeper,
                         ToLongFunction<Node> freeDisk, String database) {
    }
}
