package dev.chrunbook.observe;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.chrunbook.Node;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.StatementState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The run's live view for other processes ({@code serve}): per step and node, the progress of the
 * statement that runs and what the node waits for, rewritten as {@code live.json} in the state dir
 * once a second when something changed. The state file holds what is decided; this holds only what
 * is happening, so it may be lost or stale without harm.
 */
public final class LiveFile implements ExecutionListener, ProgressSink, AutoCloseable {
    public static final String FILE = "live.json";
    private static final Logger LOG = LoggerFactory.getLogger(LiveFile.class);

    private final Path file;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final Map<String, NodeLive> nodes = new TreeMap<>();
    private final ScheduledExecutorService flusher;
    private boolean dirty = true;

    /** What the file holds: {@code ended} is set when the run that wrote it ended normally. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record View(int schema, Instant updated, long pid, Instant ended, List<NodeLive> nodes) {
    }

    /**
     * One node of one step while it runs: what it waits for (cleared by its next progress line),
     * the step's own progress line, the running statement's progress, the last cursor.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NodeLive(String step, String node, String waiting, @JsonProperty("waiting_since") Instant waitingSince,
                           String line, Progress progress, String cursor) {
        static NodeLive of(String step, String node) {
            return new NodeLive(step, node, null, null, null, null, null);
        }

        NodeLive waiting(String why, Instant now) {
            return new NodeLive(step, node, why, why.equals(waiting) ? waitingSince : now, line, progress, cursor);
        }

        NodeLive line(String text) {
            return new NodeLive(step, node, null, null, text, progress, cursor);
        }

        NodeLive progress(Progress p) {
            return new NodeLive(step, node, waiting, waitingSince, line, p, cursor);
        }

        NodeLive cursor(String token) {
            return new NodeLive(step, node, waiting, waitingSince, line, progress, token);
        }
    }

    /** The running statement's progress, as the monitor last saw it. */
    public record Progress(@JsonProperty("query_id") String queryId, String unit, long done, long total,
                           @JsonProperty("per_second") long perSecond, @JsonProperty("eta_s") Long etaSeconds) {
    }

    public LiveFile(Path stateDir, Clock clock) {
        this.file = stateDir.resolve(FILE);
        this.clock = clock;
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chrunbook-live");
            t.setDaemon(true);
            return t;
        });
        flusher.scheduleWithFixedDelay(this::flush, 0, 1, TimeUnit.SECONDS);
    }

    @Override
    public synchronized void stepStarted(Step step, List<Node> on) {
        for (Node n : on) {
            nodes.put(key(step.id(), n.id()), NodeLive.of(step.id(), n.id()));
        }
        dirty = true;
    }

    @Override
    public synchronized void waiting(Step step, Node node, String why) {
        change(step.id(), node.id(), n -> n.waiting(why, clock.instant()));
    }

    @Override
    public synchronized void progress(Step step, Node node, String line) {
        change(step.id(), node.id(), n -> n.line(line));
    }

    @Override
    public synchronized void cursor(Step step, Node node, String token, String progress) {
        change(step.id(), node.id(), n -> n.line(progress).cursor(token)); // a copy's progress comes with its cursor
    }

    @Override
    public synchronized void update(ProgressSnapshot s) {
        change(s.step(), s.node(), n -> n.progress(new Progress(s.queryId(), s.unit(), s.done(), s.total(), Math.round(s.perSecond()),
                s.eta().map(java.time.Duration::toSeconds).orElse(null))));
    }

    @Override
    public synchronized void finished(String queryId) {
        nodes.replaceAll((k, n) -> n.progress() != null && queryId.equals(n.progress().queryId()) ? n.progress(null) : n);
        dirty = true;
    }

    @Override
    public void statementFinished(Step step, Node node, StatementState statement, Map<String, String> settings, String error) {
        finished(statement.queryId());
    }

    @Override
    public synchronized void nodeFinished(Step step, Node node, NodeState state) {
        nodes.remove(key(step.id(), node.id()));
        dirty = true;
    }

    private void change(String step, String node, java.util.function.UnaryOperator<NodeLive> how) {
        nodes.compute(key(step, node), (k, n) -> how.apply(n == null ? NodeLive.of(step, node) : n));
        dirty = true;
    }

    private static String key(String step, String node) {
        return step + " " + node;
    }

    private void flush() {
        View view;
        synchronized (this) {
            if (!dirty) {
                return;
            }
            dirty = false;
            view = new View(1, clock.instant(), ProcessHandle.current().pid(), null, List.copyOf(nodes.values()));
        }
        write(view);
    }

    private void write(View view) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(FILE + ".tmp");
            json.writeValue(tmp.toFile(), view);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.debug("cannot write {}: {}", file, e.getMessage());
        }
    }

    /** The run ended: the file says so, with nothing running. */
    @Override
    public void close() {
        flusher.shutdownNow();
        write(new View(1, clock.instant(), ProcessHandle.current().pid(), clock.instant(), List.of()));
    }
}
