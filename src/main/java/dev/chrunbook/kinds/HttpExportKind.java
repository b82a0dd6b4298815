package dev.chrunbook.kinds;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.Node;
import dev.chrunbook.SqlQuoting;
import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseException;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.NodeState;
import dev.chrunbook.state.StateStore;
import dev.chrunbook.state.Status;
import dev.chrunbook.transfer.BatchSender;
import dev.chrunbook.transfer.ExportColumns;
import dev.chrunbook.transfer.ExportContract;
import dev.chrunbook.transfer.ExportCursor;
import dev.chrunbook.transfer.HttpExport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code kind: http-export}: each source node sends its events of some teams and a time range to a
 * batch ingestion endpoint (PostHog's {@code POST /batch/}), a day at a time, in pages of
 * {@code fetch_limit}, with the cursor recorded after each acknowledged page. See {@link HttpExport}.
 */
final class HttpExportKind extends BuiltInKind {
    private static final Set<String> KEYS = Set.of("url", "api_key_env", "api_key_file", "table", "team_column", "team_ids",
            "time_column", "start", "end", "uuid_column", "event_column", "distinct_id_column", "properties_column", "fetch_limit",
            "parallel", "order", "retries", "timeout", "cursor", "historical", "geoip_disable", "max_body_bytes", "max_event_bytes", "oversized", "elements_chain_column");
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    HttpExportKind() {
        super("http", KEYS, List.of("url", "table", "team_ids", "start", "end"));
    }

    @Override
    public String name() {
        return "http-export";
    }

    @Override
    void checkParams(Step step, Map<String, String> p) {
        String where = "step '" + step.id() + "' http.";
        checkWholeNumbers(step, p, List.of("fetch_limit", "parallel", "retries"));
        checkDurations(step, p, List.of("timeout"));
        RemoteCopyKind.teams(p, where);
        if (!RemoteCopyKind.time(p.get("end"), where + "end").isAfter(RemoteCopyKind.time(p.get("start"), where + "start"))) {
            throw ChrunbookException.invalidInput(where + "end (" + p.get("end") + ") is not after start (" + p.get("start")
                    + "): the range is [start, end), so end must come later");
        }
        if (!p.getOrDefault("url", "").matches("https?://[^\\s]+")) {
            throw ChrunbookException.invalidInput(where + "url: '" + p.get("url") + "' is not an http(s) URL");
        }
        if (p.getOrDefault("api_key_env", "").isBlank() == p.getOrDefault("api_key_file", "").isBlank()) {
            throw ChrunbookException.invalidInput(where + "api_key_env or api_key_file (one of them): the API key never goes in the runbook");
        }
        if (!List.of("time", "sort-key").contains(p.getOrDefault("order", "time"))) {
            throw ChrunbookException.invalidInput(where + "order: '" + p.get("order") + "' (allowed: time, sort-key)");
        }
        for (String key : List.of("fetch_limit", "parallel")) {
            if ("0".equals(p.get(key))) {
                throw ChrunbookException.invalidInput(where + key + ": at least 1");
            }
        }
        for (String key : List.of("table", "team_column", "time_column", "uuid_column", "event_column", "distinct_id_column",
                "properties_column")) {
            String v = p.get(key);
            if (v != null && !v.isBlank() && !v.matches("[A-Za-z_$][A-Za-z0-9_$]*")) {
                throw ChrunbookException.invalidInput(where + key + ": '" + v + "' is not a column or table name");
            }
        }
        ExportCursor.check(p.get("cursor"), where + "cursor");
        checkWholeNumbers(step, p, List.of("max_body_bytes", "max_event_bytes"));
        if (number(p, "max_body_bytes", 0) > ExportContract.BODY_LIMIT) {
            throw ChrunbookException.invalidInput(where + "max_body_bytes: " + p.get("max_body_bytes") + " is over capture's body limit ("
                    + ExportContract.BODY_LIMIT + " bytes: BATCH_BODY_SIZE), which answers 413");
        }
        for (String key : List.of("historical", "geoip_disable")) {
            if (!List.of("true", "false").contains(p.getOrDefault(key, "true"))) {
                throw ChrunbookException.invalidInput(where + key + ": true or false, not '" + p.get(key) + "'");
            }
        }
        if (!List.of("stop", "skip").contains(p.getOrDefault("oversized", "stop"))) {
            throw ChrunbookException.invalidInput(where + "oversized: stop (the default) or skip, not '" + p.get("oversized") + "'");
        }
        // before anything runs: a key that is not there, or that capture would refuse by its shape, is an input error (exit 2)
        String key = apiKey(p);
        ExportContract.keyProblem(key).ifPresent(why -> {
            throw ChrunbookException.invalidInput(where + (p.getOrDefault("api_key_env", "").isBlank() ? "api_key_file" : "api_key_env")
                    + ": the API key is not one capture takes: " + why);
        });
    }

    @Override
    Map<String, String> drifting(Map<String, String> params) {
        return only(params, List.of("url", "table", "team_column", "team_ids", "time_column", "start", "end", "order"));
    }

    @Override
    public boolean changesCluster() {
        return false; // it reads the source and writes elsewhere
    }

    @Override
    public List<String> preview(NodeWork work, Services.Probes probes, NodeState state) {
        Map<String, String> p = work.params();
        List<String> lines = new ArrayList<>();
        lines.add("POST " + p.get("url").replaceAll("/+$", "") + "/batch/, API key from " + (p.getOrDefault("api_key_env", "").isBlank()
                ? "file " + p.get("api_key_file") : "$" + p.get("api_key_env")) + " (never printed); pages of "
                + p.getOrDefault("fetch_limit", "10000") + " events, " + p.getOrDefault("parallel", "4") + " in flight, order "
                + p.getOrDefault("order", "time"));
        ExportContract contract = contract(p);
        lines.add("as capture takes it: historical_migration " + contract.historical() + ", $geoip_disable " + contract.geoipDisable()
                + ", bodies of at most " + contract.maxBodyBytes() + " bytes (a 413 splits a page), events over " + contract.maxEventBytes()
                + " bytes " + (contract.skipOversized() ? "skipped and reported" : "stop the step") + "; no request before the first page: capture checks"
                + " the key's shape only (checked here), so the first page is what proves the URL and the project");
        if (state != null && !state.chunks().isEmpty()) {
            long done = state.chunks().stream().filter(c -> c.phase() == dev.chrunbook.state.ChunkState.Phase.DONE).count();
            lines.add("ledger: " + done + " of " + state.chunks().size() + " day(s) sent");
        }
        return lines;
    }

    @Override
    public NodeState apply(NodeWork work, Services services) {
        StateStore store = services.store();
        start(work, store);
        Map<String, String> p = work.params();
        Node node = work.node();
        try {
            String key = apiKey(p);
            HttpExport.Spec spec;
            try (ClickHouseClient client = services.probes().connector().connect(node.host(), node.httpPort())) {
                spec = spec(work, client, services, key);
            }
            // no request before the first page: capture refuses an empty batch (400), and checks a key's shape only
            HttpExport.Result r = new HttpExport(spec, store, services.probes().connector(), services.listener()).run();
            String note = r.events() + " events in " + r.pages() + " page(s) acknowledged (" + r.tries() + " POSTs); cursor " + r.cursor()
                    + "; peak heap " + peakHeapMib() + " MiB of " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB max"
                    + (r.skipped().isEmpty() ? "" : "; skipped " + r.skipped().size() + " event(s) over http.max_event_bytes: "
                    + String.join(", ", r.skipped()));
            recordDone(store, work, r.events());
            return finish(work, services, store.update(work.step().id(), node.id(), s -> s.finish(Status.DONE, store.clock().instant(), null, note)));
        } catch (ChrunbookException e) {
            boolean refused = e.exitCode() == dev.chrunbook.ExitCode.VERIFICATION_FAILED; // refused, not a failure to retry
            return finish(work, services, store.update(work.step().id(), node.id(), s -> refused
                    ? s.failVerification(store.clock().instant(), e.getMessage())
                    : s.finish(Status.FAILED, store.clock().instant(), e.getMessage() + "; run the step again: it resumes after the last"
                    + " acknowledged page", null)));
        } catch (ClickHouseException e) {
            return finish(work, services, store.update(work.step().id(), node.id(), s -> s.finish(Status.FAILED, store.clock().instant(),
                    "reading " + p.get("table") + " on " + node.id() + ": " + e.getMessage() + "; run the step again: it resumes after"
                    + " the last acknowledged page", null)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return store.node(work.step().id(), node.id());
        }
    }

    private static HttpExport.Spec spec(NodeWork work, ClickHouseClient client, Services services, String key) {
        Map<String, String> p = work.params();
        String db = services.database();
        Map<String, String> types = new LinkedHashMap<>();
        client.select("SELECT name, type FROM system.columns WHERE database = " + SqlQuoting.literal(db) + " AND table = "
                + SqlQuoting.literal(p.get("table"))).forEach(r -> types.put(r.get(0), r.get(1)));
        String chain = p.getOrDefault("elements_chain_column", "elements_chain");
        ExportColumns columns = new ExportColumns(p.getOrDefault("uuid_column", "uuid"), p.getOrDefault("event_column", "event"),
                p.getOrDefault("distinct_id_column", "distinct_id"), p.getOrDefault("properties_column", "properties"),
                p.getOrDefault("time_column", "timestamp"), types.getOrDefault(p.getOrDefault("uuid_column", "uuid"), ""),
                types.getOrDefault(p.getOrDefault("time_column", "timestamp"), "DateTime"), types.containsKey(chain) ? chain : "");
        List<String> missing = new ArrayList<>();
        for (String c : List.of(columns.uuid(), columns.event(), columns.distinctId(), columns.properties(), columns.time(),
                p.getOrDefault("team_column", "team_id"))) {
            if (!types.containsKey(c)) {
                missing.add(c);
            }
        }
        if (!missing.isEmpty()) {
            throw ChrunbookException.verificationFailed(db + "." + p.get("table") + " on " + work.node().id() + " has no column "
                    + String.join(", ", missing) + (types.isEmpty() ? " (no such table: fix http.table)" : ": fix http.*_column"));
        }
        String where = "step '" + work.step().id() + "' http.";
        int shards = (int) services.topology().nodes().stream().map(Node::shard).distinct().count();
        return new HttpExport.Spec(work.step(), work.node(), db, p.get("table"), columns, p.getOrDefault("team_column", "team_id"),
                RemoteCopyKind.teams(p, where), SECONDS.format(RemoteCopyKind.time(p.get("start"), where + "start")),
                SECONDS.format(RemoteCopyKind.time(p.get("end"), where + "end")), number(p, "fetch_limit", 10_000),
                (int) number(p, "parallel", 4), "sort-key".equals(p.get("order")) ? HttpExport.Order.SORT_KEY : HttpExport.Order.TIME,
                key, new BatchSender(p.get("url"), (int) number(p, "retries", 8), duration(p.get("timeout"), Duration.ofSeconds(30)),
                services.sleeper()), ExportCursor.forShard(p.get("cursor"), work.node().shard(), shards, where + "cursor"), contract(p), shards);
    }

    /** How the export meets capture's contract, from the block (defaults: {@link ExportContract#DEFAULTS}). */
    static ExportContract contract(Map<String, String> p) {
        ExportContract d = ExportContract.DEFAULTS;
        return new ExportContract(!"false".equals(p.get("historical")), !"false".equals(p.get("geoip_disable")),
                number(p, "max_body_bytes", d.maxBodyBytes()), number(p, "max_event_bytes", d.maxEventBytes()), "skip".equals(p.get("oversized")));
    }

    /** The API key from the environment or a file, never from the runbook. */
    private static String apiKey(Map<String, String> p) {
        String env = p.getOrDefault("api_key_env", "");
        if (!env.isBlank()) {
            String v = System.getenv(env);
            if (v == null || v.isBlank()) {
                throw ChrunbookException.invalidInput("http.api_key_env names " + env + ", which is not set: export it with the API key");
            }
            return v.trim();
        }
        try {
            return Files.readString(Path.of(p.get("api_key_file"))).trim();
        } catch (IOException e) {
            throw ChrunbookException.invalidInput("http.api_key_file: cannot read " + p.get("api_key_file") + " (" + e.getMessage() + ")");
        }
    }

    /** The JVM's peak heap use so far, over its heap pools: what an export's memory bound is checked by. */
    static long peakHeapMib() {
        return java.lang.management.ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(m -> m.getType() == java.lang.management.MemoryType.HEAP)
                .mapToLong(m -> m.getPeakUsage().getUsed()).sum() >> 20;
    }
}
