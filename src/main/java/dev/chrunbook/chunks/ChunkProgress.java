package dev.chrunbook.chunks;

import java.time.Duration;
import java.time.Instant;

/** The progress line of a chunked copy: chunks done of all, rows per second over this run's chunks, ETA from the planned rows left. */
final class ChunkProgress {
    private ChunkProgress() {
    }

    static String line(long done, long total, long copiedRows, long plannedRowsLeft, Instant began, Instant now) {
        double seconds = Math.max(0.001, Duration.between(began, now).toMillis() / 1000.0);
        double rate = copiedRows / seconds;
        String eta = rate > 0 ? (long) Math.ceil(plannedRowsLeft / rate) + " s" : "?";
        return String.format("chunks %d/%d, %,.0f rows/s, ETA %s", done, total, rate, plannedRowsLeft == 0 ? "0 s" : eta);
    }
}
