package dev.chrunbook.transfer;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.Node;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseConnector;
import dev.chrunbook.observe.ExecutionListener;
import dev.chrunbook.runbook.Step;
import dev.chrunbook.state.ChunkState;
import dev.chrunbook.state.ChunkState.Phase;
import dev.chrunbook.state.SourceRange;
import dev.chrunbook.state.StateStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A source node's export to a batch ingestion endpoint: its events of some teams and a time range,
 * a day at a time (the ledger: one entry per team and day), streamed from the server in pages of
 * {@code fetch_limit} and sent {@code parallel} pages at once. A day's position moves on only when
 * every page before it is acknowledged, so a kill repeats at most the pages in flight; their uuids
 * let the receiver drop them. Memory holds the pages in flight and the one being filled.
 */
public final class HttpExport {
    /** How rows are ordered within a day: by (time, uuid), as point-in-time person properties need, or in pieces by id hash, unsorted. */
    public enum Order { TIME, SORT_KEY }

    /**
     * @param columns the source's columns for uuid, event, distinct_id, properties (JSON text) and time
     * @param shards  the shards the export runs on: with several, a printed cursor names its shard
     */
    public record Spec(Step step, Node node, String database, String table, ExportColumns columns, String teamColumn, List<Long> teams,
                       String start, String end, long fetchLimit, int parallel, Order order, String apiKey, BatchSender sender,
                       Optional<ExportCursor.Position> from, ExportContract contract, int shards) {
    }

    /** @param skipped the events skipped as over the per-event limit: id (size) */
    public record Result(long events, int pages, int tries, String cursor, List<String> skipped) {
    }

    private final Spec spec;
    private final StateStore store;
    private final ClickHouseConnector connector;
    private final ExecutionListener listener;
    private final AtomicLong sent = new AtomicLong();
    private final List<String> skipped = java.util.Collections.synchronizedList(new ArrayList<>());

    public HttpExport(Spec spec, StateStore store, ClickHouseConnector connector, ExecutionListener listener) {
        this.spec = spec;
        this.store = store;
        this.connector = connector;
        this.listener = listener;
    }

    private List<ChunkState> ledger() {
        return store.node(spec.step().id(), spec.node().id()).chunks();
    }

    public Result run() throws InterruptedException {
        Instant began = store.clock().instant();
        ExportSql sql = new ExportSql(spec);
        int pages = 0;
        int tries = 0;
        try (ClickHouseClient client = connector.connect(spec.node().host(), spec.node().httpPort())) {
            if (ledger().isEmpty()) {
                List<ChunkState> days = new ArrayList<>();
                for (List<String> r : client.select(sql.days(spec.from().orElse(null)))) {
                    long team = Long.parseLong(r.get(0));
                    long day = Long.parseLong(r.get(1));
                    days.add(ChunkState.planned(days.size() + 1, String.valueOf(team), SourceRange.days(team, day, day + 1),
                            Long.parseLong(r.get(2))));
                }
                if (days.isEmpty()) {
                    throw ChrunbookException.verificationFailed("the filter selects no events of " + spec.table() + " on "
                            + spec.node().id() + ": fix http.team_ids, http.start or http.end");
                }
                spec.from().filter(f -> days.get(0).range().team() == f.team() && days.get(0).range().fromDay() == f.day())
                        .ifPresent(f -> days.set(0, days.get(0).sending(null, began).copied(0, f.encode()))); // mid-day: from its position
                store.update(spec.step().id(), spec.node().id(), s -> s.withChunks(days));
                listener.progress(spec.step(), spec.node(), "planned " + days.size() + " day(s) of "
                        + days.stream().mapToLong(ChunkState::plannedRows).sum() + " events to " + spec.sender().endpoint());
            }
            // one queue for every day: pages keep flowing across a day's end; acknowledgements come in order
            PageQueue queue = new PageQueue(spec, listener, this::advance);
            try {
                for (ChunkState day : ledger()) {
                    if (day.phase() == Phase.DONE || queue.failed()) {
                        continue;
                    }
                    ExportCursor.Position at = day.fingerprint() == null ? null : ExportCursor.Position.decode(day.fingerprint());
                    if (spec.order() == Order.TIME) {
                        PageWriter page = new PageWriter(spec);
                        client.stream(sql.timeOrdered(day.range(), at), row -> {
                            java.util.function.Supplier<ExportCursor.Position> end =
                                    () -> ExportCursor.Position.time(day.range(), page.lastTime(), page.lastId());
                            return add(page, row, queue, end) && (page.size() < spec.fetchLimit() || queue.submit(page.take(end.get())));
                        });
                        if (page.size() > 0) {
                            queue.submit(page.take(ExportCursor.Position.time(day.range(), page.lastTime(), page.lastId())));
                        }
                    } else {
                        int pieces = (int) Math.max(1, (day.plannedRows() + spec.fetchLimit() - 1) / spec.fetchLimit());
                        int first = at != null && at.pieces() == pieces ? at.piece() + 1 : 0;
                        for (int i = first; i < pieces && !queue.failed(); i++) {
                            PageWriter page = new PageWriter(spec);
                            int piece = i;
                            // a piece cut by bytes: its first pages end where the piece before it ended
                            client.stream(sql.piece(day.range(), i, pieces), row -> add(page, row, queue,
                                    () -> ExportCursor.Position.piece(day.range(), piece - 1, pieces)));
                            if (page.size() > 0) {
                                queue.submit(page.take(ExportCursor.Position.piece(day.range(), i, pieces)));
                            }
                        }
                    }
                }
            } finally {
                queue.close();
            }
            pages = queue.pages();
            tries = queue.tries();
            store.update(spec.step().id(), spec.node().id(), s -> s.withChunks(s.chunks().stream()
                    .map(c -> c.phase() == Phase.DONE ? c : c.done()).toList()));
        }
        long seconds = Math.max(1, Duration.between(began, store.clock().instant()).toSeconds());
        listener.progress(spec.step(), spec.node(), sent.get() + " events sent in " + seconds + " s");
        return new Result(sent.get(), pages, tries, ExportCursor.END, List.copyOf(skipped));
    }

    /**
     * Adds a row to the page: a full page is sent first (ending at {@code end}); an event over the
     * per-event limit is skipped and reported, or stops the export, as the contract says.
     *
     * @return false to stop reading (the queue failed)
     */
    private boolean add(PageWriter page, List<String> row, PageQueue queue, java.util.function.Supplier<ExportCursor.Position> end) {
        PageWriter.Added added = page.add(row);
        if (added == PageWriter.Added.FULL) {
            if (!queue.submit(page.take(end.get()))) {
                return false;
            }
            added = page.add(row);
        }
        if (added == PageWriter.Added.OVERSIZED) {
            if (!spec.contract().skipOversized()) {
                throw ChrunbookException.verificationFailed("event " + page.lastOversized() + " of " + spec.table() + " on " + spec.node().id()
                        + " is over http.max_event_bytes (" + spec.contract().maxEventBytes() + "; capture refuses an event over its Kafka"
                        + " message limit with 400): set http.oversized: skip to skip and report such events, or fix the event");
            }
            skipped.add(page.lastOversized());
            listener.progress(spec.step(), spec.node(), "skipped event " + page.lastOversized() + ": over http.max_event_bytes");
        }
        return true;
    }

    /**
     * A page acknowledged, and every one before it: its day's position moves to the page's end, and
     * every earlier day is done (its pages all came before this one).
     */
    private void advance(PageQueue.Acked acked) {
        sent.addAndGet(acked.events());
        ExportCursor.Position at = acked.position();
        store.update(spec.step().id(), spec.node().id(), s -> s.withChunks(s.chunks().stream().map(c -> {
            int order = Long.compare(c.range().team(), at.team()) != 0 ? Long.compare(c.range().team(), at.team())
                    : Long.compare(c.range().fromDay(), at.day());
            if (order < 0) {
                return c.phase() == Phase.DONE ? c : c.done();
            }
            if (order > 0) {
                return c;
            }
            return (c.phase() == Phase.PENDING ? c.sending(null, store.clock().instant()) : c)
                    .copied((c.rows() == null ? 0 : c.rows()) + acked.events(), at.encode());
        }).toList()));
        listener.cursor(spec.step(), spec.node(), ExportCursor.printed(acked.position(), spec.node().shard(), spec.shards()),
                sent.get() + " events acknowledged");
    }
}
