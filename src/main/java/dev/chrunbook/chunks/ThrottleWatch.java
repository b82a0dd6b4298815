package dev.chrunbook.chunks;

import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseException;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Measures a node's throttle in the background, every {@code every}, so that a worker about to
 * start a chunk reads the last measurement instead of waiting for a round of queries (and a Kafka
 * admin connection) between two chunks. The PAUSE file is looked at on every read.
 */
final class ThrottleWatch implements AutoCloseable {
    private final Throttle throttle;
    private final ClickHouseClient client;
    private final ScheduledExecutorService timer;
    private volatile Optional<Throttle.Hold> latest;

    /** Measures once before returning (the first chunk waits for a real answer), then every {@code every}. */
    ThrottleWatch(Throttle throttle, Supplier<ClickHouseClient> connect, Duration every, String name) {
        this.throttle = throttle;
        this.client = connect.get();
        this.latest = measure();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> latest = measure(), every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private Optional<Throttle.Hold> measure() {
        try {
            return throttle.holds(client);
        } catch (ClickHouseException e) { // an unanswered check holds, as a busy node does
            return Optional.of(new Throttle.Hold("waiting before the next chunk: the throttle's checks failed (" + e.getMessage() + ")", false));
        }
    }

    /** What holds the next chunk now: the PAUSE file, else the last measurement. */
    Optional<Throttle.Hold> holds() {
        Optional<Throttle.Hold> paused = throttle.paused();
        return paused.isPresent() ? paused : latest;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }
}
