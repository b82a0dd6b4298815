package dev.chrunbook.run;


import java.util.List;
import java.util.Optional;

import dev.chrunbook.runbook.Step;

/**
 * What {@code run} did, step by step; the first incomplete step is where it stopped.
 *
 * @param pausedAt the pause_before step the run stopped short of, which needs its own --step
 */
public record RunResult(String runId, List<StepResult> steps, Optional<Step> pausedAt) {
    public Optional<StepResult> failed() {
        return steps.stream().filter(s -> !s.complete()).findFirst();
    }
}
