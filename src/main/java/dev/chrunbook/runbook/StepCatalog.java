package dev.chrunbook.runbook;

import java.util.List;
import java.util.Optional;

/** The step kinds a runbook may use, as the loader sees them. */
public interface StepCatalog {
    List<? extends StepFields> all();

    /** The kind of a step that has no {@code kind:} line, from the fields it has. */
    StepFields inferred(YamlFields step);

    default Optional<StepFields> named(String name) {
        return all().stream().filter(k -> k.name().equals(name)).map(k -> (StepFields) k).findFirst();
    }
}
