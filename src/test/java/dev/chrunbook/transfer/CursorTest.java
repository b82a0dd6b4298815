package dev.chrunbook.transfer;

import java.util.List;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.ExitCode;
import dev.chrunbook.state.SourceRange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two cursor tokens: what a run prints reads back as the same position; anything else is an input error naming the field. */
class CursorTest {
    @Test
    void aCopyCursorRoundTripsAndGarbageIsRefusedNamingTheField() {
        SourceRange at = new SourceRange(-3, 19800, 19801, 4, 9);
        SourceRange back = Cursor.parse(Cursor.of(at), "remote.cursor").orElseThrow();
        assertEquals(at.team(), back.team());
        assertEquals(at.fromDay(), back.fromDay());
        assertEquals(4, back.piece());
        assertEquals(9, back.pieces());
        assertTrue(Cursor.parse("  ", "remote.cursor").isEmpty(), "blank: from the beginning");
        ChrunbookException e = assertThrows(ChrunbookException.class, () -> Cursor.parse("c1.!!!", "step 'copy' remote.cursor"));
        assertEquals(ExitCode.INVALID_INPUT, e.exitCode());
        assertTrue(e.getMessage().startsWith("step 'copy' remote.cursor: 'c1.!!!' is not a cursor"), e.getMessage());
        assertThrows(ChrunbookException.class, () -> Cursor.parse(Cursor.END, "remote.cursor"), "the end is nothing to start from");
    }

    @Test
    void anExportCursorKeepsTheTimeAndIdAndRefusesAPositionThatWouldInjectSql() {
        ExportCursor.Position p = ExportCursor.Position.time(SourceRange.days(2, 19723, 19724), "2024-01-01 10:00:00",
                "6b5e78cf-b650-401f-be13-3239faa2bbc7");
        ExportCursor.Position back = ExportCursor.parse(p.token(), "http.cursor").orElseThrow();
        assertEquals(p, back);
        String evil = "h1." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                "t|2|19723|2024-01-01 10:00:00|x') OR 1=1 --".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        ChrunbookException e = assertThrows(ChrunbookException.class, () -> ExportCursor.parse(evil, "http.cursor"));
        assertTrue(e.getMessage().contains("http.cursor"), e.getMessage());
    }

    @Test
    void anExportCursorKeepsADateTime64sFractionAndItsTimeZoneRoundTrips() {
        for (String time : List.of("2023-06-18 13:00:00.123456", "2023-06-18 13:00:00.123", "2023-06-18 13:00:00")) {
            ExportCursor.Position p = ExportCursor.Position.time(SourceRange.days(2, 19526, 19527), time, "6b5e78cf-b650-401f-be13-3239faa2bbc7");
            assertEquals(p, ExportCursor.parse(p.token(), "http.cursor").orElseThrow(), time);
        }
        ChrunbookException e = assertThrows(ChrunbookException.class, () -> ExportCursor.parse("h1.bm90IGEgcG9zaXRpb24", "http.cursor"));
        assertTrue(e.getMessage().contains("http.cursor") && e.getMessage().contains("yyyy-MM-dd HH:mm:ss[.ffffff]"), e.getMessage());
    }

    @Test
    void aCursorOfSeveralShardsNamesEachShardsPositionAndEachShardStartsAtItsOwn() {
        ExportCursor.Position one = ExportCursor.Position.time(SourceRange.days(2, 19526, 19527), "2023-06-18 13:00:00.123456", "a1");
        ExportCursor.Position two = ExportCursor.Position.time(SourceRange.days(2, 19527, 19528), "2023-06-19 10:00:00.5", "b2");
        String cursor = "1:" + one.token() + ", 2:" + two.token();
        assertEquals(one, ExportCursor.forShard(cursor, 1, 2, "http.cursor").orElseThrow());
        assertEquals(two, ExportCursor.forShard(cursor, 2, 2, "http.cursor").orElseThrow());
        assertEquals(java.util.Optional.empty(), ExportCursor.forShard("1:" + one.token() + ",2:", 2, 2, "http.cursor"), "2: starts at the beginning");
        assertEquals(one, ExportCursor.forShard(one.token(), 1, 1, "http.cursor").orElseThrow(), "one shard: the token alone");
        ChrunbookException plain = assertThrows(ChrunbookException.class, () -> ExportCursor.forShard(one.token(), 1, 2, "http.cursor"));
        assertTrue(plain.getMessage().contains("N:token"), plain.getMessage());
        ChrunbookException missing = assertThrows(ChrunbookException.class, () -> ExportCursor.forShard("1:" + one.token(), 2, 2, "http.cursor"));
        assertTrue(missing.getMessage().contains("shard 2"), missing.getMessage());
        assertEquals("2:" + two.token(), ExportCursor.printed(two, 2, 2), "printed with its shard where there are several");
        assertEquals(two.token(), ExportCursor.printed(two, 1, 1));
    }
}
