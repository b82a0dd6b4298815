package dev.chrunbook.run;

import dev.chrunbook.kinds.Kinds;
import dev.chrunbook.runbook.Runbook;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.RunState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A done step that can still be taken back ({@code chrunbook rollback --step}): it has a rollback and
 * no step after it that changes the cluster has started. With the runbook's
 * {@code revert_window_seconds}, the window closes that long after the step ended (the exchange's
 * swap: until then the old table is kept fed). What status and the dashboard show of it.
 *
 * @param closes when the window closes; empty when the runbook sets none
 */
public record RevertWindow(Step step, Instant ended, Optional<Instant> closes) {
    static final String WINDOW_VAR = "revert_window_seconds";

    /**
     * The tables a cut-over's revert window keeps fed, as the runbook names them (its source and staging
     * vars): after the exchange one has each name. Empty when the runbook names neither.
     */
    public static List<String> fedTables(Runbook runbook) {
        List<String> out = new ArrayList<>();
        for (String var : List.of("source", "staging")) {
            Object name = runbook.vars().get(var);
            if (name != null && !name.toString().isBlank()) {
                out.add(name.toString());
            }
        }
        return out;
    }

    public boolean passed(Instant now) {
        return closes.map(now::isAfter).orElse(false);
    }

    /** The steps of the runbook that can be taken back now, in order. */
    public static List<RevertWindow> open(Runbook runbook, RunState state, Kinds kinds) {
        List<RevertWindow> out = new ArrayList<>();
        if (state == null) {
            return out;
        }
        Object seconds = runbook.vars().get(WINDOW_VAR);
        for (Step s : runbook.steps()) {
            Optional<Instant> ended = state.lastFinish(s.id());
            if (s.rollback() == null || ended.isEmpty() || Rollback.blocker(runbook, state, kinds, s).isPresent()) {
                continue;
            }
            Optional<Instant> closes = seconds != null && seconds.toString().matches("\\d{1,9}")
                    ? Optional.of(ended.get().plusSeconds(Long.parseLong(seconds.toString()))) : Optional.empty();
            out.add(new RevertWindow(s, ended.get(), closes));
        }
        return out;
    }
}
