package dev.chrunbook.transfer;

import com.sun.net.httpserver.HttpServer;
import dev.chrunbook.ChrunbookException;
import dev.chrunbook.testing.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against a real HTTP server on 127.0.0.1 that answers from a script: retries, Retry-After, and a refusal that stops. */
class BatchSenderTest {
    private final ConcurrentLinkedQueue<int[]> script = new ConcurrentLinkedQueue<>(); // {status, retry-after ms or -1}
    private final List<String> bodies = new ArrayList<>();
    private HttpServer server;

    private String serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/batch/", x -> {
            synchronized (bodies) {
                bodies.add(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            }
            int[] next = script.poll();
            int status = next == null ? 200 : next[0];
            if (next != null && next[1] >= 0) {
                x.getResponseHeaders().set("Retry-After", String.valueOf(next[1] / 1000.0));
            }
            byte[] b = (status == 401 ? "{\"detail\":\"Project API key invalid.\"}" : "{}").getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(status, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void a503AndA429AreTriedAgainHonouringRetryAfterUntilTheEndpointTakesThePage() throws Exception {
        script.add(new int[] {503, -1});
        script.add(new int[] {429, 1500});
        Fixtures.CountingSleeper sleeper = new Fixtures.CountingSleeper();
        List<String> told = new ArrayList<>();
        int tries = new BatchSender(serve(), 5, Duration.ofSeconds(5), sleeper).send("{\"batch\":[]}".getBytes(), told::add);
        assertEquals(3, tries);
        assertEquals(List.of(BatchSender.backoff(0), Duration.ofMillis(1500)), sleeper.slept, "backoff, then the server's Retry-After");
        assertTrue(told.get(0).startsWith("HTTP 503"), told.toString());
        assertEquals(3, bodies.size());
    }

    @Test
    void aRefusedKeyStopsAtOnceWithTheResponseBodyAndIsNotTriedAgain() throws Exception {
        script.add(new int[] {401, -1});
        Fixtures.CountingSleeper sleeper = new Fixtures.CountingSleeper();
        ChrunbookException e = assertThrows(ChrunbookException.class,
                () -> new BatchSender(serve(), 5, Duration.ofSeconds(5), sleeper).send("{}".getBytes(), why -> { }));
        assertEquals(dev.chrunbook.ExitCode.VERIFICATION_FAILED, e.exitCode(), "a refusal is exit 4");
        assertTrue(e.getMessage().contains("HTTP 401") && e.getMessage().contains("Project API key invalid.")
                && e.getMessage().contains("api_key_env"), e.getMessage());
        assertEquals(1, bodies.size(), "sent once");
        assertEquals(List.of(), sleeper.slept);
    }

    @Test
    void retriesSpentEndTheStepNamingTheLastAnswer() throws Exception {
        for (int i = 0; i < 3; i++) {
            script.add(new int[] {502, -1});
        }
        ChrunbookException e = assertThrows(ChrunbookException.class, () -> new BatchSender(serve(), 2, Duration.ofSeconds(5),
                new Fixtures.CountingSleeper()).send("{}".getBytes(), why -> { }));
        assertTrue(e.getMessage().contains("after 3 tries: HTTP 502"), e.getMessage());
    }

    @Test
    void aPageTheEndpointFindsTooLargeIsSentAgainInHalvesUntilEachIsTaken() throws Exception {
        // capture answers 413 over its body limit (BATCH_BODY_SIZE); this one's limit is a body of 3 events
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        List<Integer> taken = new ArrayList<>();
        server.createContext("/batch/", x -> {
            byte[] in = x.getRequestBody().readAllBytes();
            int events = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in).get("batch").size();
            int status = events > 3 ? 413 : 200;
            if (status == 200) {
                synchronized (taken) {
                    taken.add(events);
                }
            }
            x.sendResponseHeaders(status, -1);
            x.close();
        });
        server.start();
        StringBuilder body = new StringBuilder("{\"api_key\":\"phc_k\",\"historical_migration\":true,\"batch\":[");
        for (int i = 0; i < 10; i++) {
            body.append(i == 0 ? "" : ",").append("{\"event\":\"e\",\"distinct_id\":\"u\",\"uuid\":\"").append(i).append("\"}");
        }
        List<String> told = new ArrayList<>();
        int tries = new BatchSender("http://127.0.0.1:" + server.getAddress().getPort() + "/", 2, Duration.ofSeconds(5),
                new Fixtures.CountingSleeper()).send(body.append("]}").toString().getBytes(StandardCharsets.UTF_8), told::add);
        assertEquals(10, taken.stream().mapToInt(Integer::intValue).sum(), "every event taken once: " + taken);
        assertTrue(taken.stream().allMatch(n -> n <= 3), "each body within the limit: " + taken);
        assertTrue(tries > taken.size(), "the refused sends count as tries: " + tries);
        assertTrue(told.get(0).contains("HTTP 413"), told.toString());
    }

    @Test
    void aSingleEventTheEndpointFindsTooLargeStopsTheExport() throws Exception {
        script.add(new int[] {413, -1});
        ChrunbookException e = assertThrows(ChrunbookException.class, () -> new BatchSender(serve(), 2, Duration.ofSeconds(5),
                new Fixtures.CountingSleeper()).send("{\"batch\":[{\"uuid\":\"1\"}]}".getBytes(StandardCharsets.UTF_8), x -> { }));
        assertTrue(e.getMessage().contains("max_event_bytes"), e.getMessage());
    }
}
