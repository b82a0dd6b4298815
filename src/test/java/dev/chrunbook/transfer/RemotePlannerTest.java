package dev.chrunbook.transfer;

import dev.chrunbook.state.ChunkState;
import dev.chrunbook.state.SourceRange;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Chunks of a copy from another cluster: days packed per team, a large day in pieces, resumed from a cursor. */
class RemotePlannerTest {
    private static RemotePlanner.Day day(long team, long day, long rows) {
        return new RemotePlanner.Day(team, day, rows);
    }

    @Test
    void daysOfATeamArePackedUpToTheLimitAndNeverAcrossATeam() {
        List<ChunkState> chunks = new RemotePlanner(100).plan(List.of(day(7, 100, 40), day(7, 101, 40), day(7, 102, 40),
                day(7, 131, 10), day(9, 131, 10)), null);
        assertEquals(List.of(SourceRange.days(7, 100, 102), SourceRange.days(7, 102, 132), SourceRange.days(9, 131, 132)),
                chunks.stream().map(ChunkState::range).toList(), "days 102 and 131 go together: a month boundary does not cut a chunk");
        assertEquals(List.of(80L, 50L, 10L), chunks.stream().map(ChunkState::plannedRows).toList());
        assertEquals(List.of("team7", "team7", "team9"), chunks.stream().map(ChunkState::partition).toList());
    }

    @Test
    void aDayOverTheLimitIsCutIntoHashPiecesAndACursorInsideItResumesAtItsPiece() {
        List<RemotePlanner.Day> days = List.of(day(2, 200, 250), day(2, 201, 5));
        List<ChunkState> all = new RemotePlanner(100).plan(days, null);
        assertEquals(List.of(new SourceRange(2, 200, 201, 0, 3), new SourceRange(2, 200, 201, 1, 3), new SourceRange(2, 200, 201, 2, 3),
                SourceRange.days(2, 201, 202)), all.stream().map(ChunkState::range).toList());
        SourceRange cursor = Cursor.parse(Cursor.of(new SourceRange(2, 200, 201, 2, 3)), "cursor").orElseThrow();
        List<ChunkState> resumed = new RemotePlanner(100).plan(days, cursor);
        assertEquals(new SourceRange(2, 200, 201, 2, 3), resumed.get(0).range(), "the pieces before the cursor are not planned");
        assertEquals(2, resumed.size());
        assertTrue(all.get(0).range().compareTo(all.get(1).range()) < 0 && all.get(2).range().compareTo(all.get(3).range()) < 0,
                "ranges compare in sort-key order");
    }
}
