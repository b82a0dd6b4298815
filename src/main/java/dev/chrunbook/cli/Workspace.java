package dev.chrunbook.cli;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.clickhouse.ClickHouseConnector;
import dev.chrunbook.clickhouse.JdbcConnector;
import dev.chrunbook.clickhouse.ServerFacts;
import dev.chrunbook.exec.ClusterFacts;
import dev.chrunbook.ssh.HostShell;
import dev.chrunbook.ssh.JschShell;
import dev.chrunbook.render.NodeFacts;
import dev.chrunbook.render.SqlRenderer;
import dev.chrunbook.runbook.Runbook;
import dev.chrunbook.runbook.RunbookLoader;
import dev.chrunbook.state.RunState;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.topology.ConnectionConfig;
import dev.chrunbook.topology.ConnectionLoader;
import dev.chrunbook.topology.Topology;
import dev.chrunbook.topology.TopologyResolver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/** What every command starts from: the loaded runbook, the connection, the state dir. */
final class Workspace {
    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");

    final Runbook runbook;
    final Optional<ConnectionConfig> connection;
    final Path stateDir;
    private final ConnectionOptions options;

    private Workspace(Runbook runbook, Optional<ConnectionConfig> connection, Path stateDir, ConnectionOptions options) {
        this.runbook = runbook;
        this.connection = connection;
        this.stateDir = stateDir;
        this.options = options;
    }

    static Workspace open(RunbookArgs args, ConnectionOptions options) {
        Runbook runbook = new RunbookLoader().load(args.file, args.overrides);
        Optional<ConnectionConfig> connection = options.connection().map(new ConnectionLoader(System::getenv)::load);
        Path stateDir = options.stateDir != null ? options.stateDir : Path.of(".chrunbook", runbook.name());
        if (Files.exists(stateDir) && !Files.isDirectory(stateDir)) {
            throw ChrunbookException.invalidInput("--state-dir " + stateDir + " is a file, not a folder; pass a folder (it is created when missing)");
        }
        return new Workspace(runbook, connection, stateDir, options);
    }

    ConnectionConfig requireConnection(String command) {
        return connection.orElseThrow(() -> ChrunbookException.invalidInput(command + " needs --connection FILE"
                + " (a seed node or declared nodes; see examples/local-cluster/connection.yaml)"));
    }

    ClickHouseConnector connector(String command) {
        ConnectionConfig c = requireConnection(command);
        return new JdbcConnector(c.credentials(), c.tls());
    }

    /** Facts templates read from the cluster: catalog, server and host (over SSH when configured), run state. */
    NodeFacts facts(ClickHouseConnector connector, Supplier<RunState> state) {
        Optional<HostShell> host = connection.flatMap(ConnectionConfig::ssh).map(JschShell::new);
        return new ClusterFacts(connector, new ServerFacts(connector, host), state);
    }

    Topology topology(String command) {
        return new TopologyResolver(connector(command)).resolve(requireConnection(command), runbook.cluster());
    }

    Optional<RunState> state() {
        return StateStore.read(stateDir, runbook.name());
    }

    /** The run_id of the state, or a new one (fixed only when --execute first writes the state). */
    String runIdOrNew() {
        return state().map(RunState::runId).orElseGet(Workspace::newRunId);
    }

    java.util.List<Path> templateDirs() {
        return options.templateDirs;
    }

    SqlRenderer renderer(String runId) {
        return new SqlRenderer(runbook, runId, options.templateDirs);
    }

    /** A renderer whose templates may read the cluster's catalog and the run's state. */
    SqlRenderer renderer(String runId, NodeFacts facts) {
        return new SqlRenderer(runbook, runId, options.templateDirs, facts);
    }

    static String newRunId() {
        return LocalDateTime.now(ZoneOffset.UTC).format(RUN_ID) + "_"
                + Integer.toHexString(0x1000 + ThreadLocalRandom.current().nextInt(0xF000));
    }
}
