package dev.chrunbook.chunks;

import java.time.Duration;
import java.time.Instant;

import dev.chrunbook.state.ChunkState.Phase;

/** The progress line of a chunked copy: chunks done of all, rows per second over this run's chunks, ETA from the planned rows left. */
public final class ChunkProgress {
    private ChunkProgress() {
    }

    public static String line(java.util.List<dev.chrunbook.state.ChunkState> all, long copiedRows, Instant began, Instant now) {
        long done = all.stream().filter(c -> c.phase() == Phase.DONE || c.phase() == Phase.COPIED).count();
        long left = all.stream().filter(c -> c.phase() == Phase.PENDING || c.phase() == Phase.COPYING)
                .mapToLong(dev.chrunbook.state.ChunkState::plannedRows).sum();
        return line(done, all.size(), copiedRows, left, began, now);
    }

    static String line(long done, long total, long copiedRows, long plannedRowsLeft, Instant began, Instant now) {
        double seconds = Math.max(0.001, Duration.between(began, now).toMillis() / 1000.0);
        double rate = copiedRows / seconds;
        String eta = rate > 0 ? (long) Math.ceil(plannedRowsLeft / rate) + " s" : "?";
        return String.format("chunks %d/%d, %,.0f rows/s, ETA %s", done, total, rate, plannedRowsLeft == 0 ? "0 s" : eta);
    }
}
