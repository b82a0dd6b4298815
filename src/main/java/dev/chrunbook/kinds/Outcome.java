package dev.chrunbook.kinds;

/**
 * What a built-in step came to on a node. The kind returns it; {@link BuiltInKind} alone records it in
 * the state and tells the listener, so every kind ends the same way.
 *
 * @param kind    done, failed (exit 1: run it again), refused (exit 4: a check found problems) or
 *                cancelled by the operator (exit 1, said as such)
 * @param message the note of a done step, else what went wrong and how to proceed
 * @param rows    what a done step counts (rows, events, lag), kept as its statement's rows
 */
record Outcome(Kind kind, String message, long rows) {
    enum Kind { DONE, FAILED, REFUSED, CANCELLED }

    static Outcome done(long rows, String note) {
        return new Outcome(Kind.DONE, note, rows);
    }

    static Outcome failed(String error) {
        return new Outcome(Kind.FAILED, error, 0);
    }

    static Outcome refused(String problems) {
        return new Outcome(Kind.REFUSED, problems, 0);
    }

    /** @param where what it was doing when the operator cancelled, and what was left */
    static Outcome cancelled(String where) {
        return new Outcome(Kind.CANCELLED, "cancelled by the operator " + where + "; run the step again to go on", 0);
    }
}
