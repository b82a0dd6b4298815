package dev.chrunbook.plan;

import dev.chrunbook.catalog.Catalog;

import dev.chrunbook.apply.Cancellations;
import dev.chrunbook.apply.StatementSender;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrunbook.Node;
import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.kinds.StepKind;
import dev.chrunbook.chunks.ChunkSql;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.kafka.KafkaAdmin;
import dev.chrunbook.kinds.Services;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a runbook's copy and dedupe steps will take on each node, before anything runs: rows, bytes,
 * the disk the step needs, and a duration from a rate measured on this cluster. The rate comes from
 * an earlier run's audit log (rows written over the time its chunks took on that node) or, without
 * one, from bounded sample copies into a temporary table, dropped afterwards. The sample's rate is
 * one statement's; the estimate assumes no gain from running chunks side by side (an upper bound).
 */
public final class Estimator {
    /** One step on one node. {@code seconds} is null for a step that copies nothing (a dedupe's disk only). */
    public record Row(String step, String kind, String node, int shard, long rows, long bytes, long diskNeeded, Long seconds,
                      String rateFrom) {
    }

    /**
     * @param copyMillis      the slowest node's estimated copy
     * @param retentionMillis the Kafka topic's retention.ms, when the runbook names a topic (else null)
     */
    public record Result(List<Row> rows, long copyMillis, Long retentionMillis, String topic) {
        @com.fasterxml.jackson.annotation.JsonProperty("copySeconds")
        public long copySeconds() {
            return (copyMillis + 999) / 1000;
        }

        @com.fasterxml.jackson.annotation.JsonProperty("retentionSeconds")
        public Long retentionSeconds() {
            return retentionMillis == null ? null : retentionMillis / 1000;
        }

        /** The catch-up replays the topic from the copy's start: a retention shorter than the copy loses messages. */
        public Optional<String> refusal() {
            if (retentionMillis == null || retentionMillis <= 0 || retentionMillis >= copyMillis) {
                return Optional.empty(); // -1: kept for ever
            }
            return Optional.of("topic " + topic + " keeps messages " + seconds(retentionMillis) + ", less than the estimated copy of "
                    + seconds(copyMillis) + ": the catch-up would miss what ingestion wrote meanwhile. Raise retention.ms on the topic"
                    + " (or copy in smaller runs) first");
        }
    }

    /** Whole seconds, but for a few seconds or less, where a rounding would hide the comparison. */
    private static String seconds(long millis) {
        return millis >= 10_000 ? millis / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.3f s", millis / 1000.0);
    }

    private final Services.Probes probes;
    private final Path auditLog;
    private final long sampleRows;
    private final StatementSender sender;

    public Estimator(Services.Probes probes, Path stateDir, long sampleRows) {
        this.probes = probes;
        this.auditLog = stateDir.resolve("audit.jsonl");
        this.sampleRows = sampleRows;
        // its sample table is its own scratch: sent as housekeeping, never cancelled (estimate cancels nothing)
        this.sender = new StatementSender(new Cancellations(probes.connector()), probes.sleeper());
    }

    /** A node's work with what its kind says estimate sizes. */
    public record Sized(NodeWork work, StepKind.Bulk bulk) {
    }

    /** @param work the rendered work of the runbook's steps whose kind copies or rewrites a table in bulk */
    public Result estimate(List<Sized> work, String brokers, String topic) {
        List<Row> rows = new ArrayList<>();
        long copy = 0;
        for (Sized sized : work) {
            NodeWork w = sized.work();
            Node node = w.node();
            boolean isCopy = sized.bulk().copies();
            String table = sized.bulk().table();
            try (ClickHouseClient client = probes.connector().connect(node.host(), node.httpPort())) {
                Catalog.Size size = new Catalog(client).size(probes.database(), table);
                long n = size.rows();
                long bytes = size.bytes();
                long largest = size.largestPartitionBytes();
                if (!isCopy) {
                    rows.add(new Row(w.step().id(), "partition-dedupe", node.id(), node.shard(), n, bytes, 2 * largest, null,
                            "free disk for twice the largest partition"));
                    continue;
                }
                Optional<Double> history = historyRate(w.step().id(), node.id());
                double rate = history.orElseGet(() -> sampleRate(client, table, w.settings()));
                long millis = rate > 0 ? (long) Math.ceil(n * 1000 / rate) : 0;
                long seconds = (millis + 999) / 1000;
                copy = Math.max(copy, millis); // shards copy at once
                rows.add(new Row(w.step().id(), "chunked-copy", node.id(), node.shard(), n, bytes, bytes, seconds,
                        String.format("%s %,.0f rows/s", history.isPresent() ? "audit.jsonl of an earlier run:" : "a sample copy of "
                                + Math.min(n, sampleRows) + " rows (less one of a third):", rate)));
            }
        }
        Long retention = null;
        if (brokers != null && !brokers.isBlank() && topic != null && !topic.isBlank()) {
            try (KafkaAdmin admin = probes.admins().apply(brokers)) {
                String ms = admin.retentionConfig(topic).getOrDefault("retention.ms", "?");
                retention = ms.matches("-?\\d+") ? Long.parseLong(ms) : null;
            } catch (RuntimeException e) { // an unreadable topic: the estimate stands, its retention is not checked
                org.slf4j.LoggerFactory.getLogger(Estimator.class).warn("retention of topic {} on {} unknown, not checked: {}",
                        topic, brokers, e.getMessage());
            }
        }
        return new Result(rows, copy, retention, topic);
    }

    /** Rows written over the wall time of an earlier run's chunk statements of this step on this node. */
    private Optional<Double> historyRate(String step, String node) {
        if (!Files.exists(auditLog)) {
            return Optional.empty();
        }
        long written = 0;
        Instant first = null;
        Instant last = null;
        ObjectMapper json = new ObjectMapper();
        try {
            for (String line : Files.readAllLines(auditLog)) {
                JsonNode a = json.readTree(line);
                if (!step.equals(a.path("step").asText()) || !node.equals(a.path("node").asText()) || !a.hasNonNull("sent")
                        || !"done".equals(a.path("outcome").asText())) {
                    continue;
                }
                Instant sent = Instant.parse(a.get("sent").asText());
                Instant end = sent.plusMillis(a.path("duration_ms").asLong());
                written += a.path("rows_written").asLong();
                first = first == null || sent.isBefore(first) ? sent : first;
                last = last == null || end.isAfter(last) ? end : last;
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // an unreadable audit log: the sample measures instead
        }
        if (written == 0 || first == null) {
            return Optional.empty();
        }
        return Optional.of(written / Math.max(0.001, Duration.between(first, last).toMillis() / 1000.0));
    }

    /**
     * One statement's rate: two bounded samples of the source (a third of {@code sampleRows}, then all of
     * them) copied into a table of its definition, dropped after. The rate is the rows the larger one
     * copied more over the time it took more, so that the fixed cost of a statement does not count.
     */
    private double sampleRate(ClickHouseClient client, String table, Map<String, String> settings) {
        String db = probes.database();
        String tmp = table + "_chrunbook_estimate";
        ChunkSql sql = new ChunkSql(db, table, table, List.of(), "", "", "");
        Catalog catalog = new Catalog(client);
        Map<String, String> known = catalog.knownSettings(settings, "estimate of " + table);
        // unpartitioned, so that a block of many partitions is one part as a chunk's block of few would be
        String key = catalog.sortingKey(db, table).orElse(null);
        String create = "CREATE TABLE " + sql.qualified(tmp) + " AS " + sql.qualified(table) + " ENGINE = MergeTree() ORDER BY ("
                + (key == null || key.isBlank() ? "tuple()" : key) + ")";
        long[] rows = new long[2];
        double[] seconds = new double[2];
        long[] limits = {Math.max(1, sampleRows / 3), sampleRows};
        for (int i = 0; i < 2; i++) {
            sender.housekeeping(client, sql.drop(tmp));
            sender.housekeeping(client, create);
            try {
                long start = System.nanoTime();
                sender.housekeeping(client, "INSERT INTO " + sql.qualified(tmp) + " SELECT * FROM " + sql.qualified(table) + " LIMIT " + limits[i],
                        known);
                seconds[i] = (System.nanoTime() - start) / 1e9;
                rows[i] = number(client.selectOne("SELECT count() FROM " + sql.qualified(tmp)));
            } finally {
                sender.housekeeping(client, sql.drop(tmp));
            }
        }
        double more = seconds[1] - seconds[0];
        return rows[1] > rows[0] && more > 0.001 ? (rows[1] - rows[0]) / more : rows[1] / Math.max(0.001, seconds[1]);
    }

    private static long number(String v) {
        return v == null || v.isBlank() ? 0 : (long) Double.parseDouble(v);
    }
}
