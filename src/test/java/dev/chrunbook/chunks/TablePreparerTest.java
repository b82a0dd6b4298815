package dev.chrunbook.chunks;

import dev.chrunbook.state.ChunkState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Chunk tables made ahead of the lanes: once each, never under a lane that has the chunk, afresh when it is copied again. */
class TablePreparerTest {
    private static ChunkState chunk(int i) {
        return ChunkState.planned(i, "2024010" + i, null, null, 1000, 10_000);
    }

    @Test
    void aChunkMadeAheadIsNotMadeAgainByTheLaneButACopyAgainGetsAFreshTable() throws Exception {
        List<String> made = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch both = new CountDownLatch(2);
        try (TablePreparer p = new TablePreparer("t", c -> {
            made.add("ahead " + c.index());
            both.countDown();
        }, () -> false)) {
            p.ahead(List.of(chunk(1), chunk(2)));
            assertTrue(both.await(5, TimeUnit.SECONDS));
            p.claim(chunk(1), () -> made.add("lane 1"));
            p.claim(chunk(2), () -> made.add("lane 2"));
            p.claim(chunk(1), () -> made.add("lane 1 again"));
        }
        assertEquals(List.of("ahead 1", "ahead 2", "lane 1 again"), made);
    }

    @Test
    void aChunkALaneTookFirstIsLeftToTheLane() throws Exception {
        List<String> made = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(1);
        try (TablePreparer p = new TablePreparer("t", c -> {
            made.add("ahead " + c.index());
            if (c.index() == 2) {
                done.countDown();
            }
        }, () -> false)) {
            p.claim(chunk(1), () -> made.add("lane 1"));
            p.ahead(List.of(chunk(1), chunk(2)));
            assertTrue(done.await(5, TimeUnit.SECONDS));
        }
        assertEquals(List.of("lane 1", "ahead 2"), made);
    }

    @Test
    void aTableThePreparerFailedToMakeIsMadeByTheLane() throws Exception {
        List<String> made = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch tried = new CountDownLatch(1);
        try (TablePreparer p = new TablePreparer("t", c -> {
            tried.countDown();
            throw new IllegalStateException("refused");
        }, () -> false)) {
            p.ahead(List.of(chunk(1)));
            assertTrue(tried.await(5, TimeUnit.SECONDS));
            p.claim(chunk(1), () -> made.add("lane 1"));
        }
        assertEquals(List.of("lane 1"), made);
    }

    @Test
    void nothingIsMadeOnceTheCopyStops() throws Exception {
        List<String> made = Collections.synchronizedList(new ArrayList<>());
        try (TablePreparer p = new TablePreparer("t", c -> made.add("ahead " + c.index()), () -> true)) {
            p.ahead(List.of(chunk(1)));
            p.claim(chunk(1), () -> made.add("lane 1"));
        }
        assertEquals(List.of("lane 1"), made);
    }
}
