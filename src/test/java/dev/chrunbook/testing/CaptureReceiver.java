package dev.chrunbook.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * examples/selfhosted/BatchReceiver.java (PostHog capture's contract) serving on a free port, writing
 * into {@code <database>.writable} on the local cluster: a Distributed table over a
 * ReplicatedReplacingMergeTree with PostHog's sort key, where repeats collapse on merge as in Cloud.
 */
public final class CaptureReceiver implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final int port;

    private CaptureReceiver(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Creates the target tables in {@code cluster}'s database and starts the receiver, failing {@code failShare} of requests. */
    public static CaptureReceiver start(ClusterNodes cluster, double failShare) throws Exception {
        String db = cluster.database();
        cluster.onCluster("CREATE TABLE " + db + ".events ON CLUSTER posthog (uuid UUID, event String, properties String, timestamp DateTime,"
                + " team_id Int64, distinct_id String, _timestamp DateTime DEFAULT now()) ENGINE = ReplicatedReplacingMergeTree("
                + "'/clickhouse/tables/{shard}/" + db + ".events', '{replica}', _timestamp) PARTITION BY toYYYYMM(timestamp)"
                + " ORDER BY (team_id, toDate(timestamp), event, cityHash64(distinct_id), cityHash64(toString(uuid)))");
        cluster.onCluster("CREATE TABLE " + db + ".writable ON CLUSTER posthog AS " + db + ".events"
                + " ENGINE = Distributed(posthog, " + db + ", events, sipHash64(distinct_id))");
        Process p = new ProcessBuilder("java", "-Xmx1g", "-cp", System.getProperty("chrunbook.jar", "target/chrunbook.jar"),
                LocalCluster.ROOT.resolve("examples/selfhosted/BatchReceiver.java").toString(), "--port", "0", "--clickhouse",
                "http://127.0.0.1:8121", "--table", db + ".writable", "--team-id", "2", "--fail-share", String.valueOf(failShare))
                .redirectErrorStream(true).start();
        String line = new BufferedReader(new InputStreamReader(p.getInputStream())).readLine();
        if (line == null || !line.startsWith("listening on ")) {
            p.destroyForcibly();
            throw new IllegalStateException("the receiver did not start: " + line);
        }
        return new CaptureReceiver(p, Integer.parseInt(line.substring("listening on ".length()).trim()));
    }

    public int port() {
        return port;
    }

    /** Its counts (GET /stats): requests, failed, refused, written, historical, live, largest_body, empty_batches. */
    public JsonNode stats() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/stats")).build(),
                HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(r.body());
    }

    /** The events it has written, 0 while it cannot answer. */
    public long written() {
        try {
            return stats().get("written").asLong();
        } catch (Exception e) {
            return 0;
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
