package dev.chrunbook.state;

import java.time.LocalDate;

/**
 * A key range of a source table on another cluster, in the order of its sort key: one team's days
 * {@code [fromDay, toDay)} (days since 1970-01-01) of one target partition, or, for a day larger
 * than a chunk, the rows of that day whose id hashes to {@code piece} modulo {@code pieces}.
 * Ranges compare by where they start: team, day, piece.
 */
public record SourceRange(long team, long fromDay, long toDay, int piece, int pieces) implements Comparable<SourceRange> {

    public SourceRange {
        if (toDay <= fromDay || pieces < 1 || piece < 0 || piece >= pieces) {
            throw new IllegalArgumentException("a source range of team " + team + " needs days [from, to) with from < to and"
                    + " 0 <= piece < pieces: " + fromDay + ", " + toDay + ", " + piece + "/" + pieces);
        }
    }

    /** Whole days. */
    public static SourceRange days(long team, long fromDay, long toDay) {
        return new SourceRange(team, fromDay, toDay, 0, 1);
    }

    public boolean split() {
        return pieces > 1;
    }

    @Override
    public int compareTo(SourceRange o) {
        int c = Long.compare(team, o.team);
        if (c == 0) {
            c = Long.compare(fromDay, o.fromDay);
        }
        return c != 0 ? c : Double.compare((double) piece / pieces, (double) o.piece / o.pieces);
    }

    public String label() {
        LocalDate from = LocalDate.ofEpochDay(fromDay);
        String days = toDay == fromDay + 1 ? from.toString() : from + " .. " + LocalDate.ofEpochDay(toDay - 1);
        return "team " + team + " " + days + (split() ? " (piece " + (piece + 1) + " of " + pieces + ")" : "");
    }
}
