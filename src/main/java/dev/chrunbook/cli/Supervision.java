package dev.chrunbook.cli;

import dev.chrunbook.clickhouse.ClickHouseConnector;
import dev.chrunbook.observe.ExecutionListener;
import dev.chrunbook.observe.JsonEvents;
import dev.chrunbook.observe.LiveFile;
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
 * terminal) or status lines (elsewhere), and the audit log and the live view for serve, which are
 * always on.
 */
final class Supervision implements AutoCloseable {
    private final ExecutionListener listener;
    private final ProgressMonitor monitor;
    private final dev.chrunbook.observe.Hooks hooks;
    private final LiveFile live;

    private Supervision(ExecutionListener listener, ProgressMonitor monitor, dev.chrunbook.observe.Hooks hooks, LiveFile live) {
        this.listener = listener;
        this.monitor = monitor;
        this.hooks = hooks;
        this.live = live;
    }

    static Supervision start(ClickHouseConnector connector, PrintWriter err, Clock clock, boolean quiet, boolean json,
                             AuditLog audit) {
        return start(connector, err, clock, quiet, json, audit, null);
    }

    /** @param runbook whose hooks are told of the run (none when null) */
    static Supervision start(ClickHouseConnector connector, PrintWriter err, Clock clock, boolean quiet, boolean json,
                             AuditLog audit, dev.chrunbook.runbook.Runbook runbook) {
        List<ExecutionListener> all = new ArrayList<>();
        all.add(audit);
        dev.chrunbook.observe.Hooks hooks = runbook == null || runbook.hooks().isEmpty() ? null
                : new dev.chrunbook.observe.Hooks(runbook.name(), runbook.hooks(), audit, clock);
        if (hooks != null) {
            all.add(hooks);
        }
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
        // the live view for serve is always kept, as the audit is: its file is next to the state's
        LiveFile live = new LiveFile(audit.stateDir(), clock);
        all.add(live);
        ProgressMonitor monitor = new ProgressMonitor(connector, ProgressSink.both(sink, live), clock, Duration.ofSeconds(1));
        all.add(monitor);
        return new Supervision(new Listeners(all), monitor, hooks, live);
    }

    ExecutionListener listener() {
        return listener;
    }

    /** What may hold a cut-over step back: the runbook's required before_cutover hooks. */
    dev.chrunbook.run.CutoverGate gate() {
        return hooks == null ? dev.chrunbook.run.CutoverGate.OPEN : hooks::beforeCutover;
    }

    @Override
    public void close() {
        monitor.close();
        live.close();
        if (hooks != null) {
            hooks.close(); // the last step_failed reaches people before the process ends
        }
    }
}
