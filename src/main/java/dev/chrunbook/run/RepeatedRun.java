package dev.chrunbook.run;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.ExitCode;
import dev.chrunbook.runbook.Runbook;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.RunState;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code run --step recheck --repeat 1m}: the named steps, all of them kinds that change nothing, run
 * again round after round while the cut-over waits (Spirit's continuous re-check), so that the swap
 * finds a recent clean check. Each round takes the state lock and lets it go, so the cut-over can be
 * started from another terminal meanwhile; the repetition ends by itself once a step after the named
 * ones has started, at the first round that does not pass, or at Ctrl-C.
 */
public final class RepeatedRun {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    /** One round: the named steps, rerun on every node. */
    public interface Round {
        RunResult run() throws Exception;
    }

    /** How a pause between rounds passes; tests pass time without waiting. */
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /**
     * @param last       the last round that ran (empty when none could)
     * @param rounds     how many rounds ran
     * @param laterStep  the step after the named ones whose start ended the repetition
     */
    public record Outcome(Optional<RunResult> last, int rounds, Optional<String> laterStep) {
        public boolean failed() {
            return last.flatMap(RunResult::failed).isPresent();
        }
    }

    private final Runbook runbook;
    private final Supplier<Optional<RunState>> state;
    private final Duration every;
    private final Clock clock;
    private final Sleeper sleeper;
    private final PrintWriter progress;

    public RepeatedRun(Runbook runbook, Supplier<Optional<RunState>> state, Duration every, Clock clock, Sleeper sleeper,
                       PrintWriter progress) {
        this.runbook = runbook;
        this.state = state;
        this.every = every;
        this.clock = clock;
        this.sleeper = sleeper;
        this.progress = progress;
    }

    public Outcome run(List<String> stepIds, Round round) throws Exception {
        Instant began = clock.instant();
        List<Step> later = after(stepIds);
        Optional<RunResult> last = Optional.empty();
        int rounds = 0;
        while (true) {
            Optional<String> started = startedSince(later, began);
            if (started.isPresent()) {
                return new Outcome(last, rounds, started);
            }
            try {
                last = Optional.of(round.run());
                rounds++;
            } catch (ChrunbookException e) {
                if (e.exitCode() != ExitCode.STATE_CONFLICT) {
                    throw e;
                }
                // another run holds the state (the cut-over, started meanwhile): look again after the pause
                progress.println("[repeat] not now: " + e.getMessage());
            }
            if (last.isPresent() && last.get().failed().isPresent()) {
                return new Outcome(last, rounds, Optional.empty());
            }
            if (last.isPresent()) {
                progress.printf("[repeat] round %d of %s clean at %s UTC; the next in %s (Ctrl-C stops; the cut-over may start"
                        + " meanwhile from another terminal)%n", rounds, String.join(", ", stepIds), TIME.format(clock.instant()),
                        text(every));
            }
            progress.flush();
            pause(later, began);
        }
    }

    /** Waits out the pause a second at a time, so that a cut-over started meanwhile ends it early. */
    private void pause(List<Step> later, Instant began) throws InterruptedException {
        Duration left = every;
        while (!left.isNegative() && !left.isZero() && startedSince(later, began).isEmpty()) {
            Duration step = left.compareTo(Duration.ofSeconds(1)) < 0 ? left : Duration.ofSeconds(1);
            sleeper.sleep(step);
            left = left.minus(step);
        }
    }

    private List<Step> after(List<String> stepIds) {
        int lastNamed = -1;
        for (int i = 0; i < runbook.steps().size(); i++) {
            if (stepIds.contains(runbook.steps().get(i).id())) {
                lastNamed = i;
            }
        }
        return runbook.steps().subList(lastNamed + 1, runbook.steps().size());
    }

    /** The first step after the named ones that a run started on any node since the repetition began. */
    private Optional<String> startedSince(List<Step> later, Instant began) {
        Optional<RunState> now = state.get();
        if (now.isEmpty()) {
            return Optional.empty();
        }
        for (Step step : later) {
            boolean started = now.get().steps().getOrDefault(step.id(), java.util.Map.of()).values().stream()
                    .map(NodeState::started).anyMatch(t -> t != null && !t.isBefore(began));
            if (started) {
                return Optional.of(step.id());
            }
        }
        return Optional.empty();
    }

    private static String text(Duration d) {
        return d.toSeconds() % 60 == 0 && d.toSeconds() > 0 ? d.toMinutes() + " min" : d.toMillis() / 1000.0 + " s";
    }
}
