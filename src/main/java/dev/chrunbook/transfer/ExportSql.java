package dev.chrunbook.transfer;

import dev.chrunbook.verify.RowHash;
import dev.chrunbook.SqlQuoting;
import dev.chrunbook.state.SourceRange;

import java.time.LocalDate;
import java.util.stream.Collectors;

/** The reads of an export on a source node: its days, and a day's events in time order or in one piece. */
final class ExportSql {
    private final HttpExport.Spec spec;
    private final ExportColumns c;

    ExportSql(HttpExport.Spec spec) {
        this.spec = spec;
        this.c = spec.columns();
    }

    private String table() {
        return SqlQuoting.identifier(spec.database()) + "." + SqlQuoting.identifier(spec.table());
    }

    private String team() {
        return SqlQuoting.identifier(spec.teamColumn());
    }

    private String time() {
        return SqlQuoting.identifier(c.time());
    }

    String filter() {
        return team() + " IN (" + spec.teams().stream().map(String::valueOf).collect(Collectors.joining(", ")) + ") AND " + time()
                + " >= toDateTime(" + SqlQuoting.literal(spec.start()) + ") AND " + time() + " < toDateTime(" + SqlQuoting.literal(spec.end()) + ")";
    }

    /** Events per team and day, in order; from a cursor's team and day on. */
    String days(ExportCursor.Position from) {
        String after = from == null ? "" : " AND (" + team() + " > " + from.team() + " OR (" + team() + " = " + from.team()
                + " AND toDate(" + time() + ") >= " + date(from.day()) + "))";
        return "SELECT " + team() + " AS chrunbook_team, toUInt32(toDate(" + time() + ")) AS chrunbook_day, count() FROM " + table()
                + " WHERE " + filter() + after + " GROUP BY chrunbook_team, chrunbook_day ORDER BY chrunbook_team, chrunbook_day";
    }

    private String columns() {
        return "toString(" + SqlQuoting.identifier(c.uuid()) + "), " + SqlQuoting.identifier(c.event()) + ", "
                + SqlQuoting.identifier(c.distinctId()) + ", " + SqlQuoting.identifier(c.properties()) + ", toString(" + time() + ")";
    }

    private String day(SourceRange d) {
        return filter() + " AND " + team() + " = " + d.team() + " AND toDate(" + time() + ") = " + date(d.fromDay());
    }

    /** A day's events by (time, uuid), after a position in it. */
    String timeOrdered(SourceRange d, ExportCursor.Position after) {
        String id = SqlQuoting.identifier(c.uuid());
        String keyset = "";
        if (after != null && after.timeOrdered()) {
            String t = "toDateTime(" + SqlQuoting.literal(after.time()) + ")";
            String v = c.idType().equals("UUID") ? "toUUID(" + SqlQuoting.literal(after.id()) + ")" : SqlQuoting.literal(after.id());
            keyset = " AND (" + time() + " > " + t + " OR (" + time() + " = " + t + " AND " + id + " > " + v + "))";
        }
        return "SELECT " + columns() + " FROM " + table() + " WHERE " + day(d) + keyset + " ORDER BY " + time() + ", " + id;
    }

    /** One piece of a day, unsorted: the rows whose id hashes to {@code piece} modulo {@code pieces}. */
    String piece(SourceRange d, int piece, int pieces) {
        return "SELECT " + columns() + " FROM " + table() + " WHERE " + day(d)
                + (pieces > 1 ? " AND " + RowHash.idHash(c.uuid(), c.idType()) + " % " + pieces + " = " + piece : "");
    }

    private static String date(long epochDay) {
        return "toDate(" + SqlQuoting.literal(LocalDate.ofEpochDay(epochDay).toString()) + ")";
    }
}
