package dev.chrunbook.kinds;

import dev.chrunbook.catalog.Catalog;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.Node;
import dev.chrunbook.apply.NodeWork;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseException;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.NodeState;
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
import java.util.List;
import java.util.Map;

/**
 * {@code kind: http-export}: each source node sends its events of some teams and a time range to a
 * batch ingestion endpoint (PostHog's {@code POST /batch/}), a day at a time, in pages of
 * {@code fetch_limit}, with the cursor recorded after each acknowledged page. See {@link HttpExport}.
 */
final class HttpExportKind extends BuiltInKind {
    static final ParamBlock BLOCK = ParamBlock.named("http").required("url").text("api_key_env", "").text("api_key_file", "")
            .required("table").text("team_column", "team_id").required("team_ids").text("time_column", "timestamp").required("start")
            .required("end").text("uuid_column", "uuid").text("event_column", "event").text("distinct_id_column", "distinct_id")
            .text("properties_column", "properties").whole("fetch_limit", 10_000).whole("parallel", 4).text("order", "time")
            .whole("retries", 8).duration("timeout", "30s").text("cursor", "")
            .flag("historical", ExportContract.DEFAULTS.historical()).flag("geoip_disable", ExportContract.DEFAULTS.geoipDisable())
            .whole("max_body_bytes", ExportContract.DEFAULTS.maxBodyBytes()).whole("max_event_bytes", ExportContract.DEFAULTS.maxEventBytes())
            .text("oversized", "stop").text("elements_chain_column", "elements_chain");

    /** A node's {@code http:} block, read once. */
    record Settings(String url, String apiKeyEnv, String apiKeyFile, String table, String teamColumn, String teamIds, String timeColumn,
                    String start, String end, String uuidColumn, String eventColumn, String distinctIdColumn, String propertiesColumn,
                    long fetchLimit, int parallel, String order, int retries, Duration timeout, String cursor, ExportContract contract,
                    String oversized, String elementsChainColumn) {
        Settings(ParamBlock.Values v) {
            this(v.text("url"), v.text("api_key_env"), v.text("api_key_file"), v.text("table"), v.text("team_column"), v.text("team_ids"),
                    v.text("time_column"), v.text("start"), v.text("end"), v.text("uuid_column"), v.text("event_column"),
                    v.text("distinct_id_column"), v.text("properties_column"), v.whole("fetch_limit"), (int) v.whole("parallel"),
                    v.text("order"), (int) v.whole("retries"), v.duration("timeout"), v.text("cursor"),
                    new ExportContract(v.flag("historical"), v.flag("geoip_disable"), v.whole("max_body_bytes"), v.whole("max_event_bytes"),
                            "skip".equals(v.text("oversized"))), v.text("oversized"), v.text("elements_chain_column"));
        }
    }
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    HttpExportKind() {
        super(BLOCK);
    }

    @Override
    public String name() {
        return "http-export";
    }

    @Override
    void checkParams(Step step, ParamBlock.Values values) {
        Settings p = new Settings(values);
        String where = "step '" + step.id() + "' http.";
        RemoteCopyKind.teams(p.teamIds(), where);
        if (!RemoteCopyKind.time(p.end(), where + "end").isAfter(RemoteCopyKind.time(p.start(), where + "start"))) {
            throw ChrunbookException.invalidInput(where + "end (" + p.end() + ") is not after start (" + p.start()
                    + "): the range is [start, end), so end must come later");
        }
        if (!p.url().matches("https?://[^\\s]+")) {
            throw ChrunbookException.invalidInput(where + "url: '" + p.url() + "' is not an http(s) URL");
        }
        if (p.apiKeyEnv().isBlank() == p.apiKeyFile().isBlank()) {
            throw ChrunbookException.invalidInput(where + "api_key_env or api_key_file (one of them): the API key never goes in the runbook");
        }
        if (!List.of("time", "sort-key").contains(p.order())) {
            throw ChrunbookException.invalidInput(where + "order: '" + p.order() + "' (allowed: time, sort-key)");
        }
        if (p.fetchLimit() == 0 || p.parallel() == 0) {
            throw ChrunbookException.invalidInput(where + (p.fetchLimit() == 0 ? "fetch_limit" : "parallel") + ": at least 1");
        }
        for (String[] named : new String[][] {{"table", p.table()}, {"team_column", p.teamColumn()}, {"time_column", p.timeColumn()},
                {"uuid_column", p.uuidColumn()}, {"event_column", p.eventColumn()}, {"distinct_id_column", p.distinctIdColumn()},
                {"properties_column", p.propertiesColumn()}}) {
            String v = named[1];
            if (v != null && !v.isBlank() && !v.matches("[A-Za-z_$][A-Za-z0-9_$]*")) {
                throw ChrunbookException.invalidInput(where + named[0] + ": '" + v + "' is not a column or table name");
            }
        }
        ExportCursor.check(p.cursor(), where + "cursor");
        if (p.contract().maxBodyBytes() > ExportContract.BODY_LIMIT) {
            throw ChrunbookException.invalidInput(where + "max_body_bytes: " + p.contract().maxBodyBytes() + " is over capture's body limit ("
                    + ExportContract.BODY_LIMIT + " bytes: BATCH_BODY_SIZE), which answers 413");
        }
        if (!List.of("stop", "skip").contains(p.oversized())) {
            throw ChrunbookException.invalidInput(where + "oversized: stop (the default) or skip, not '" + p.oversized() + "'");
        }
        // before anything runs: a key that is not there, or that capture would refuse by its shape, is an input error (exit 2)
        String key = apiKey(p);
        ExportContract.keyProblem(key).ifPresent(why -> {
            throw ChrunbookException.invalidInput(where + (p.apiKeyEnv().isBlank() ? "api_key_file" : "api_key_env")
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
        Settings p = new Settings(values(work));
        List<String> lines = new ArrayList<>();
        lines.add("POST " + p.url().replaceAll("/+$", "") + "/batch/, API key from " + (p.apiKeyEnv().isBlank()
                ? "file " + p.apiKeyFile() : "$" + p.apiKeyEnv()) + " (never printed); pages of "
                + p.fetchLimit() + " events, " + p.parallel() + " in flight, order " + p.order());
        ExportContract contract = p.contract();
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
    Outcome run(NodeWork work, Services services) throws InterruptedException {
        Settings p = new Settings(values(work));
        Node node = work.node();
        try {
            String key = apiKey(p);
            HttpExport.Spec spec;
            try (ClickHouseClient client = services.probes().connector().connect(node.host(), node.httpPort())) {
                spec = spec(work, p, client, services, key);
            }
            // no request before the first page: capture refuses an empty batch (400), and checks a key's shape only
            HttpExport.Result r = new HttpExport(spec, services.store(), services.probes().connector(), services.listener()).run();
            return Outcome.done(r.events(), r.events() + " events in " + r.pages() + " page(s) acknowledged (" + r.tries() + " POSTs); cursor "
                    + r.cursor() + "; peak heap " + peakHeapMib() + " MiB of " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB max"
                    + (r.skipped().isEmpty() ? "" : "; skipped " + r.skipped().size() + " event(s) over http.max_event_bytes: "
                    + String.join(", ", r.skipped())));
        } catch (ChrunbookException e) {
            return e.exitCode() == dev.chrunbook.ExitCode.VERIFICATION_FAILED // refused, not a failure to retry
                    ? Outcome.refused(e.getMessage())
                    : Outcome.failed(e.getMessage() + "; run the step again: it resumes after the last acknowledged page");
        } catch (ClickHouseException e) {
            return Outcome.failed("reading " + p.table() + " on " + node.id() + ": " + e.getMessage() + "; run the step again: it resumes"
                    + " after the last acknowledged page");
        }
    }

    private static HttpExport.Spec spec(NodeWork work, Settings p, ClickHouseClient client, Services services, String key) {
        String db = services.database();
        Map<String, String> types = new Catalog(client).columnTypes(db, p.table(), Catalog.ALL);
        String chain = p.elementsChainColumn();
        ExportColumns columns = new ExportColumns(p.uuidColumn(), p.eventColumn(), p.distinctIdColumn(), p.propertiesColumn(),
                p.timeColumn(), types.getOrDefault(p.uuidColumn(), ""), types.getOrDefault(p.timeColumn(), "DateTime"),
                types.containsKey(chain) ? chain : "");
        List<String> missing = new ArrayList<>();
        for (String c : List.of(columns.uuid(), columns.event(), columns.distinctId(), columns.properties(), columns.time(), p.teamColumn())) {
            if (!types.containsKey(c)) {
                missing.add(c);
            }
        }
        if (!missing.isEmpty()) {
            throw ChrunbookException.verificationFailed(db + "." + p.table() + " on " + work.node().id() + " has no column "
                    + String.join(", ", missing) + (types.isEmpty() ? " (no such table: fix http.table)" : ": fix http.*_column"));
        }
        String where = "step '" + work.step().id() + "' http.";
        int shards = (int) services.topology().nodes().stream().map(Node::shard).distinct().count();
        return new HttpExport.Spec(work.step(), work.node(), db, p.table(), columns, p.teamColumn(), RemoteCopyKind.teams(p.teamIds(), where),
                SECONDS.format(RemoteCopyKind.time(p.start(), where + "start")), SECONDS.format(RemoteCopyKind.time(p.end(), where + "end")),
                p.fetchLimit(), p.parallel(), "sort-key".equals(p.order()) ? HttpExport.Order.SORT_KEY : HttpExport.Order.TIME, key,
                new BatchSender(p.url(), p.retries(), p.timeout(), services.sleeper()),
                ExportCursor.forShard(p.cursor(), work.node().shard(), shards, where + "cursor"), p.contract(), shards);
    }

    /** The API key from the environment or a file, never from the runbook. */
    private static String apiKey(Settings p) {
        String env = p.apiKeyEnv();
        if (!env.isBlank()) {
            String v = System.getenv(env);
            if (v == null || v.isBlank()) {
                throw ChrunbookException.invalidInput("http.api_key_env names " + env + ", which is not set: export it with the API key");
            }
            return v.trim();
        }
        try {
            return Files.readString(Path.of(p.apiKeyFile())).trim();
        } catch (IOException e) {
            throw ChrunbookException.invalidInput("http.api_key_file: cannot read " + p.apiKeyFile() + " (" + e.getMessage() + ")");
        }
    }

    /** The JVM's peak heap use so far, over its heap pools: what an export's memory bound is checked by. */
    static long peakHeapMib() {
        return java.lang.management.ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(m -> m.getType() == java.lang.management.MemoryType.HEAP)
                .mapToLong(m -> m.getPeakUsage().getUsed()).sum() >> 20;
    }
}
