package dev.chrunbook.cli;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.cluster.Topology;
import dev.chrunbook.dashboard.DashboardServer;
import dev.chrunbook.dashboard.DashboardView;
import dev.chrunbook.observe.TableIngestion;
import dev.chrunbook.run.RevertWindow;
import dev.chrunbook.dashboard.GroupLags;
import dev.chrunbook.kinds.StepKind;
import dev.chrunbook.plan.WorkPlanner;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.RunState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/** {@code chrunbook serve}: a read-only page of the run, for a browser, while other terminals run it. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve a read-only web page of the run: the step x shard x replica matrix, live progress per node,"
                + " the consumer groups' lag, what the run waits for, and the audit log's tail. It updates itself every 2 s.",
                "Reads the state dir (and, with --connection, the cluster and the brokers); changes nothing.",
                "Listens on 127.0.0.1 unless --bind names another address, which needs a token."})
final class ServeCommand extends RunbookCommand {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);
    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8765", description = "Port to listen on (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on (default ${DEFAULT-VALUE}). Any other than a loopback one needs --token-env or --token-file.")
    String bind;

    @Option(names = "--token-env", paramLabel = "VAR", description = "Environment variable holding the token every request must carry.")
    String tokenEnv;

    @Option(names = "--token-file", paramLabel = "FILE", description = "File holding the token every request must carry.")
    Path tokenFile;

    @Override
    public Integer call() throws Exception {
        Workspace ws = workspace();
        Optional<String> token = token();
        InetAddress address = InetAddress.getByName(bind);
        if (!address.isLoopbackAddress() && token.isEmpty()) {
            throw ChrunbookException.invalidInput("--bind " + bind + " serves the page beyond this machine: give a token with"
                    + " --token-env VAR or --token-file FILE, or leave --bind out");
        }
        Topology topology = ws.connection.isPresent() ? ws.topology("serve") : null;
        Clock clock = Clock.systemUTC();
        GroupLags lags = new GroupLags(topology == null ? List::of : new RunbookGroups(ws)::groups,
                topology == null ? b -> { throw new IllegalStateException("no brokers"); } : ws.probes("serve").admins(), clock);
        Set<String> pauseBefore = ws.runbook.steps().stream().filter(Step::pauseBefore).map(Step::id).collect(Collectors.toSet());
        DashboardView view = new DashboardView(ws.stateDir, () -> StatusCommand.report(ws, topology), lags, () -> reverts(ws, topology), pauseBefore,
                dev.chrunbook.run.Migrator.HOLD_FILE, dev.chrunbook.chunks.Throttle.PAUSE_FILE, clock);
        DashboardServer server;
        try {
            server = new DashboardServer(new InetSocketAddress(address, port), token, view::json);
        } catch (BindException e) {
            throw ChrunbookException.invalidInput("cannot listen on " + bind + ":" + port + " (" + e.getMessage()
                    + "): pick another port with --port");
        }
        try (server) {
            server.start();
            String host = address.getHostAddress().contains(":") ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
            out().printf("serving %s on http://%s:%d/%s (read-only; Ctrl-C ends)%n", ws.runbook.name(), host, server.port(),
                    token.isPresent() ? "?token=..." : "");
            out().flush();
            new CountDownLatch(1).await(); // until the process is interrupted
        }
        return 0;
    }

    private Optional<String> token() throws IOException {
        if (tokenEnv != null && tokenFile != null) {
            throw ChrunbookException.invalidInput("give --token-env or --token-file, not both");
        }
        if (tokenEnv != null) {
            String t = System.getenv(tokenEnv);
            if (t == null || t.isBlank()) {
                throw ChrunbookException.invalidInput("--token-env " + tokenEnv + ": that environment variable is not set");
            }
            return Optional.of(t.strip());
        }
        if (tokenFile != null) {
            if (!Files.isReadable(tokenFile)) {
                throw ChrunbookException.invalidInput("--token-file " + tokenFile + ": no such readable file");
            }
            String t = Files.readString(tokenFile).strip();
            if (t.isEmpty()) {
                throw ChrunbookException.invalidInput("--token-file " + tokenFile + " is empty");
            }
            return Optional.of(t);
        }
        return Optional.empty();
    }

    /** The groups the runbook's Kafka steps name, rendered with the state's run id (re-rendered when it changes). */
    private static final class RunbookGroups {
        private final Workspace ws;
        private String runId;
        private List<GroupLags.Group> groups = List.of();

        RunbookGroups(Workspace ws) {
            this.ws = ws;
        }

        synchronized List<GroupLags.Group> groups() {
            Optional<RunState> state = ws.state();
            String id = state.map(RunState::runId).orElse(null);
            if (id == null || id.equals(runId)) {
                return groups;
            }
            WorkPlanner planner = ws.planner("serve", id, () -> ws.state().orElse(null));
            List<GroupLags.Group> found = new ArrayList<>();
            for (Step step : ws.runbook.steps()) {
                StepKind kind = ws.kinds.of(step);
                if (!kind.namesGroups()) {
                    continue;
                }
                for (NodeWork w : planner.render(step, planner.nodes(step, List.of(), Optional.empty()), false).values()) {
                    for (StepKind.Group g : kind.consumerGroups(w)) {
                        if (found.stream().noneMatch(f -> f.group().equals(g.group()))) {
                            found.add(new GroupLags.Group(g.brokers(), g.topic(), g.group(), g.role()));
                        }
                    }
                    break; // a step's parameters are the same on every node
                }
            }
            runId = id;
            groups = List.copyOf(found);
            return groups;
        }
    }

    /** What can still be taken back, and how both tables its window keeps fed are being fed (read anew each time). */
    static List<DashboardView.Revert> reverts(Workspace ws, Topology topology) {
        List<DashboardView.Revert> out = new java.util.ArrayList<>();
        java.time.Instant now = java.time.Instant.now();
        for (RevertWindow w : RevertWindow.open(ws.runbook, ws.state().orElse(null), ws.kinds)) {
            List<DashboardView.Table> tables = List.of();
            try {
                tables = topology == null ? List.of()
                        : new TableIngestion(ws.connector("serve"), topology).read(ws.runbook.database(), RevertWindow.fedTables(ws.runbook))
                        .stream().map(f -> new DashboardView.Table(f.table(), f.rowsLastMinute(), f.newestAgeSeconds().orElse(null))).toList();
            } catch (RuntimeException e) { // a node that does not answer: the window is still shown, without the tables
                LOG.warn("cannot read the ingestion of {}: {}", RevertWindow.fedTables(ws.runbook), e.getMessage());
            }
            out.add(new DashboardView.Revert(w.step().id(), w.ended().toString(), w.closes().map(Object::toString).orElse(null),
                    w.passed(now), tables));
        }
        return out;
    }
}
