package dev.chrunbook.chunks;

import dev.chrunbook.catalog.Catalog;

import dev.chrunbook.SqlQuoting;
import dev.chrunbook.clickhouse.ClickHouseClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What keeps the next chunk (or partition) from starting on a node: a PAUSE file in the state dir,
 * a long replication queue on the target, a partition of the target near parts_to_delay_insert,
 * too many merges, or the main ingestion's Kafka lag. Running chunks finish either way.
 *
 * @param maxQueue  replication queue entries of the target at most (0: no limit)
 * @param maxParts  active parts in any partition of the target at most; 0: the server's parts_to_delay_insert
 * @param maxMerges merges running on the node at most (0: no limit)
 * @param mainLag   the main ingestion's Kafka lag, when the runbook names its group (else empty)
 */
public record Throttle(Path pauseFile, String database, String table, long maxQueue, long maxParts, long maxMerges,
                       Optional<Supplier<Optional<String>>> mainLag) {

    /** The file whose presence pauses the copy between chunks. */
    public static final String PAUSE_FILE = "PAUSE";

    /**
     * What keeps the next chunk back.
     *
     * @param paused the operator's PAUSE file: it holds as long as the file is there, never timing out
     */
    public record Hold(String why, boolean paused) {
    }

    /** Empty when the next chunk may start, else what it waits for. */
    public Optional<Hold> holds(ClickHouseClient client) {
        if (paused().isPresent()) {
            return paused();
        }
        List<String> why = new ArrayList<>();
        String db = SqlQuoting.literal(database);
        String t = SqlQuoting.literal(table);
        if (maxQueue > 0) {
            long queue = number(client.selectOne("SELECT count() FROM system.replication_queue WHERE database = " + db + " AND table = " + t));
            if (queue > maxQueue) {
                why.add("replication queue of " + table + " " + queue + " > " + maxQueue);
            }
        }
        long partsLimit = maxParts > 0 ? maxParts
                : number(client.selectOne("SELECT value FROM system.merge_tree_settings WHERE name = 'parts_to_delay_insert'"));
        if (partsLimit > 0) {
            long parts = new Catalog(client).mostPartsInAPartition(database, table);
            if (parts >= partsLimit) {
                why.add(parts + " active parts in a partition of " + table + " >= " + partsLimit);
            }
        }
        if (maxMerges > 0) {
            long merges = number(client.selectOne("SELECT count() FROM system.merges"));
            if (merges > maxMerges) {
                why.add(merges + " merges running > " + maxMerges);
            }
        }
        mainLag.flatMap(Supplier::get).ifPresent(why::add);
        return why.isEmpty() ? Optional.empty() : Optional.of(new Hold("waiting before the next chunk: " + String.join("; ", why), false));
    }

    /** The PAUSE file's hold, when it is there. */
    public Optional<Hold> paused() {
        return Files.exists(pauseFile)
                ? Optional.of(new Hold("paused by " + pauseFile + ": running chunks finish, no new one starts; remove the file to resume", true))
                : Optional.empty();
    }

    /**
     * Waits while the throttle holds, telling {@code waiting} what it waits for each poll. Empty when
     * the next chunk may start; else what held longer than {@code timeout} (a pause never times out),
     * or that the operator cancelled the run ({@code stopping}), seen at the next poll.
     */
    public static Optional<String> await(Supplier<Optional<Hold>> holds, dev.chrunbook.Sleeper sleeper, java.time.Duration poll,
                                         java.time.Duration timeout, java.util.function.BooleanSupplier stopping,
                                         java.util.function.Consumer<String> waiting) throws InterruptedException {
        long waited = 0;
        while (true) {
            if (stopping.getAsBoolean()) {
                return Optional.of("cancelled by the operator");
            }
            Optional<Hold> hold = holds.get();
            if (hold.isEmpty()) {
                return Optional.empty();
            }
            if (!hold.get().paused() && waited >= timeout.toMillis()) {
                return Optional.of(hold.get().why() + " for " + timeout.toSeconds() + " s");
            }
            waiting.accept(hold.get().why());
            sleeper.sleep(poll);
            waited += poll.toMillis();
        }
    }

    private static long number(String value) {
        return value == null || value.isBlank() ? 0 : (long) Double.parseDouble(value);
    }
}
