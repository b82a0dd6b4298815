package dev.chrunbook.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chrunbook.observe.LiveFile;
import dev.chrunbook.state.StatusReport;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What the page shows, read afresh at every request: the step x node matrix of the state, the
 * live file of the run (progress and waits), the tail of the audit log, what the run waits for, and
 * the consumer groups' lag. Reads only: files of the state dir, and the cluster through the report.
 */
public final class DashboardView {
    static final int AUDIT_LINES = 15;
    private static final int AUDIT_TAIL_BYTES = 64 * 1024;

    private final Path stateDir;
    private final Supplier<StatusReport> report;
    private final Supplier<List<GroupLags.Lag>> lags;
    private final Supplier<List<Revert>> reverts;
    private final Set<String> pauseBefore;
    private final String hold;
    private final String pause;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param pauseBefore the runbook's steps that wait for an operator before they start
     * @param holdFile    the name of the file in the state dir that holds every pause_before step
     * @param pauseFile   the name of the file in the state dir that pauses chunked steps
     */
    public DashboardView(Path stateDir, Supplier<StatusReport> report, Supplier<List<GroupLags.Lag>> lags, Supplier<List<Revert>> reverts,
                         Set<String> pauseBefore, String holdFile, String pauseFile, Clock clock) {
        this.stateDir = stateDir;
        this.report = report;
        this.lags = lags;
        this.reverts = reverts;
        this.pauseBefore = pauseBefore;
        this.hold = holdFile;
        this.pause = pauseFile;
        this.clock = clock;
    }

    /**
     * A step that can still be taken back, and how each table its window keeps fed is being fed.
     *
     * @param closes when the revert window closes (ISO-8601); null when the runbook sets none
     */
    public record Revert(String step, String ended, String closes, boolean passed, List<Table> tables) {
    }

    /** @param newestAgeSeconds null when the table had no recent insert */
    public record Table(String table, long rowsLastMinute, Long newestAgeSeconds) {
    }

    /** The view as JSON: {@code report}, {@code live}, {@code waits}, {@code revert}, {@code lags}, {@code audit}, {@code time}. */
    public byte[] json() throws IOException {
        ObjectNode out = json.createObjectNode();
        Instant now = clock.instant();
        out.put("time", now.toString());
        StatusReport r = report.get();
        out.set("report", json.readTree(r.toJson()));
        JsonNode live = live(now);
        out.set("live", live);
        ArrayNode waits = out.putArray("waits");
        waits(r, live).forEach(waits::add);
        ArrayNode revert = out.putArray("revert");
        for (Revert w : reverts.get()) {
            ObjectNode o = revert.addObject().put("step", w.step()).put("ended", w.ended()).put("closes", w.closes()).put("passed", w.passed());
            ArrayNode tables = o.putArray("tables");
            w.tables().forEach(t -> tables.addObject().put("table", t.table()).put("rows_last_minute", t.rowsLastMinute())
                    .put("newest_age_s", t.newestAgeSeconds()));
        }
        out.set("lags", json.valueToTree(lags.get()));
        ArrayNode audit = out.putArray("audit");
        auditTail().forEach(audit::add);
        return json.writeValueAsBytes(out);
    }

    /** The run's live file with its age, and whether the run that writes it still runs. */
    private JsonNode live(Instant now) {
        Path file = stateDir.resolve(LiveFile.FILE);
        if (!Files.exists(file)) {
            return json.createObjectNode().put("run", "none");
        }
        try {
            ObjectNode live = (ObjectNode) json.readTree(file.toFile());
            Instant updated = Instant.parse(live.path("updated").asText(now.toString()));
            live.put("age_s", Duration.between(updated, now).toSeconds());
            boolean alive = ProcessHandle.of(live.path("pid").asLong()).map(ProcessHandle::isAlive).orElse(false);
            live.put("run", live.hasNonNull("ended") ? "ended" : alive ? "running" : "gone");
            return live;
        } catch (IOException | RuntimeException e) {
            return json.createObjectNode().put("run", "unreadable").put("error", e.getMessage());
        }
    }

    /** What holds the run: the operator's files, a pause_before step next in line, and the nodes' own waits. */
    List<String> waits(StatusReport r, JsonNode live) {
        List<String> out = new ArrayList<>();
        if (Files.exists(stateDir.resolve(pause))) {
            out.add(pause + " file in the state dir: chunked steps start no new chunk until it is removed");
        }
        if (Files.exists(stateDir.resolve(hold))) {
            out.add(hold + " file in the state dir: every pause_before step is held until it is removed");
        }
        r.steps().stream().filter(s -> !s.status().equals("done") && !s.status().equals("skipped")).findFirst()
                .filter(s -> pauseBefore.contains(s.id()) && !s.status().equals("running"))
                .ifPresent(s -> out.add("step " + s.id() + " waits for an operator (pause_before): run it by name with --step " + s.id()));
        for (JsonNode n : live.path("nodes")) {
            if (n.hasNonNull("waiting")) {
                out.add(n.path("step").asText() + " on " + n.path("node").asText() + ": " + n.path("waiting").asText());
            }
        }
        return out;
    }

    /** The last lines of audit.jsonl, newest last; read from the end, so a long log costs nothing. */
    private List<JsonNode> auditTail() {
        Path file = stateDir.resolve(dev.chrunbook.observe.AuditLog.FILE);
        if (!Files.exists(file)) {
            return List.of();
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, f.length() - AUDIT_TAIL_BYTES);
            byte[] tail = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(tail);
            String[] lines = new String(tail, StandardCharsets.UTF_8).split("\n");
            List<JsonNode> out = new ArrayList<>();
            for (int i = Math.max(start > 0 ? 1 : 0, lines.length - AUDIT_LINES); i < lines.length; i++) { // a cut first line is skipped
                if (!lines[i].isBlank()) {
                    out.add(json.readTree(lines[i]));
                }
            }
            return out;
        } catch (IOException e) {
            return List.of(json.createObjectNode().put("error", "cannot read " + file + ": " + e.getMessage()));
        }
    }
}
