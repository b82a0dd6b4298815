package dev.chrunbook.state;

import dev.chrunbook.ChrunbookException;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The state dir's lock: one {@code run} at a time. Holds pid, host and time; a lock whose process
 * is gone is reported as stale with the command that clears it, never taken over silently. A check
 * repeated with {@code run --repeat} holds it only while a round runs and marks it so: a run started
 * meanwhile (the cut-over, from another terminal) waits for the round to end instead of failing.
 */
public final class StateLock implements AutoCloseable {
    static final String FILE = "run.lock";

    private final Path file;

    private StateLock(Path file) {
        this.file = file;
    }

    public static StateLock acquire(Path dir, Instant now) {
        return acquire(dir, now, Duration.ZERO, () -> { });
    }

    /**
     * As {@link #acquire(Path, Instant)}, waiting up to {@code patience} while a repeated check's round
     * holds it; {@code waiting} is told once when it starts to wait.
     */
    public static StateLock acquire(Path dir, Instant now, Duration patience, Runnable waiting) {
        long deadline = System.nanoTime() + patience.toNanos();
        boolean told = false;
        while (true) {
            try {
                return create(dir, now, false);
            } catch (ChrunbookException e) {
                Path file = dir.resolve(FILE);
                if (!heldByRepeat(file) || System.nanoTime() > deadline) {
                    throw e;
                }
                if (!told) {
                    waiting.run();
                    told = true;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** The lock for one round of a repeated check: a run that finds it waits for it. */
    public static StateLock acquireForRepeat(Path dir, Instant now) {
        return create(dir, now, true);
    }

    /** Held by a round of a repeated check still running here (a stale one is reported, not waited for). */
    private static boolean heldByRepeat(Path file) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return true; // gone between the two looks: try again
        }
        String pid = field(content, "pid");
        return "true".equals(field(content, "repeat")) && hostName().equals(field(content, "host")) && pid.matches("\\d{1,10}")
                && ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
    }

    private static StateLock create(Path dir, Instant now, boolean repeat) {
        Path file = dir.resolve(FILE);
        String host = hostName();
        long pid = ProcessHandle.current().pid();
        try {
            Files.createDirectories(dir);
            Files.writeString(file, "pid=" + pid + "\nhost=" + host + "\nsince=" + now + "\n" + (repeat ? "repeat=true\n" : ""),
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE);
            return new StateLock(file);
        } catch (FileAlreadyExistsException e) {
            throw held(file, host);
        } catch (IOException e) {
            throw ChrunbookException.stateConflict("cannot create lock " + file + ": " + e.getMessage());
        }
    }

    private static ChrunbookException held(Path file, String localHost) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            content = "";
        }
        String pid = field(content, "pid");
        String host = field(content, "host");
        String since = field(content, "since");
        if (!pid.matches("\\d{1,10}") || !host.matches("[A-Za-z0-9._-]{1,255}") || !since.matches("[0-9A-Za-z:.+\\-]{1,40}")) {
            return ChrunbookException.stateConflict("lock " + file + " is not one chrunbook wrote (no pid, host and time in it)."
                    + " If no other chrunbook works on this runbook, clear it with: rm " + file);
        }
        boolean sameHost = localHost.equals(host);
        boolean alive = sameHost && ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        if (sameHost && !alive) {
            return ChrunbookException.stateConflict("stale lock " + file + ": pid " + pid + " on " + host + " (since "
                    + since + ") is no longer running. If no other chrunbook works on this runbook, clear it with: rm " + file);
        }
        return ChrunbookException.stateConflict("another chrunbook run holds " + file + " (pid " + pid + " on " + host
                + " since " + since + "); wait for it to finish, or stop it, then retry");
    }

    private static String field(String content, String name) {
        for (String line : content.split("\n")) {
            if (line.startsWith(name + "=")) {
                return line.substring(name.length() + 1).strip();
            }
        }
        return "?";
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover lock is reported as stale on the next run, with the command to clear it
        }
    }
}
