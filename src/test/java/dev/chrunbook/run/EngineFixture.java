package dev.chrunbook.run;

import dev.chrunbook.Sleeper;
import dev.chrunbook.apply.Cancellations;
import dev.chrunbook.apply.NodeApplier;
import dev.chrunbook.apply.StatementSender;
import dev.chrunbook.cluster.Topology;
import dev.chrunbook.facts.ClusterFacts;
import dev.chrunbook.facts.ServerFacts;
import dev.chrunbook.kinds.Kinds;
import dev.chrunbook.kinds.Services;
import dev.chrunbook.observe.ExecutionListener;
import dev.chrunbook.plan.WorkPlanner;
import dev.chrunbook.render.SqlRenderer;
import dev.chrunbook.runbook.Runbook;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.testing.FakeClickHouse;
import dev.chrunbook.testing.Fixtures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The run engine wired as the CLI wires it (Workspace), on a one-node cluster in memory: a runbook
 * written to a temporary folder, the catalog read through {@link ClusterFacts} from the fake node,
 * the state in a temporary folder.
 */
final class EngineFixture {
    static final String RUN = "20261201_000000_0001";

    final FakeClickHouse node;
    final Topology topology = Topology.synthetic("c", 1, 1);
    final Runbook runbook;
    final StateStore store;
    final WorkPlanner planner;
    final Services services;
    final Cancellations cancellations;

    EngineFixture(Path dir, String steps, FakeClickHouse node) throws IOException {
        this.node = node;
        Path file = dir.resolve("runbook.yaml");
        Files.writeString(file, "name: engine\ncluster: c\ndatabase: db\nsteps:\n" + steps);
        Kinds kinds = new Kinds();
        runbook = kinds.loader().load(file, Map.of());
        store = StateStore.open(dir.resolve("state"), runbook.name(), RUN, Clock.systemUTC());
        ClusterFacts facts = new ClusterFacts(node, new ServerFacts(node, Optional.empty()), store::state);
        planner = new WorkPlanner(runbook, topology, new SqlRenderer(runbook, RUN, List.of(), facts), kinds);
        cancellations = new Cancellations(node);
        Sleeper sleeper = new Fixtures.CountingSleeper();
        StatementSender sender = new StatementSender(cancellations, sleeper);
        ExecutionListener listener = new ExecutionListener() { };
        services = new Services(store, new NodeApplier(store, node, sleeper, listener, RUN, sender),
                new Services.Probes(node, b -> null, sleeper, n -> Long.MAX_VALUE, "db"), topology, "db", sleeper, listener, sender);
    }
}
