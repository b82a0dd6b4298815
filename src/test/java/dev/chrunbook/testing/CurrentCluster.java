package dev.chrunbook.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The current ClickHouse cluster of scripts/current-cluster (two 26.7 servers, shards 1 and 2 of
 * cluster posthog, no replication, no ZooKeeper), started when it is down, reached over plain HTTP
 * for assertions: independent of the JDBC path under test. Node n (1..2) is shard n, HTTP 8130+n.
 */
public final class CurrentCluster {
    public static final int NODES = 2;
    public static final Path DIR = Path.of(System.getenv().getOrDefault("CHRUNBOOK_CURRENT_DIR",
            LocalCluster.ROOT.resolve(".current-cluster").toString()));
    public static final Path CONNECTION = DIR.resolve("connection.yaml");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private CurrentCluster() {
    }

    /** Starts the servers (and the local cluster's Kafka) when they are not all up. */
    public static void ensureUp() throws IOException, InterruptedException {
        Process status = new ProcessBuilder(LocalCluster.ROOT.resolve("scripts/current-cluster").toString(), "status")
                .redirectErrorStream(true).start();
        status.getInputStream().readAllBytes();
        if (status.waitFor() == 0 && kafkaUp()) {
            return;
        }
        Process up = new ProcessBuilder(LocalCluster.ROOT.resolve("scripts/current-cluster").toString(), "up").inheritIO().start();
        if (!up.waitFor(10, TimeUnit.MINUTES) || up.exitValue() != 0) {
            throw new IllegalStateException("scripts/current-cluster up failed; see its output above");
        }
    }

    private static boolean kafkaUp() {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", 9092)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public static int httpPort(int node) {
        return 8130 + node;
    }

    /** Runs SQL on node n (in database posthog when it exists) and returns the TSV body, trimmed. */
    public static String query(int node, String sql) {
        return send(node, sql, "");
    }

    /** The same with URL settings (e.g. "&insert_allow_materialized_columns=1"). */
    public static String send(int node, String sql, String settings) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort(node)
                            + "/?wait_end_of_query=1" + settings))
                    .timeout(Duration.ofMinutes(10)).POST(HttpRequest.BodyPublishers.ofString(sql)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (r.statusCode() != 200) {
                throw new IllegalStateException("node " + node + ": " + r.body().strip() + "\n--- for: " + abbreviate(sql));
            }
            return r.body().strip();
        } catch (IOException e) {
            throw new IllegalStateException("node " + node + " unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static long count(int node, String sql) {
        return Long.parseLong(query(node, sql));
    }

    /** The sum of a count over both shards. */
    public static long total(String sql) {
        long n = 0;
        for (int node = 1; node <= NODES; node++) {
            n += count(node, sql);
        }
        return n;
    }

    public static List<String[]> rows(int node, String sql) {
        List<String[]> out = new ArrayList<>();
        for (String line : query(node, sql).split("\n")) {
            if (!line.isEmpty()) {
                out.add(line.split("\t", -1));
            }
        }
        return out;
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String sql) {
        String one = sql.replaceAll("\\s+", " ");
        return one.length() > 300 ? one.substring(0, 297) + "..." : one;
    }
}
