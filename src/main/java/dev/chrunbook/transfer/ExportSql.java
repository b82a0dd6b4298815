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
                + " >= toDateTime(" + SqlQuoting.literal(spec.start()) + ", 'UTC') AND " + time() + " < toDateTime("
                + SqlQuoting.literal(spec.end()) + ", 'UTC')";
    }

    /** Events per team and day, in order; from a cursor's team and day on. */
    String days(ExportCursor.Position from) {
        String after = from == null ? "" : " AND (" + team() + " > " + from.team() + " OR (" + team() + " = " + from.team()
                + " AND " + day() + " >= " + date(from.day()) + "))";
        return "SELECT " + team() + " AS chrunbook_team, toUInt32(" + day() + ") AS chrunbook_day, count() FROM " + table()
                + " WHERE " + filter() + after + " GROUP BY chrunbook_team, chrunbook_day ORDER BY chrunbook_team, chrunbook_day";
    }

    /** A row's day, in UTC: the days are UTC days whatever the column's zone. */
    private String day() {
        return "toDate(" + time() + ", 'UTC')";
    }

    /** uuid, event, distinct_id, properties, the time as UTC text at the column's precision, and the elements chain ('' without one). */
    private String columns() {
        return "toString(" + SqlQuoting.identifier(c.uuid()) + "), " + SqlQuoting.identifier(c.event()) + ", "
                + SqlQuoting.identifier(c.distinctId()) + ", " + SqlQuoting.identifier(c.properties()) + ", toString(toTimeZone(" + time()
                + ", 'UTC')), " + (c.elementsChain().isBlank() ? "''" : SqlQuoting.identifier(c.elementsChain()));
    }

    private String day(SourceRange d) {
        return filter() + " AND " + team() + " = " + d.team() + " AND " + day() + " = " + date(d.fromDay());
    }

    /** A day's events by (time, uuid), after a position in it. */
    String timeOrdered(SourceRange d, ExportCursor.Position after) {
        String id = SqlQuoting.identifier(c.uuid());
        String keyset = "";
        if (after != null && after.timeOrdered()) {
            // the position's time is the column's value as UTC text, at its precision: read back as that, nothing truncated
            String t = "CAST(" + SqlQuoting.literal(after.time()) + " AS " + c.utcTimeType() + ")";
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
