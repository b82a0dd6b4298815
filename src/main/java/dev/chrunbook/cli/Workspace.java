package dev.chrunbook.cli;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.Sleeper;
import dev.chrunbook.apply.Cancellations;
import dev.chrunbook.apply.NodeApplier;
import dev.chrunbook.apply.StatementSender;
import dev.chrunbook.clickhouse.ClickHouseConnector;
import dev.chrunbook.clickhouse.JdbcConnector;
import dev.chrunbook.cluster.ConnectionConfig;
import dev.chrunbook.cluster.ConnectionLoader;
import dev.chrunbook.cluster.Topology;
import dev.chrunbook.cluster.TopologyResolver;
import dev.chrunbook.facts.ClusterFacts;
import dev.chrunbook.facts.ServerFacts;
import dev.chrunbook.kafka.KafkaAdminClient;
import dev.chrunbook.kinds.Kinds;
import dev.chrunbook.kinds.Services;
import dev.chrunbook.observe.ExecutionListener;
import dev.chrunbook.plan.WorkPlanner;
import dev.chrunbook.render.NodeFacts;
import dev.chrunbook.render.SqlRenderer;
import dev.chrunbook.runbook.Runbook;
import dev.chrunbook.ssh.HostShell;
import dev.chrunbook.ssh.JschShell;
import dev.chrunbook.state.RunState;
import dev.chrunbook.state.StateStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The composition root: what every command starts from (the loaded runbook, the connection, the
 * state dir) and the one place the engine is wired. The connector is built once per command, so
 * every part shares its server-version cache; run and rollback get the same services.
 */
final class Workspace {
    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");

    final Runbook runbook;
    final Optional<ConnectionConfig> connection;
    final Path stateDir;
    final Kinds kinds;
    private final ConnectionOptions options;
    private ClickHouseConnector connector;
    private Topology topology;

    private Workspace(Runbook runbook, Kinds kinds, Optional<ConnectionConfig> connection, Path stateDir, ConnectionOptions options) {
        this.runbook = runbook;
        this.kinds = kinds;
        this.connection = connection;
        this.stateDir = stateDir;
        this.options = options;
    }

    static Workspace open(RunbookArgs args, ConnectionOptions options) {
        Kinds kinds = new Kinds();
        Runbook runbook = kinds.loader().load(args.file, args.overrides);
        Optional<ConnectionConfig> connection = options.connection().map(new ConnectionLoader(System::getenv)::load);
        Path stateDir = options.stateDir != null ? options.stateDir : Path.of(".chrunbook", runbook.name());
        if (Files.exists(stateDir) && !Files.isDirectory(stateDir)) {
            throw ChrunbookException.invalidInput("--state-dir " + stateDir + " is a file, not a folder; pass a folder (it is created when missing)");
        }
        return new Workspace(runbook, kinds, connection, stateDir, options);
    }

    ConnectionConfig requireConnection(String command) {
        return connection.orElseThrow(() -> ChrunbookException.invalidInput(command + " needs --connection FILE"
                + " (a seed node or declared nodes; see examples/local-cluster/connection.yaml)"));
    }

    /** The one connector of this command. */
    ClickHouseConnector connector(String command) {
        if (connector == null) {
            ConnectionConfig c = requireConnection(command);
            connector = new JdbcConnector(c.credentials(), c.tls());
        }
        return connector;
    }

    Topology topology(String command) {
        if (topology == null) {
            topology = new TopologyResolver(connector(command)).resolve(requireConnection(command), runbook.cluster());
        }
        return topology;
    }

    /** Facts templates read from the cluster: catalog, server and host (over SSH when configured), run state. */
    NodeFacts facts(String command, Supplier<RunState> state) {
        Optional<HostShell> host = connection.flatMap(ConnectionConfig::ssh).map(JschShell::new);
        return new ClusterFacts(connector(command), new ServerFacts(connector(command), host), state);
    }

    /** The planner of a command that reads the cluster; {@code state} may change while it runs. */
    WorkPlanner planner(String command, String runId, Supplier<RunState> state) {
        return new WorkPlanner(runbook, topology(command), renderer(runId, facts(command, state), topology(command).form()), kinds);
    }

    /** The planner of an offline command (validate): templates see no catalog. */
    WorkPlanner offlinePlanner(Runbook book, Topology topology, String runId) {
        return new WorkPlanner(book, topology, new SqlRenderer(book, runId, options.templateDirs), kinds);
    }

    /** What kinds apply with, shared by run and rollback. */
    Services services(String command, StateStore store, ExecutionListener listener, Cancellations cancellations) {
        ClickHouseConnector c = connector(command);
        StatementSender sender = new StatementSender(cancellations, Sleeper.REAL);
        NodeApplier applier = new NodeApplier(store, c, Sleeper.REAL, listener, store.state().runId(), sender);
        return new Services(store, applier, probes(command), topology(command), runbook.database(), Sleeper.REAL, listener, sender);
    }

    Services.Probes probes(String command) {
        ServerFacts server = new ServerFacts(connector(command), connection.flatMap(ConnectionConfig::ssh).map(JschShell::new));
        return new Services.Probes(connector(command), KafkaAdminClient::new, Sleeper.REAL, server::freeDiskBytes, runbook.database());
    }

    Optional<RunState> state() {
        return StateStore.read(stateDir, runbook.name());
    }

    /** The run_id of the state, or a new one (fixed only when --execute first writes the state). */
    String runIdOrNew() {
        return state().map(RunState::runId).orElseGet(Workspace::newRunId);
    }

    List<Path> templateDirs() {
        return options.templateDirs;
    }

    SqlRenderer renderer(String runId) {
        return new SqlRenderer(runbook, runId, options.templateDirs);
    }

    private SqlRenderer renderer(String runId, NodeFacts facts, dev.chrunbook.ClusterForm form) {
        return new SqlRenderer(runbook, runId, options.templateDirs, facts, form);
    }

    static String newRunId() {
        return LocalDateTime.now(ZoneOffset.UTC).format(RUN_ID) + "_"
                + Integer.toHexString(0x1000 + ThreadLocalRandom.current().nextInt(0xF000));
    }
}
