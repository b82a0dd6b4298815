package dev.chrunbook.runbook;

import dev.chrunbook.testing.Cli;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every file in src/test/resources/malformed is a broken runbook whose header says what
 * {@code validate} must answer ({@code # expect:} lines, optional {@code # args:}); each must exit 2.
 */
class MalformedRunbookTest {
    private static final Path DIR = Path.of("src/test/resources/malformed");

    static Stream<Path> runbooks() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            List<Path> list = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
            assertTrue(list.size() >= 20, "at least 20 malformed runbooks");
            return list.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runbooks")
    void validateRejectsWithExitTwoAndAPreciseMessage(Path runbook) throws IOException {
        List<String> expected = new ArrayList<>();
        List<String> args = new ArrayList<>(List.of("validate", runbook.toString()));
        for (String line : Files.readAllLines(runbook)) {
            if (line.startsWith("# expect: ")) {
                expected.add(line.substring("# expect: ".length()));
            } else if (line.startsWith("# args: ")) {
                args.addAll(List.of(line.substring("# args: ".length()).split(" ")));
            }
        }
        assertFalse(expected.isEmpty(), runbook + " has no '# expect:' line");
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertEquals(2, r.exitCode(), r.toString());
        for (String e : expected) {
            assertTrue(r.err().contains(e), "expected '" + e + "' in:\n" + r.err());
        }
        assertEquals("", r.out(), "nothing reported as validated");
    }
}
