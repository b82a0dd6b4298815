package dev.chrunbook.transfer;

import dev.chrunbook.state.SourceRange;
import dev.chrunbook.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The export's reads keep a DateTime64's precision in the keyset, and every time literal says it is UTC. */
class ExportSqlTest {
    static HttpExport.Spec spec(String timeType) {
        return new HttpExport.Spec(Fixtures.step("export", "http-export"), Fixtures.NODE, "db", "events",
                new ExportColumns("uuid", "event", "distinct_id", "properties", "timestamp", "UUID", timeType, ""), "team_id", List.of(2L),
                "2024-01-01 00:00:00", "2024-02-01 00:00:00", 10, 1, HttpExport.Order.TIME, "phc_key", null, Optional.empty(),
                ExportContract.DEFAULTS, 1);
    }

    @Test
    void theKeysetComparesAtTheColumnsOwnPrecisionInUtc() {
        ExportSql sql = new ExportSql(spec("DateTime64(6, 'UTC')"));
        String read = sql.timeOrdered(SourceRange.days(2, 19526, 19527), ExportCursor.Position.time(SourceRange.days(2, 19526, 19527),
                "2023-06-18 13:00:00.123456", "6b5e78cf-b650-401f-be13-3239faa2bbc7"));
        assertTrue(read.contains("`timestamp` > CAST('2023-06-18 13:00:00.123456' AS DateTime64(6, 'UTC'))"), read);
        assertTrue(read.contains("toString(toTimeZone(`timestamp`, 'UTC'))"), "times are read as UTC text: " + read);
        assertTrue(read.contains("`timestamp` >= toDateTime('2024-01-01 00:00:00', 'UTC')"), "the range is UTC: " + read);
    }

    @Test
    void aDateTimeInAnotherZoneIsReadAndComparedInUtc() {
        String read = new ExportSql(spec("DateTime('Europe/Berlin')")).timeOrdered(SourceRange.days(2, 19526, 19527),
                ExportCursor.Position.time(SourceRange.days(2, 19526, 19527), "2023-06-18 13:00:00", "x1"));
        assertTrue(read.contains("CAST('2023-06-18 13:00:00' AS DateTime('UTC'))"), read);
    }
}
