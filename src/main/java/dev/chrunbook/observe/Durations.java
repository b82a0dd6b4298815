package dev.chrunbook.observe;

import java.time.Duration;

/** Short human durations for progress output: 42s, 3m05s, 2h10m. */
final class Durations {
    private Durations() {
    }

    static String short_(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format("%dm%02ds", s / 60, s % 60);
        }
        return String.format("%dh%02dm", s / 3600, (s % 3600) / 60);
    }
}
