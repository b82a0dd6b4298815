package dev.chrunbook.state;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StateStoreTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    @Test
    void everyUpdateIsOnDiskBeforeUpdateReturns(@TempDir Path dir) {
        StateStore store = StateStore.open(dir, "rb", "20260101_000000_aaaa", CLOCK);
        store.update("copy", "n1:8123", s -> s.startAttempt(CLOCK.instant()));
        store.update("copy", "n1:8123", s -> s.withStatement(StatementState.sent(1, "chrunbook-q1", "c1", CLOCK.instant())));

        RunState reread = StateStore.read(dir, "rb").orElseThrow();
        assertEquals("20260101_000000_aaaa", reread.runId());
        NodeState n = reread.node("copy", "n1:8123");
        assertEquals(Status.RUNNING, n.status());
        assertEquals(1, n.attempts());
        assertEquals("chrunbook-q1", n.statements().get(0).queryId());
        assertFalse(Files.exists(dir.resolve("state.json.tmp")), "the temp file is renamed into place");
    }

    @Test
    void aTornTempFileFromAKilledWriterDoesNotAffectTheState(@TempDir Path dir) throws Exception {
        StateStore store = StateStore.open(dir, "rb", "20260101_000000_aaaa", CLOCK);
        store.update("a", "n1", s -> s.finish(Status.DONE, CLOCK.instant(), null, null));
        Files.writeString(dir.resolve("state.json.tmp"), "{\"runbook\": \"rb\", \"run");

        StateStore reopened = StateStore.open(dir, "rb", "20260101_000000_cccc", CLOCK);
        assertEquals("20260101_000000_aaaa", reopened.state().runId(), "run_id stays fixed once written");
        assertEquals(Status.DONE, reopened.node("a", "n1").status());
    }

    @Test
    void aCorruptStateFileIsAStateConflictNamingTheBackup(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("state.json"), "{ not json");
        ChrunbookException e = assertThrows(ChrunbookException.class, () -> StateStore.read(dir, "rb"));
        assertEquals(ExitCode.STATE_CONFLICT, e.exitCode());
        assertTrue(e.getMessage().contains("state.json.bak"), e.getMessage());
    }

    @Test
    void aStateDirOfAnotherRunbookIsRefused(@TempDir Path dir) {
        StateStore.open(dir, "first", "20260101_000000_aaaa", CLOCK);
        ChrunbookException e = assertThrows(ChrunbookException.class, () -> StateStore.open(dir, "second", "20260101_000000_bbbb", CLOCK));
        assertEquals(ExitCode.STATE_CONFLICT, e.exitCode());
    }

    @Test
    void aSecondRunIsLockedOutWhileTheFirstHoldsTheLock(@TempDir Path dir) {
        try (StateLock first = StateLock.acquire(dir, CLOCK.instant())) {
            ChrunbookException e = assertThrows(ChrunbookException.class, () -> StateLock.acquire(dir, CLOCK.instant()));
            assertEquals(ExitCode.STATE_CONFLICT, e.exitCode());
            assertTrue(e.getMessage().contains("another chrunbook run holds"), e.getMessage());
            assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid()), e.getMessage());
        }
        StateLock.acquire(dir, CLOCK.instant()).close();
    }

    @Test
    void aRunWaitsForARepeatingCheckToLetGoBetweenItsRoundsButNotForAnotherRun(@TempDir Path dir) throws Exception {
        StateLock round = StateLock.acquireForRepeat(dir, CLOCK.instant());
        Thread release = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            round.close();
        });
        release.start();
        long t0 = System.nanoTime();
        java.util.concurrent.atomic.AtomicInteger told = new java.util.concurrent.atomic.AtomicInteger();
        try (StateLock run = StateLock.acquire(dir, CLOCK.instant(), java.time.Duration.ofSeconds(10), told::incrementAndGet)) {
            assertTrue(System.nanoTime() - t0 >= 250_000_000L, "it waited for the round to end");
        }
        assertEquals(1, told.get(), "the waiting run says so, once");
        release.join();
        // the round's lock says what holds it; a repeat's next round does not wait for a run
        try (StateLock run = StateLock.acquire(dir, CLOCK.instant(), java.time.Duration.ofSeconds(10), () -> { })) {
            ChrunbookException e = assertThrows(ChrunbookException.class, () -> StateLock.acquireForRepeat(dir, CLOCK.instant()));
            assertEquals(ExitCode.STATE_CONFLICT, e.exitCode());
            assertTrue(e.getMessage().contains("another chrunbook run holds"), e.getMessage());
            // and a run does not wait for another run
            long t1 = System.nanoTime();
            assertThrows(ChrunbookException.class, () -> StateLock.acquire(dir, CLOCK.instant(), java.time.Duration.ofSeconds(10), () -> { }));
            assertTrue(System.nanoTime() - t1 < 2_000_000_000L, "no wait for a run");
        }
    }

    @Test
    void aStaleLockIsReportedWithTheCommandThatClearsIt(@TempDir Path dir) throws Exception {
        try (StateLock lock = StateLock.acquire(dir, CLOCK.instant())) {
            String content = Files.readString(dir.resolve(StateLock.FILE));
            // a pid that cannot be running: beyond the kernel's pid_max
            Files.writeString(dir.resolve(StateLock.FILE), content.replaceFirst("pid=\\d+", "pid=999999999"));
            ChrunbookException e = assertThrows(ChrunbookException.class, () -> StateLock.acquire(dir, CLOCK.instant()));
            assertEquals(ExitCode.STATE_CONFLICT, e.exitCode());
            assertTrue(e.getMessage().contains("stale lock"), e.getMessage());
            assertTrue(e.getMessage().contains("rm " + dir.resolve(StateLock.FILE)), e.getMessage());
        }
    }

    @Test
    void theStateRecordsItsRunbookFileAndARefusalNamesIt(@TempDir Path dir) {
        StateStore.open(dir, "first", Path.of("runbooks/first.yaml"), "20260101_000000_aaaa", CLOCK);
        assertEquals(Path.of("runbooks/first.yaml").toAbsolutePath().normalize().toString(),
                StateStore.read(dir, "first").orElseThrow().runbookFile());
        ChrunbookException e = assertThrows(ChrunbookException.class, () -> StateStore.read(dir, "second"));
        assertEquals(ExitCode.STATE_CONFLICT, e.exitCode());
        assertTrue(e.getMessage().contains("belongs to runbook 'first'") && e.getMessage().contains("first.yaml"), e.getMessage());
    }
}
