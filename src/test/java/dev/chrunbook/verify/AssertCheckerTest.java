package dev.chrunbook.verify;

import dev.chrunbook.clickhouse.Table;
import dev.chrunbook.testing.FakeClickHouse;
import dev.chrunbook.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.chrunbook.testing.Fixtures.NODE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The throttle's wait: an assert with wait: is asked again each second until it returns no rows, up to the wait. */
class AssertCheckerTest {
    private static final String BUSY = "SELECT 'too many parts' AS problem, parts FROM (SELECT 400 AS parts) WHERE parts > 300";

    /** A node that is busy for the first {@code busyLooks} looks. */
    private static FakeClickHouse busyFor(int busyLooks, AtomicInteger looks) {
        return new FakeClickHouse().answer(sql -> looks.incrementAndGet() <= busyLooks
                ? new Table(List.of("problem", "parts"), List.of(List.of("too many parts", "400")))
                : new Table(List.of("problem", "parts"), List.of()));
    }

    @Test
    void aBusyNodeIsWaitedForUntilItCalmsDown() throws Exception {
        AtomicInteger looks = new AtomicInteger();
        Fixtures.CountingSleeper sleeper = new Fixtures.CountingSleeper();
        List<Integer> observed = new ArrayList<>();
        Optional<String> problems = new AssertChecker(sleeper).check(busyFor(3, looks).connect(NODE.host(), NODE.httpPort()),
                List.of(BUSY), Optional.of(Duration.ofSeconds(30)), (attempt, p) -> observed.add(attempt));
        assertEquals(Optional.empty(), problems);
        assertEquals(4, looks.get(), "three busy looks, then a calm one");
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)), sleeper.slept);
        assertEquals(List.of(1, 2, 3), observed, "the operator sees each look that still fails");
    }

    @Test
    void aNodeStillBusyAfterTheWaitFailsWithItsRows() throws Exception {
        AtomicInteger looks = new AtomicInteger();
        Fixtures.CountingSleeper sleeper = new Fixtures.CountingSleeper();
        Optional<String> problems = new AssertChecker(sleeper).check(busyFor(100, looks).connect(NODE.host(), NODE.httpPort()),
                List.of(BUSY), Optional.of(Duration.ofSeconds(5)), (attempt, p) -> { });
        assertTrue(problems.isPresent());
        assertEquals(5, looks.get(), "one look a second for 5 s");
        assertEquals(4, sleeper.slept.size(), "no pause after the last look");
        assertTrue(problems.get().contains("too many parts") && problems.get().contains("still failing after waiting 5 s"),
                problems.get());
    }

    @Test
    void aCancelEndsTheWaitAtItsNextLook() throws Exception {
        AtomicInteger looks = new AtomicInteger();
        Fixtures.CountingSleeper sleeper = new Fixtures.CountingSleeper();
        Optional<String> problems = new AssertChecker(sleeper, () -> sleeper.slept.size() >= 2).check(
                busyFor(100, looks).connect(NODE.host(), NODE.httpPort()), List.of(BUSY), Optional.of(Duration.ofMinutes(2)), (a, p) -> { });
        assertTrue(problems.orElse("").contains("cancelled by the operator"), problems.toString());
        assertEquals(3, looks.get(), "the look after the cancel is the last, not the 120th");
    }

    @Test
    void withoutAWaitTheAssertIsAskedOnce() throws Exception {
        AtomicInteger looks = new AtomicInteger();
        Optional<String> problems = new AssertChecker(new Fixtures.CountingSleeper()).check(
                busyFor(1, looks).connect(NODE.host(), NODE.httpPort()), List.of(BUSY), Optional.empty(), (a, p) -> { });
        assertTrue(problems.get().startsWith("assert returned 1 problem row(s)"), problems.get());
        assertEquals(1, looks.get());
    }

    /**
     * verify's drill-down re-reads both tables to name ids; it measured 105 s of a 137 s verify in which no day
     * differed. A query marked as a drill-down runs only when the one before it found problems.
     */
    @Test
    void aDrillDownRunsOnlyWhenTheQueryBeforeItFoundProblems() throws Exception {
        List<String> asked = new ArrayList<>();
        String perDay = "SELECT partition, day FROM per_day";
        String drill = AssertChecker.DRILL_DOWN + "\nSELECT id FROM ids";
        FakeClickHouse clean = new FakeClickHouse().answer(sql -> {
            asked.add(sql);
            return new Table(List.of("x"), List.of());
        });
        assertEquals(Optional.empty(), new AssertChecker(new Fixtures.CountingSleeper()).check(clean.connect(NODE.host(), NODE.httpPort()),
                List.of(perDay, drill, "SELECT 'twice' FROM t"), Optional.empty(), (a, p) -> { }));
        assertEquals(List.of(perDay, "SELECT 'twice' FROM t"), asked, "no day differs: the drill-down is not asked");
        asked.clear();
        FakeClickHouse differs = new FakeClickHouse().answer(sql -> {
            asked.add(sql);
            return new Table(List.of("x"), sql.equals("SELECT 'twice' FROM t") ? List.of() : List.of(List.of("202612")));
        });
        Optional<String> problems = new AssertChecker(new Fixtures.CountingSleeper()).check(differs.connect(NODE.host(), NODE.httpPort()),
                List.of(perDay, drill, "SELECT 'twice' FROM t"), Optional.empty(), (a, p) -> { });
        assertEquals(List.of(perDay, drill, "SELECT 'twice' FROM t"), asked, "a day differs: the drill-down names its ids");
        assertTrue(problems.get().contains("SELECT id FROM ids"), problems.get());
    }
}
