package dev.chrunbook.exec;

import java.util.List;
import java.util.Optional;

/** What {@code run} did, step by step; the first incomplete step is where it stopped. */
public record RunResult(String runId, List<StepResult> steps) {
    public Optional<StepResult> failed() {
        return steps.stream().filter(s -> !s.complete()).findFirst();
    }
}
