package dev.chrunbook.runbook;

import java.util.Set;

/**
 * The half of a step kind the loader needs: its name and the YAML fields it reads. The whole kind
 * (what it renders, how it applies) implements this in dev.chrunbook.kinds.
 */
public interface StepFields {
    /** The value of {@code kind:} in a runbook. */
    String name();

    /** The step keys this kind reads, besides the ones every step has. */
    Set<String> keys();

    /** Reads and checks this kind's fields of the step at {@code step}; errors name file:line. */
    Step.Body read(YamlFields step, String id);
}
