package dev.chrunbook;

import java.time.Duration;

/** Waiting, injectable so tests never sleep. */
@FunctionalInterface
public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;

    Sleeper REAL = d -> Thread.sleep(d.toMillis());
}
