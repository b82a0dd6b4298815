package dev.chrunbook.observe;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrunbook.Node;
import dev.chrunbook.runbook.Hook;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Tells people: runs the runbook's hooks on step_started, step_finished, step_failed, waiting (at
 * most once a minute per step and node) and before_cutover. Commands get the event as environment
 * variables; webhooks get a JSON POST with a Slack-compatible {@code text}. Every run goes into the
 * audit log. A failing hook is reported and changes nothing, except a required before_cutover hook,
 * which blocks its step. Hooks other than before_cutover run in order on a thread of their own, so
 * a slow one never holds a step up; {@link #close} waits for them.
 */
public final class Hooks implements ExecutionListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Hooks.class);
    private static final Duration WAITING_EVERY = Duration.ofMinutes(1);

    private final String runbook;
    private final List<Hook> hooks;
    private final AuditLog audit;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService later = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "chrunbook-hooks");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Instant> lastWaiting = new HashMap<>();

    public Hooks(String runbook, List<Hook> hooks, AuditLog audit, Clock clock) {
        this.runbook = runbook;
        this.hooks = hooks;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public void stepStarted(Step step, List<Node> nodes) {
        fire("step_started", step, String.join(",", nodes.stream().map(Node::id).toList()), "running", null);
    }

    @Override
    public void nodeFinished(Step step, Node node, NodeState state) {
        if (state.status() == Status.FAILED) {
            fire("step_failed", step, node.id(), "failed", state.error());
        } else if (state.status().complete()) {
            fire("step_finished", step, node.id(), state.status().label(), null);
        }
    }

    /** A step's progress line is not a wait: nobody is called for it. */
    @Override
    public void progress(Step step, Node node, String line) {
    }

    @Override
    public void waiting(Step step, Node node, String why) {
        String key = step.id() + "@" + node.id();
        synchronized (lastWaiting) {
            Instant last = lastWaiting.get(key);
            if (last != null && last.plus(WAITING_EVERY).isAfter(clock.instant())) {
                return;
            }
            lastWaiting.put(key, clock.instant());
        }
        fire("waiting", step, node.id(), "waiting", why);
    }

    /**
     * A pause_before step (the cut-over) was asked to start: its before_cutover hooks run now, in
     * order. Empty when it may start; else why a required one blocks it.
     */
    public Optional<String> beforeCutover(Step step, List<Node> nodes) {
        String where = String.join(",", nodes.stream().map(Node::id).toList());
        for (Hook h : hooks) {
            if (h.events().contains("before_cutover")) {
                Optional<String> failed = run(h, "before_cutover", step, where, "starting", null);
                if (failed.isPresent() && h.required()) {
                    return Optional.of("required before_cutover hook " + h.label() + " (runbook line " + h.line() + ") failed: "
                            + failed.get());
                }
            }
        }
        return Optional.empty();
    }

    private void fire(String event, Step step, String node, String status, String error) {
        for (Hook h : hooks) {
            if (h.events().contains(event)) {
                later.submit(() -> run(h, event, step, node, status, error));
            }
        }
    }

    /** Runs one hook; empty when it succeeded, else why not (reported, and in the audit log). */
    private Optional<String> run(Hook h, String event, Step step, String node, String status, String error) {
        Instant start = clock.instant();
        Optional<String> failed;
        try {
            failed = h.webhook() ? post(h, event, step, node, status, error) : command(h, event, step, node, status, error);
        } catch (IOException | RuntimeException e) {
            failed = Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed = Optional.of("interrupted");
        }
        failed.ifPresent(why -> LOG.warn("hook {} on {} of step {} failed: {}", h.label(), event, step.id(), why));
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", clock.instant().toString());
        line.put("hook", h.label());
        line.put("event", event);
        line.put("step", step.id());
        line.put("node", node);
        line.put("required", h.required());
        line.put("duration_ms", Duration.between(start, clock.instant()).toMillis());
        line.put("outcome", failed.isPresent() ? "failed" : "done");
        line.put("error", failed.orElse(null));
        audit.append(line);
        return failed;
    }

    private Optional<String> command(Hook h, String event, Step step, String node, String status, String error)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(h.command()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("CHRUNBOOK_EVENT", event);
        env.put("CHRUNBOOK_RUNBOOK", runbook);
        env.put("CHRUNBOOK_STEP", step.id());
        env.put("CHRUNBOOK_NODE", node);
        env.put("CHRUNBOOK_STATUS", status);
        env.put("CHRUNBOOK_ERROR", error == null ? "" : error);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] head;
        try (InputStream out = p.getInputStream()) {
            if (!p.waitFor(h.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return Optional.of("timed out after " + h.timeout().toSeconds() + " s");
            }
            head = out.readNBytes(2000);
        }
        return p.exitValue() == 0 ? Optional.empty()
                : Optional.of("exit " + p.exitValue() + (head.length == 0 ? "" : ": " + new String(head, StandardCharsets.UTF_8).strip()));
    }

    private Optional<String> post(Hook h, String event, Step step, String node, String status, String error)
            throws IOException, InterruptedException {
        String url = h.url() != null ? h.url() : h.urlEnv() != null ? System.getenv(h.urlEnv())
                : Files.readString(Path.of(h.urlFile())).trim();
        if (url == null || url.isBlank()) {
            return Optional.of("url_env " + h.urlEnv() + " is not set");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", "chrunbook " + runbook + ": " + event.replace('_', ' ') + " - step " + step.id() + " on " + node
                + (error == null || error.isBlank() ? "" : ": " + error));
        body.put("event", event);
        body.put("runbook", runbook);
        body.put("step", step.id());
        body.put("node", node);
        body.put("status", status);
        body.put("error", error);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(h.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(new ObjectMapper().writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() / 100 == 2 ? Optional.empty() : Optional.of("HTTP " + r.statusCode());
    }

    /** Waits for the hooks still to run (each has its timeout). */
    @Override
    public void close() {
        later.shutdown();
        try {
            long most = 10 + hooks.stream().mapToLong(h -> h.timeout().toSeconds()).sum() * 4;
            if (!later.awaitTermination(most, TimeUnit.SECONDS)) {
                LOG.warn("hooks still running after {} s were left", most);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
