package dev.chrunbook.exec;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.ExitCode;
import dev.chrunbook.render.SqlQuoting;

import java.util.Optional;

/**
 * A table a step is built from is not in a node's catalog. Before a run starts this may only mean
 * that an earlier step of the same run creates it, so such a step is rendered again when its turn comes.
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

    static boolean causes(Throwable e) {
        return in(e).isPresent();
    }
}
