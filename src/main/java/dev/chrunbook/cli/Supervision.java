package dev.chrunbook.cli;

import dev.chrunbook.clickhouse.ClickHouseConnector;
import dev.chrunbook.observe.ExecutionListener;
import dev.chrunbook.observe.JsonEvents;
import dev.chrunbook.observe.Listeners;
import dev.chrunbook.observe.ProgressLines;
import dev.chrunbook.observe.ProgressMonitor;
import dev.chrunbook.observe.ProgressSink;
import dev.chrunbook.observe.TerminalBars;
import dev.chrunbook.observe.AuditLog;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The observers of a run: event lines or JSON events, the progress monitor feeding bars (on a
 * terminal) or status lines (elsewhere), and the audit log, which is always on.
 */
final class Supervision implements AutoCloseable {
    private final ExecutionListener listener;
    private final ProgressMonitor monitor;

    private Supervision(ExecutionListener listener, ProgressMonitor monitor) {
        this.listener = listener;
        this.monitor = monitor;
    }

    static Supervision start(ClickHouseConnector connector, PrintWriter err, Clock clock, boolean quiet, boolean json,
                             AuditLog audit) {
        List<ExecutionListener> all = new ArrayList<>();
        all.add(audit);
        ProgressSink sink = ProgressSink.NONE;
        if (json) {
            JsonEvents events = new JsonEvents(err, clock);
            all.add(events);
            sink = events;
        } else if (!quiet) {
            ProgressLines lines = new ProgressLines(err, clock);
            all.add(lines);
            sink = System.console() != null ? new TerminalBars(System.err) : lines;
        }
        ProgressMonitor monitor = null;
        if (sink != ProgressSink.NONE) {
            monitor = new ProgressMonitor(connector, sink, clock, Duration.ofSeconds(1));
            all.add(monitor);
        }
        return new Supervision(new Listeners(all), monitor);
    }

    ExecutionListener listener() {
        return listener;
    }

    @Override
    public void close() {
        if (monitor != null) {
            monitor.close();
        }
    }
}
