package dev.chrunbook.observe;

import dev.chrunbook.Node;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.chrunbook.testing.Fixtures.NODE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ListenersTest {
    @Test
    void anObserverThatThrowsStopsNeitherTheFlowNorTheOthersAndIsLoggedOnce() {
        List<String> told = new ArrayList<>();
        ExecutionListener broken = new ExecutionListener() {
            @Override
            public void waiting(Step step, Node node, String why) {
                throw new IllegalStateException("terminal gone");
            }
        };
        ExecutionListener working = new ExecutionListener() {
            @Override
            public void waiting(Step step, Node node, String why) {
                told.add(why);
            }
        };
        Listeners listeners = new Listeners(List.of(broken, working));
        PrintStream err = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            for (int i = 0; i < 3; i++) {
                listeners.waiting(Fixtures.step("copy", "sql"), NODE, "look " + i);
            }
        } finally {
            System.setErr(err);
        }
        assertEquals(List.of("look 0", "look 1", "look 2"), told, "the observer after the broken one is still told");
        String text = log.toString(StandardCharsets.UTF_8);
        assertEquals(1, text.split("observer ", -1).length - 1, "logged once, not on every event:\n" + text);
        assertTrue(text.contains("terminal gone"), text);
    }
}
