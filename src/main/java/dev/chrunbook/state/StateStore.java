package dev.chrunbook.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.chrunbook.ChrunbookException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The checkpoint file {@code state.json} of one runbook. Every change is written before the flow
 * moves on: temp file, fsync, atomic rename, so a kill -9 leaves the old or the new state, never a
 * torn one.
 */
public final class StateStore {
    static final String FILE = "state.json";

    private final Path dir;
    private final Clock clock;
    private final ObjectMapper json = mapper();
    private RunState state;

    private StateStore(Path dir, Clock clock, RunState state) {
        this.dir = dir;
        this.clock = clock;
        this.state = state;
    }

    /**
     * Reads the state in {@code dir}, which must belong to {@code runbook} (exit 3 otherwise, naming
     * both); empty when nothing ran yet.
     */
    public static Optional<RunState> read(Path dir, String runbook) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw ChrunbookException.stateConflict("--state-dir " + dir + " is a file, not a folder; pass a folder (it is created when missing)");
        }
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        RunState state;
        try {
            state = mapper().readValue(file.toFile(), RunState.class);
        } catch (IOException | RuntimeException e) {
            throw unreadable(file, firstLine(e.getMessage()));
        }
        Optional<String> problem = StateCheck.problem(state);
        if (problem.isPresent()) {
            throw unreadable(file, problem.get());
        }
        if (!state.runbook().equals(runbook)) {
            throw ChrunbookException.stateConflict("state dir " + dir + " belongs to runbook " + ChrunbookException.shown(state.runbook())
                    + (state.runbookFile() == null ? "" : " (" + ChrunbookException.shown(state.runbookFile()) + ")")
                    + ", not '" + runbook + "': pass the --state-dir of this runbook (default .chrunbook/" + runbook + ")");
        }
        return Optional.of(state);
    }

    private static ChrunbookException unreadable(Path file, String why) {
        return ChrunbookException.stateConflict("state file " + file + " is unreadable (" + why
                + "); restore it from " + file + ".bak if present, or move it away to start over");
    }

    private static String firstLine(String message) {
        String m = message == null ? "" : message.strip();
        int nl = m.indexOf('\n');
        return ChrunbookException.shown(nl > 0 ? m.substring(0, nl) : m);
    }

    /** Opens the state for writing, creating it with {@code newRunId} on the first --execute. */
    public static StateStore open(Path dir, String runbook, String newRunId, Clock clock) {
        return open(dir, runbook, null, newRunId, clock);
    }

    /** @param runbookFile recorded in a new state, so a refusal can name the file the state belongs to */
    public static StateStore open(Path dir, String runbook, Path runbookFile, String newRunId, Clock clock) {
        RunState existing = read(dir, runbook).orElse(null);
        StateStore store = new StateStore(dir, clock,
                existing != null ? existing : new RunState(runbook, newRunId, clock.instant(), null,
                        runbookFile == null ? null : runbookFile.toAbsolutePath().normalize().toString()));
        if (existing == null) {
            store.save();
        }
        return store;
    }

    public synchronized RunState state() {
        return state;
    }

    public synchronized NodeState node(String step, String node) {
        return state.node(step, node);
    }

    /** Applies {@code change} to one step x node and persists it before returning. */
    public synchronized NodeState update(String step, String node, UnaryOperator<NodeState> change) {
        NodeState next = change.apply(state.node(step, node));
        state = state.with(step, node, next);
        save();
        return next;
    }

    /** Records where the nodes sit (shard, replica), for status; persisted before returning. */
    public synchronized void recordNodes(Map<String, NodePlace> places) {
        if (!state.nodes().entrySet().containsAll(places.entrySet())) {
            state = state.withNodes(places);
            save();
        }
    }

    public Clock clock() {
        return clock;
    }

    public Path dir() {
        return dir;
    }

    private void save() {
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(FILE + ".tmp");
            byte[] bytes = json.writeValueAsBytes(state);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Path target = dir.resolve(FILE);
            if (Files.exists(target)) {
                Files.copy(target, dir.resolve(FILE + ".bak"), StandardCopyOption.REPLACE_EXISTING);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + dir + " cannot rename atomically", e);
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("state is not serializable", e);
        } catch (IOException e) {
            throw ChrunbookException.stateConflict("cannot write state to " + dir + ": " + e.getMessage()
                    + "; nothing further was started");
        }
    }

    static ObjectMapper mapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(SerializationFeature.INDENT_OUTPUT);
    }
}
