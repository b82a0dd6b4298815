package dev.chrunbook.kinds;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.runbook.RunbookLoader;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.runbook.StepCatalog;
import dev.chrunbook.runbook.StepFields;
import dev.chrunbook.runbook.YamlFields;

import java.util.List;

/** The step kinds chrunbook knows: a new kind is a class and one line here. */
public final class Kinds implements StepCatalog {
    private final List<StepKind> kinds = List.of(
            new SqlKind(),
            new CheckKind(),
            new KafkaOffsetsKind(),
            new KafkaLagKind(),
            new KafkaGroupsKind(),
            new ReplicasAgreeKind(),
            new SliceVerifyKind(),
            new RemoteVerifyKind(),
            new ChunkedCopyKind(),
            new PartitionDedupeKind(),
            new RemoteCopyKind(),
            new HttpExportKind());

    @Override
    public List<StepKind> all() {
        return kinds;
    }

    /** Without {@code kind:}, a step with SQL (or with nothing) runs it; one with only asserts checks. */
    @Override
    public StepFields inferred(YamlFields step) {
        boolean hasSql = step.has("template") || step.has("sql");
        return of(hasSql || !step.has("assert") ? SqlKind.NAME : CheckKind.NAME);
    }

    /** The kind of a loaded step. */
    public StepKind of(Step step) {
        return of(step.kind());
    }

    private StepKind of(String name) {
        return kinds.stream().filter(k -> k.name().equals(name)).findFirst()
                .orElseThrow(() -> ChrunbookException.invalidInput("no step kind '" + name + "'"));
    }

    /** The loader that knows these kinds. */
    public RunbookLoader loader() {
        return new RunbookLoader(this);
    }
}
