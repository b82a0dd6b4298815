package dev.chrunbook.verify;

import dev.chrunbook.Sleeper;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.Table;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Runs a step's asserts on a node: queries whose every row is a problem. With a wait, keeps asking
 * until they come back empty or the wait is over, then reports the rows as a table.
 */
public final class AssertChecker {
    public interface Observer {
        void stillFailing(int attempt, String problems);
    }

    static final Duration EVERY = Duration.ofSeconds(1);
    /**
     * What a query starts with that only says more about the problems of the query before it (verify's
     * ids behind a differing day): it is not asked when that one found none. A WITH clause, not a
     * comment: rendered statements lose their comments, and both 18.16 and current servers take it.
     */
    public static final String DRILL_DOWN = "WITH 'drill-down' AS drill_down";

    private final Sleeper sleeper;
    private final java.util.function.BooleanSupplier stopping;

    public AssertChecker(Sleeper sleeper) {
        this(sleeper, () -> false);
    }

    /** @param stopping whether the operator cancelled the run: a wait ends at its next look */
    public AssertChecker(Sleeper sleeper, java.util.function.BooleanSupplier stopping) {
        this.sleeper = sleeper;
        this.stopping = stopping;
    }

    /** Empty when every assert returns no rows; otherwise the problems, one table per failing assert. */
    public Optional<String> check(ClickHouseClient client, List<String> asserts, Optional<Duration> waitFor,
                                  Observer observer) throws InterruptedException {
        long tries = waitFor.map(w -> Math.max(1, w.toMillis() / EVERY.toMillis())).orElse(1L);
        Optional<String> problems = Optional.empty();
        for (int attempt = 1; attempt <= tries; attempt++) {
            problems = once(client, asserts);
            if (problems.isEmpty()) {
                return problems;
            }
            if (attempt < tries && stopping.getAsBoolean()) {
                return problems.map(p -> p + "  (the wait was cancelled by the operator)\n");
            }
            if (attempt < tries) {
                observer.stillFailing(attempt, problems.get());
                sleeper.sleep(EVERY);
            }
        }
        return problems.map(p -> waitFor.map(w -> p + "  (still failing after waiting " + w.toSeconds() + " s)\n").orElse(p));
    }

    private static Optional<String> once(ClickHouseClient client, List<String> asserts) {
        StringBuilder sb = new StringBuilder();
        boolean previousFound = false;
        for (String sql : asserts) {
            if (sql.strip().startsWith(DRILL_DOWN) && !previousFound) {
                continue;
            }
            Table t = client.table(sql);
            previousFound = !t.rows().isEmpty();
            if (!t.rows().isEmpty()) {
                sb.append("assert returned ").append(t.rows().size()).append(" problem row(s): ")
                        .append(abbreviate(sql)).append('\n').append(t.format(20));
            }
        }
        return sb.isEmpty() ? Optional.empty() : Optional.of(sb.toString());
    }

    private static String abbreviate(String sql) {
        String one = sql.replaceAll("\\s+", " ").strip();
        return one.length() > 100 ? one.substring(0, 97) + "..." : one;
    }
}
