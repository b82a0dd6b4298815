package dev.chrunbook.observe;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static dev.chrunbook.testing.Fixtures.NODE;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The rate and ETA arithmetic of a watched statement. */
class ProgressMonitorTest {
    private static StatementProbe.Reading rows(long done, long total, long elapsedMs) {
        return new StatementProbe.Reading("rows", done, total, elapsedMs);
    }

    @Test
    void theFirstLookRatesByElapsedTimeAndLaterLooksSmoothTheRecentRate() {
        ProgressMonitor.Watch w = new ProgressMonitor.Watch("copy", NODE, "q", StatementProbe.reattached(), 0);
        ProgressSnapshot first = w.snapshot(rows(1_000, 5_000, 2_000), 10_000);
        assertEquals(500.0, first.perSecond(), 1e-9);
        assertEquals(Optional.of(Duration.ofSeconds(8)), first.eta(), "4000 rows left at 500/s");
        assertEquals(Duration.ofSeconds(2), first.elapsed(), "the server's elapsed time, not the watch's");

        ProgressSnapshot second = w.snapshot(rows(2_000, 5_000, 3_000), 11_000);
        assertEquals(750.0, second.perSecond(), 1e-9, "half the last rate (500) and half the recent one (1000/s)");
        assertEquals(Optional.of(Duration.ofSeconds(4)), second.eta());
    }

    @Test
    void aStallDoesNotGoNegativeAndAFinishedOrUnknownTotalHasAnEtaOfZeroOrNone() {
        ProgressMonitor.Watch w = new ProgressMonitor.Watch("copy", NODE, "q", StatementProbe.reattached(), 0);
        w.snapshot(rows(1_000, 2_000, 1_000), 5_000);
        ProgressSnapshot stalled = w.snapshot(rows(900, 2_000, 2_000), 6_000);
        assertEquals(500.0, stalled.perSecond(), 1e-9, "a reading going back counts as no progress, not a negative rate");
        assertEquals(Optional.of(Duration.ZERO), w.snapshot(rows(2_000, 2_000, 3_000), 7_000).eta());
        ProgressMonitor.Watch unknown = new ProgressMonitor.Watch("copy", NODE, "q2", StatementProbe.reattached(), 0);
        assertEquals(Optional.empty(), unknown.snapshot(rows(10, 0, 1_000), 1_000).eta(), "no total, no ETA");
    }

    @Test
    void withoutTheServersElapsedTheWatchMeasuresFromItsStart() {
        ProgressMonitor.Watch w = new ProgressMonitor.Watch("copy", NODE, "q", StatementProbe.reattached(), 1_000);
        ProgressSnapshot s = w.snapshot(rows(300, 0, 0), 4_000);
        assertEquals(Duration.ofSeconds(3), s.elapsed());
        assertEquals(100.0, s.perSecond(), 1e-9);
    }
}
