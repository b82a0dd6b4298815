package dev.chrunbook.testing;

import java.io.IOException;
import java.nio.file.Path;

/**
 * PostHog's own events tables (src/test/resources/posthog/events-ddl.sql, each piece named with the
 * PostHog commit it was read from) and their history (events-history.sql) on the current cluster,
 * with rows written between the history's ALTERs, so that some rows hold values of MATERIALIZED
 * expressions that were changed in place later; loaded by examples/posthog/load-posthog, which says
 * what the engine forces to be rewritten. The topic and consumer group get a suffix, so that runs
 * share no Kafka state.
 */
public final class PostHogSchema {
    static final Path LOADER = LocalCluster.ROOT.resolve("examples/posthog/load-posthog");
    static final String TOPIC = "clickhouse_events_json";
    static final String GROUP = "clickhouse_events_json";

    private final String suffix;

    public PostHogSchema(String suffix) {
        this.suffix = suffix;
    }

    public String topic() {
        return TOPIC + "_" + suffix;
    }

    public String group() {
        return GROUP + "_" + suffix;
    }

    /**
     * Creates database posthog anew on both servers, PostHog's tables in it, and its history with
     * {@code perBatch} events written through writable_events at each '-- @rows' mark
     * (examples/posthog/load-posthog, which the benches use too), starting the current cluster when it is down.
     *
     * @return the events written
     */
    public long create(int perBatch) throws IOException, InterruptedException {
        CurrentCluster.ensureUp();
        Process p = new ProcessBuilder(LOADER.toString(), "--events", String.valueOf(perBatch), "--suffix", suffix)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("examples/posthog/load-posthog failed: " + out);
        }
        return Long.parseLong(out.substring(out.lastIndexOf('\n') + 1));
    }

    /**
     * PostHog's event as capture writes it to clickhouse_events_json and kafka_events_json reads it
     * (JSONEachRow of the Kafka table's columns).
     */
    public static String liveEvent(String id, long n, String ts) {
        return "{\"uuid\":\"" + id + "\",\"event\":\"live_" + (n % 3) + "\",\"properties\":\"{\\\"$browser\\\":\\\"Chrome\\\","
                + "\\\"$session_id\\\":\\\"live" + (n % 50) + "\\\",\\\"epik\\\":\\\"e1\\\",\\\"plan\\\":\\\"p" + (n % 4) + "\\\"}\","
                + "\"timestamp\":\"" + ts + ".123456\",\"team_id\":" + (n % 3 + 1) + ",\"distinct_id\":\"live" + (n % 997) + "\","
                + "\"created_at\":\"" + ts + ".123456\",\"elements_chain\":\"\",\"person_id\":\"" + id + "\","
                + "\"person_properties\":\"{\\\"tier\\\":\\\"gold\\\"}\",\"person_mode\":\"full\"}";
    }
}
