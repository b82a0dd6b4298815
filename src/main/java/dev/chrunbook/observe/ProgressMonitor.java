package dev.chrunbook.observe;

import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseConnector;
import dev.chrunbook.clickhouse.QueryOutcome;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.StatementState;
import dev.chrunbook.Node;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Watches the statements that run, on a thread of its own with its own connections: copies through
 * system.processes, OPTIMIZE through system.merges, replica syncs through system.replicas. Turns
 * each look into a {@link ProgressSnapshot} with rate and ETA and hands it to a sink.
 */
public final class ProgressMonitor implements ExecutionListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressMonitor.class);

    private final ClickHouseConnector connector;
    private final ProgressSink sink;
    private final Clock clock;
    private final Map<String, Watch> watches = new ConcurrentHashMap<>();
    private final Map<String, ClickHouseClient> clients = new ConcurrentHashMap<>();
    private final ScheduledExecutorService poller;

    public ProgressMonitor(ClickHouseConnector connector, ProgressSink sink, Clock clock, Duration every) {
        this.connector = connector;
        this.sink = sink;
        this.clock = clock;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chrunbook-progress");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(this::pollAll, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void statementStarted(Step step, Node node, String queryId, String sql) {
        watches.put(queryId, new Watch(step.id(), node, queryId, StatementProbe.of(sql), clock.millis()));
    }

    @Override
    public void statementRunning(Step step, Node node, String queryId, QueryOutcome progress) {
        // a reattached statement: started before this run, so its elapsed comes from the server
        watches.computeIfAbsent(queryId, id -> new Watch(step.id(), node, id, StatementProbe.reattached(),
                clock.millis() - progress.durationMs()));
    }

    @Override
    public void statementFinished(Step step, Node node, StatementState statement, Map<String, String> settings, String error) {
        if (watches.remove(statement.queryId()) != null) {
            sink.finished(statement.queryId());
        }
    }

    void pollAll() {
        for (Watch w : watches.values()) {
            try {
                ClickHouseClient client = clients.computeIfAbsent(w.node.id(), id -> connector.connect(w.node.host(), w.node.httpPort()));
                StatementProbe.Reading r = w.probe.read(client, w.queryId);
                if (r != null && watches.containsKey(w.queryId)) {
                    sink.update(w.snapshot(r, clock.millis()));
                }
            } catch (RuntimeException e) {
                LOG.debug("progress of {} on {}: {}", w.queryId, w.node.id(), e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
        clients.values().forEach(ClickHouseClient::close);
    }

    /** One statement being watched, with what the last look saw (for the rate). */
    static final class Watch {
        final String step;
        final Node node;
        final String queryId;
        final StatementProbe probe;
        final long startedMillis;
        long lastDone = -1;
        long lastMillis;
        double rate;

        Watch(String step, Node node, String queryId, StatementProbe probe, long startedMillis) {
            this.step = step;
            this.node = node;
            this.queryId = queryId;
            this.probe = probe;
            this.startedMillis = startedMillis;
        }

        ProgressSnapshot snapshot(StatementProbe.Reading r, long now) {
            long elapsedMs = r.elapsedMs() > 0 ? r.elapsedMs() : now - startedMillis;
            if (lastDone < 0) {
                rate = elapsedMs > 0 ? r.done() * 1000.0 / elapsedMs : 0;
            } else if (now > lastMillis) {
                double recent = (r.done() - lastDone) * 1000.0 / (now - lastMillis);
                rate = 0.5 * rate + 0.5 * Math.max(0, recent);
            }
            lastDone = r.done();
            lastMillis = now;
            java.util.Optional<Duration> eta = rate > 0 && r.total() > r.done()
                    ? java.util.Optional.of(Duration.ofMillis((long) ((r.total() - r.done()) * 1000 / rate)))
                    : r.total() > 0 && r.done() >= r.total() ? java.util.Optional.of(Duration.ZERO) : java.util.Optional.empty();
            return new ProgressSnapshot(step, node.id(), queryId, r.unit(), r.done(), r.total(), rate,
                    Duration.ofMillis(elapsedMs), eta);
        }
    }
}
