package dev.chrunbook.state;

import dev.chrunbook.ChrunbookException;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The state dir's lock: one {@code run} at a time. Holds pid, host and time; a lock whose process
 * is gone is reported as stale with the command that clears it, never taken over silently.
 */
public final class StateLock implements AutoCloseable {
    static final String FILE = "run.lock";

    private final Path file;

    private StateLock(Path file) {
        this.file = file;
    }

    public static StateLock acquire(Path dir, Instant now) {
        Path file = dir.resolve(FILE);
        String host = hostName();
        long pid = ProcessHandle.current().pid();
        try {
            Files.createDirectories(dir);
            Files.writeString(file, "pid=" + pid + "\nhost=" + host + "\nsince=" + now + "\n",
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
