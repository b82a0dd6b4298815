package dev.chrunbook.render;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.ExitCode;
import dev.chrunbook.SqlQuoting;

import java.util.Optional;

/**
 * A table a step is built from is not in a node's catalog. When an earlier step of the same plan or
 * run names it (creates or renames it), the step is rendered when its turn comes ({@link PlanRenderings}).
 */
public final class MissingObjectException extends ChrunbookException {
    private final String quotedName;

    public MissingObjectException(String database, String table, String message) {
        super(ExitCode.VERIFICATION_FAILED, message);
        this.quotedName = SqlQuoting.identifier(database) + "." + SqlQuoting.identifier(table);
    }

    /** {@code `db`.`table`}, as the templates write it. */
    public String quotedName() {
        return quotedName;
    }

    public static Optional<MissingObjectException> in(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof MissingObjectException m) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

}
