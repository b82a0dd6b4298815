package dev.chrunbook.hostile;

import dev.chrunbook.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hostile and malformed input corpus (src/test/resources/hostile/*.cases): each case writes its
 * files into a folder of its own, runs the real CLI and states the exit code and message fragments
 * it must answer with. None may print a stack trace, echo a secret or take long.
 */
class HostileInputTest {
    private static final Path DIR = Path.of("src/test/resources/hostile");

    @TempDir
    Path tmp;

    static Stream<HostileCase> cases() throws IOException {
        List<HostileCase> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".cases")).sorted().toList()) {
                all.addAll(HostileCase.read(f));
            }
        }
        return all.stream();
    }

    @Test
    void theCorpusCoversEveryClassWithEnoughCases() throws IOException {
        List<HostileCase> all = cases().toList();
        long malformed;
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/malformed"))) {
            malformed = files.filter(p -> p.toString().endsWith(".yaml")).count();
        }
        assertTrue(all.size() + malformed >= 120, all.size() + " hostile + " + malformed + " malformed cases");
        assertEquals(all.size(), all.stream().map(HostileCase::name).distinct().count(), "case names are unique");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusedWithItsExitCodeAndAClearMessage(HostileCase c) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("case"));
        c.materialize(dir);
        Cli.Result r = assertTimeoutPreemptively(Duration.ofSeconds(90), () -> Cli.run(c.args(dir)));
        String all = r.out() + "\n" + r.err();
        assertEquals(c.exit(), r.exitCode(), c.name() + ": " + r);
        for (String e : c.expect()) {
            assertTrue(all.contains(e.replace("{dir}", dir.toString())), c.name() + ": expected '" + e + "' in:\n" + r);
        }
        for (String a : c.absent()) {
            assertFalse(all.contains(a), c.name() + ": '" + a + "' must not appear in:\n" + r);
        }
        assertFalse(all.contains("\tat ") || all.contains("Exception in thread"), c.name() + ": a stack trace:\n" + r);
        assertFalse(all.contains("internal error"), c.name() + ": exit 5 is for bugs:\n" + r);
        assertTrue(all.chars().noneMatch(ch -> ch < 0x20 && ch != '\n' && ch != '\t' && ch != '\r'),
                c.name() + ": a raw control byte reached the terminal");
        assertTrue(all.getBytes(StandardCharsets.UTF_8).length < 20_000, c.name() + ": the message is too long (" + all.length() + ")");
        assertFalse(Files.exists(dir.resolve("pwned")), c.name() + ": a template ran a command or wrote a file");
    }
}
