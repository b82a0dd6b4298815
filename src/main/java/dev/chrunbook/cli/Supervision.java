package dev.chrunbook.cli;

import dev.chrunbook.clickhouse.ClickHouseConnector;
import dev.chrunbook.exec.ExecutionListener;
import dev.chrunbook.progress.JsonEvents;
import dev.chrunbook.progress.Listeners;
import dev.chrunbook.progress.ProgressLines;
import dev.chrunbook.progress.ProgressMonitor;
import dev.chrunbook.progress.ProgressSink;
import dev.chrunbook.progress.TerminalBars;
import dev.chrunbook.state.AuditLog;

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
