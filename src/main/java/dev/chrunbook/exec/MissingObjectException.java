package dev.chrunbook.exec;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.ExitCode;
import dev.chrunbook.render.SqlQuoting;

import java.util.Optional;

/**
 * A table a step is built from is not in a node's catalog. When an earlier step of the same plan or
 * run names it (creates or renames it), the step is rendered when its turn comes ({@link PlanRenderings}).
 */
final class MissingObjectException extends ChrunbookException {
    private final String quotedName;

    MissingObjectException(String database, String table, String message) {
        super(ExitCode.VERIFICATION_FAILED, message);
        this.quotedName = SqlQuoting.identifier(database) + "." + SqlQuoting.identifier(table);
    }

    /** {@code `db`.`table`}, as the templates write it. */
    String quotedName() {
        return quotedName;
    }

    static Optional<MissingObjectException> in(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof MissingObjectException m) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

}
