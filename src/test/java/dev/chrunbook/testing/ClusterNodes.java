package dev.chrunbook.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Direct access to the four local nodes for assertions, over plain HTTP: independent of the JDBC
 * path under test. Node n (1..4) is shard (n+1)/2, replica chN, HTTP port 8120+n.
 */
public final class ClusterNodes {
    public static final int NODES = 4;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private final String database;

    ClusterNodes(String database) {
        this.database = database;
    }

    public String database() {
        return database;
    }

    public static int httpPort(int node) {
        return 8120 + node;
    }

    public static String id(int node) {
        return "127.0.0.1:" + httpPort(node);
    }

    /** Runs SQL on node n and returns the TSV body, trimmed. */
    public String query(int node, String sql) {
        return send(node, sql, "");
    }

    /** DDL on the whole cluster that gives up after 60 s instead of 18.16's 180 when a node is gone. */
    public void onCluster(String sql) {
        send(1, sql, "&distributed_ddl_task_timeout=60");
    }

    /**
     * DDL on every node, one after the other, each on its own (not ON CLUSTER): a node that dies
     * during its statement fails it at once, where ON CLUSTER waits out its timeout for that node.
     */
    public void onEveryNode(String sql) {
        for (int n = 1; n <= NODES; n++) {
            query(n, sql);
        }
    }

    public long count(int node, String sql) {
        return Long.parseLong(query(node, sql));
    }

    public List<String[]> rows(int node, String sql) {
        List<String[]> out = new ArrayList<>();
        for (String line : query(node, sql).split("\n")) {
            if (!line.isEmpty()) {
                out.add(line.split("\t", -1));
            }
        }
        return out;
    }

    /** Flushes query_log on every node so assertions see statements that just finished. */
    public void flushLogs() {
        for (int n = 1; n <= NODES; n++) {
            query(n, "SYSTEM FLUSH LOGS");
        }
    }

    static boolean allUp() {
        return Arrays.stream(new int[] {1, 2, 3, 4}).allMatch(n -> {
            try {
                return "1".equals(send(n, "SELECT 1", ""));
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    private static String send(int node, String sql, String settings) {
        URI uri = URI.create("http://127.0.0.1:" + httpPort(node) + "/?query=" + URLEncoder.encode(sql, StandardCharsets.UTF_8) + settings);
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("node " + node + ": " + r.body().strip() + "\n  for: " + sql);
            }
            return r.body().strip();
        } catch (IOException e) {
            throw new IllegalStateException("node " + node + " unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
