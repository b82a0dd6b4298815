package dev.chrunbook.observe;

import java.time.Duration;
import java.util.Optional;

/**
 * One look at a running statement, computed first and printed after.
 *
 * @param unit  what done/total count: "rows" (copies, merges) or "parts" (replica fetches)
 * @param total 0 when the server cannot tell
 * @param eta   empty until a rate and a total are known
 */
public record ProgressSnapshot(String step, String node, String queryId, String unit, long done, long total,
                               double perSecond, Duration elapsed, Optional<Duration> eta) {
}
