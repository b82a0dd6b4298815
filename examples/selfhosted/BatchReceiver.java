import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for PostHog Cloud's batch ingestion API, for tests and benches on this machine:
 * {@code POST /batch/} with {@code {"api_key", "batch": [{event, distinct_id, properties, timestamp, uuid}]}}.
 * A wrong api_key gets 401; a share of requests (--fail-share) gets 503 or 429 with Retry-After;
 * the others are written into a ClickHouse table (as team --team-id) before the 200, and a uuid
 * already written is dropped, as the real API deduplicates by uuid. GET /stats tells the counts.
 *
 *   java -cp target/chrunbook.jar examples/selfhosted/BatchReceiver.java --port 8766 --api-key KEY \
 *        --clickhouse http://127.0.0.1:8121 --table cloud.writable_events --team-id 2 [--fail-share 0.1] [--retry-after 0.1]
 * It prints "listening on PORT" once it serves.
 */
public final class BatchReceiver {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String apiKey;
    private final String clickhouse;
    private final String table;
    private final long teamId;
    private final double failShare;
    private final String retryAfter;
    private final Random random = new Random(42);
    private final Set<String> written = new HashSet<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong rows = new AtomicLong();

    private BatchReceiver(String apiKey, String clickhouse, String table, long teamId, double failShare, String retryAfter) {
        this.apiKey = apiKey;
        this.clickhouse = clickhouse;
        this.table = table;
        this.teamId = teamId;
        this.failShare = failShare;
        this.retryAfter = retryAfter;
    }

    public static void main(String[] args) throws Exception {
        java.util.Map<String, String> a = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        BatchReceiver r = new BatchReceiver(a.get("api-key"), a.getOrDefault("clickhouse", "http://127.0.0.1:8121"), a.get("table"),
                Long.parseLong(a.getOrDefault("team-id", "1")), Double.parseDouble(a.getOrDefault("fail-share", "0")),
                a.getOrDefault("retry-after", "1"));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(a.getOrDefault("port", "0"))), 64);
        server.createContext("/batch/", r::batch);
        server.createContext("/stats", r::stats);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
        System.out.println("listening on " + server.getAddress().getPort());
        System.out.flush();
    }

    private void stats(HttpExchange x) throws IOException {
        ObjectNode s = JSON.createObjectNode().put("requests", requests.get()).put("failed", failed.get()).put("refused", refused.get())
                .put("duplicates", duplicates.get()).put("written", rows.get());
        answer(x, 200, s.toString(), null);
    }

    private void batch(HttpExchange x) throws IOException {
        requests.incrementAndGet();
        if (!"POST".equals(x.getRequestMethod())) {
            answer(x, 405, "{\"error\":\"POST only\"}", null);
            return;
        }
        JsonNode body;
        try {
            body = JSON.readTree(x.getRequestBody());
        } catch (IOException e) {
            refused.incrementAndGet();
            answer(x, 400, "{\"error\":\"invalid JSON: " + e.getMessage().replace('"', '\'').split("\n")[0] + "\"}", null);
            return;
        }
        if (!apiKey.equals(body.path("api_key").asText())) {
            refused.incrementAndGet();
            answer(x, 401, "{\"type\":\"authentication_error\",\"detail\":\"Project API key invalid.\"}", null);
            return;
        }
        double roll;
        synchronized (random) {
            roll = random.nextDouble();
        }
        if (roll < failShare) {
            failed.incrementAndGet();
            if (roll < failShare / 2) {
                answer(x, 503, "{\"error\":\"unavailable\"}", null);
            } else {
                answer(x, 429, "{\"error\":\"rate limited\"}", retryAfter);
            }
            return;
        }
        StringBuilder out = new StringBuilder();
        synchronized (written) { // dedupe and write under one lock: a repeat racing its first copy is still dropped
            int fresh = 0;
            java.util.List<String> added = new java.util.ArrayList<>();
            for (JsonNode e : body.path("batch")) {
                String uuid = e.path("uuid").asText();
                if (!written.add(uuid)) {
                    duplicates.incrementAndGet();
                    continue;
                }
                ObjectNode row = JSON.createObjectNode().put("uuid", uuid).put("event", e.path("event").asText())
                        .put("distinct_id", e.path("distinct_id").asText()).put("properties", e.path("properties").toString())
                        .put("timestamp", e.path("timestamp").asText().replace('T', ' ').replace("Z", "")).put("team_id", teamId);
                out.append(row).append('\n');
                added.add(uuid);
                fresh++;
            }
            if (fresh > 0) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(clickhouse + "/?query="
                            + URLEncoder.encode("INSERT INTO " + table + " (uuid, event, distinct_id, properties, timestamp, team_id) FORMAT JSONEachRow",
                            StandardCharsets.UTF_8))).POST(HttpRequest.BodyPublishers.ofString(out.toString())).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        throw new IOException("ClickHouse answered " + r.statusCode() + ": " + r.body());
                    }
                } catch (IOException | InterruptedException e) {
                    // nothing of this batch is kept as written: the sender's retry writes it
                    written.removeAll(added);
                    answer(x, 503, "{\"error\":\"storage\"}", null);
                    return;
                }
                rows.addAndGet(fresh);
            }
        }
        answer(x, 200, "{\"status\":1}", null);
    }

    private static void answer(HttpExchange x, int code, String body, String retryAfter) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        if (retryAfter != null) {
            x.getResponseHeaders().set("Retry-After", retryAfter);
        }
        x.sendResponseHeaders(code, b.length);
        try (OutputStream o = x.getResponseBody()) {
            o.write(b);
        }
    }
}
