package dev.chrunbook.observe;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** One progress bar per running statement on the terminal: done / total, rate, elapsed and ETA. */
public final class TerminalBars implements ProgressSink {
    private final PrintStream out;
    private final Map<String, ProgressBar> bars = new ConcurrentHashMap<>();
    private final Map<String, Optional<Duration>> eta = new ConcurrentHashMap<>();

    public TerminalBars(PrintStream out) {
        this.out = out;
    }

    @Override
    public void update(ProgressSnapshot s) {
        eta.put(s.queryId(), s.eta());
        ProgressBar bar = bars.computeIfAbsent(s.queryId(), id -> new ProgressBarBuilder()
                .setTaskName(s.step() + " " + s.node())
                .setInitialMax(s.total() > 0 ? s.total() : -1)
                .setUnit(" " + s.unit(), 1)
                .showSpeed()
                .setStyle(ProgressBarStyle.ASCII)
                .setSpeedUnit(ChronoUnit.SECONDS)
                .startsFrom(0, s.elapsed())
                .setEtaFunction(state -> eta.getOrDefault(id, Optional.empty()))
                .setUpdateIntervalMillis(500)
                .setMaxRenderedLength(140)
                .setConsumer(new me.tongfei.progressbar.InteractiveConsoleProgressBarConsumer(out))
                .build());
        if (s.total() > 0) {
            bar.maxHint(Math.max(s.total(), s.done()));
        }
        bar.stepTo(s.done());
    }

    @Override
    public void finished(String queryId) {
        eta.remove(queryId);
        ProgressBar bar = bars.remove(queryId);
        if (bar != null) {
            bar.close();
        }
    }

}
