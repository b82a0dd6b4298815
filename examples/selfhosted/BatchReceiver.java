import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for PostHog Cloud's capture service ({@code POST /batch/} with {@code {"api_key",
 * "historical_migration", "batch": [{event, distinct_id, properties, timestamp, uuid}]}}) that keeps
 * its contract as PostHog's code defines it (PostHog/posthog rust/capture):
 * - router.rs: a body over 20 MiB (BATCH_BODY_SIZE) is refused with 413;
 * - api.rs: an undecodable body, an empty batch (EmptyBatch), an event without a name or a
 *   distinct_id, and an event over the size limit (EventTooBig) get 400; a token refused by its
 *   shape gets 401; a transient sink error 503; rate limiting 429, without Retry-After;
 * - token.rs: the key is checked by its shape only (empty, over 64 characters, not ASCII, a personal
 *   key phx_..., a NUL): a key of the right shape for another project is taken;
 * - events/analytics.rs: historical_migration routes a batch to the historical pipeline (counted here);
 * - repeats are not dropped on arrival: every event is written, to a ReplacingMergeTree with PostHog's
 *   sort key, where repeats collapse on merge, as in Cloud.
 * A share of requests (--fail-share) gets 503 or 429 before anything of it is written. GET /stats
 * tells the counts.
 *
 *   java -cp target/chrunbook.jar examples/selfhosted/BatchReceiver.java --port 8766 \
 *        --clickhouse http://127.0.0.1:8121 --table cloud.writable_events --team-id 2 [--fail-share 0.1]
 * It prints "listening on PORT" once it serves.
 */
public final class BatchReceiver {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int BODY_LIMIT = 20 * 1024 * 1024;
    /** About the Kafka message limit capture's sink refuses an event over (EventTooBig). */
    static final int EVENT_LIMIT = 1024 * 1024;

    private final String clickhouse;
    private final String table;
    private final long teamId;
    private final double failShare;
    private final Random random = new Random(42);
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong historical = new AtomicLong();
    private final AtomicLong live = new AtomicLong();
    private final AtomicLong largest = new AtomicLong();
    private final AtomicLong emptyBatches = new AtomicLong();

    private BatchReceiver(String clickhouse, String table, long teamId, double failShare) {
        this.clickhouse = clickhouse;
        this.table = table;
        this.teamId = teamId;
        this.failShare = failShare;
    }

    public static void main(String[] args) throws Exception {
        java.util.Map<String, String> a = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        BatchReceiver r = new BatchReceiver(a.getOrDefault("clickhouse", "http://127.0.0.1:8121"), a.get("table"),
                Long.parseLong(a.getOrDefault("team-id", "1")), Double.parseDouble(a.getOrDefault("fail-share", "0")));
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
                .put("written", rows.get()).put("historical", historical.get()).put("live", live.get())
                .put("largest_body", largest.get()).put("empty_batches", emptyBatches.get());
        answer(x, 200, s.toString());
    }

    private void batch(HttpExchange x) throws IOException {
        requests.incrementAndGet();
        if (!"POST".equals(x.getRequestMethod())) {
            answer(x, 405, "POST only");
            return;
        }
        byte[] raw;
        try (InputStream in = x.getRequestBody()) {
            raw = in.readNBytes(BODY_LIMIT + 1);
        }
        largest.accumulateAndGet(raw.length, Math::max);
        if (raw.length > BODY_LIMIT) {
            refuse(x, 413, "length limit exceeded");
            return;
        }
        JsonNode body;
        try {
            body = JSON.readTree(raw);
        } catch (IOException e) {
            refuse(x, 400, "failed to parse request: " + e.getMessage().split("\n")[0]);
            return;
        }
        String problem = tokenProblem(body.path("api_key").asText(""));
        if (problem != null) {
            refuse(x, 401, "API key is not valid: " + problem);
            return;
        }
        JsonNode batch = body.path("batch");
        if (!batch.isArray() || batch.isEmpty()) {
            emptyBatches.incrementAndGet();
            refuse(x, 400, "request holds no event");
            return;
        }
        for (JsonNode e : batch) {
            if (e.path("event").asText("").isEmpty()) {
                refuse(x, 400, "event submitted with an empty event name");
                return;
            }
            if (!e.hasNonNull("distinct_id") || e.path("distinct_id").asText("").isEmpty()) {
                refuse(x, 400, "event submitted without a distinct_id");
                return;
            }
            if (e.toString().getBytes(StandardCharsets.UTF_8).length > EVENT_LIMIT) {
                refuse(x, 400, "maximum event size exceeded");
                return;
            }
        }
        double roll;
        synchronized (random) {
            roll = random.nextDouble();
        }
        if (roll < failShare) {
            failed.incrementAndGet();
            answer(x, roll < failShare / 2 ? 503 : 429, roll < failShare / 2 ? "transient error, please retry" : "rate limited");
            return;
        }
        StringBuilder out = new StringBuilder();
        for (JsonNode e : batch) {
            ObjectNode row = JSON.createObjectNode().put("uuid", e.path("uuid").asText()).put("event", e.path("event").asText())
                    .put("distinct_id", e.path("distinct_id").asText()).put("properties", e.path("properties").toString())
                    .put("timestamp", e.path("timestamp").asText().replace('T', ' ').replace("Z", "")).put("team_id", teamId);
            out.append(row).append('\n');
        }
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(clickhouse + "/?date_time_input_format=best_effort&query="
                    + URLEncoder.encode("INSERT INTO " + table + " (uuid, event, distinct_id, properties, timestamp, team_id) FORMAT JSONEachRow",
                    StandardCharsets.UTF_8))).POST(HttpRequest.BodyPublishers.ofString(out.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException("ClickHouse answered " + r.statusCode() + ": " + r.body());
            }
        } catch (IOException | InterruptedException e) {
            answer(x, 503, "transient error, please retry"); // nothing of this batch was written: the sender's retry writes it
            return;
        }
        rows.addAndGet(batch.size());
        (body.path("historical_migration").asBoolean(false) ? historical : live).incrementAndGet();
        answer(x, 200, "{\"status\":1}");
    }

    /** Why capture's token check refuses a key (token.rs), or null. */
    static String tokenProblem(String key) {
        String k = key.trim();
        if (k.isEmpty()) {
            return "empty";
        }
        if (k.length() > 64) {
            return "too_long";
        }
        if (!k.chars().allMatch(c -> c < 128)) {
            return "not_ascii";
        }
        if (k.startsWith("phx_")) {
            return "personal_api_key";
        }
        return k.indexOf('\0') >= 0 ? "null_byte" : null;
    }

    private void refuse(HttpExchange x, int code, String why) throws IOException {
        refused.incrementAndGet();
        answer(x, code, why);
    }

    private static void answer(HttpExchange x, int code, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", code == 200 ? "application/json" : "text/plain");
        x.sendResponseHeaders(code, b.length);
        try (OutputStream o = x.getResponseBody()) {
            o.write(b);
        }
    }
}
