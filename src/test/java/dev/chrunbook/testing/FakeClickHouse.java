package dev.chrunbook.testing;

import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseConnector;
import dev.chrunbook.clickhouse.ClickHouseException;
import dev.chrunbook.clickhouse.ServerVersion;
import dev.chrunbook.clickhouse.Table;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ClickHouse node in memory, for engine tests without a cluster: it keeps what each query id did
 * (running for some more looks, finished, failed, started without a logged end) and answers the
 * reads chrunbook resolves statements with (system.processes, system.query_log). Other reads are
 * answered by {@link #answer}.
 */
public final class FakeClickHouse implements ClickHouseConnector {
    private static final Pattern QUERY_ID = Pattern.compile("query_id = '([^']*)'");

    /** What the node knows of a query id. */
    public enum Fate { RUNNING, FINISHED, FAILED, STARTED_ONLY }

    /** How the next {@code execute} goes. */
    public enum Send { OK, ERROR, LOST_BEFORE, LOST_AFTER }

    private static final class Query {
        Fate fate;
        int runningLooks;
        long written;
        String error;

        Query(Fate fate, int runningLooks, long written, String error) {
            this.fate = fate;
            this.runningLooks = runningLooks;
            this.written = written;
            this.error = error;
        }
    }

    private final Map<String, Query> queries = new ConcurrentHashMap<>();
    public final List<String> executed = new java.util.concurrent.CopyOnWriteArrayList<>();
    /**
     * Every statement executed, in order (DDL and ALTERs too, which carry no query id). Tests stream it
     * while lanes add to it: copy-on-write, so that iterating never fails (a synchronized list's stream does).
     */
    public final List<String> statements = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Every read sent with settings, and its settings. */
    public final List<Map.Entry<String, Map<String, String>>> reads = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Send next = Send.OK;
    private int runningLooksAfterLoss = 2;
    private boolean unreachable;
    private Function<String, Table> answer = sql -> new Table(List.of("x"), List.of());

    /** The node already knows this query id (a run before a crash sent it). */
    public FakeClickHouse knows(String queryId, Fate fate, int runningLooks, String error) {
        queries.put(queryId, new Query(fate, runningLooks, 42, error));
        return this;
    }

    private final List<String> failOnce = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<String> hang = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, java.util.concurrent.CountDownLatch> hanging = new ConcurrentHashMap<>();
    /** The query ids a KILL QUERY was sent for. */
    public final List<String> killed = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The next statement that contains {@code text} runs until a KILL QUERY names its query id, as a long OPTIMIZE does. */
    public FakeClickHouse hangUntilKilled(String text) {
        hang.add(text);
        return this;
    }

    /** Whether a statement is hanging now (sent, not killed). */
    public boolean hanging() {
        return !hanging.isEmpty();
    }

    /** The next statement that contains {@code text} is refused (once), as a server refuses it. */
    public FakeClickHouse refuseOnce(String text) {
        return refuseOnce(text, "Code: 999. refused once: " + text);
    }

    /** The same with the server's message. */
    public FakeClickHouse refuseOnce(String text, String message) {
        failOnce.add(text);
        refusals.put(text, message);
        return this;
    }

    private final Map<String, String> refusals = new ConcurrentHashMap<>();

    public FakeClickHouse nextSend(Send send) {
        this.next = send;
        return this;
    }

    public FakeClickHouse unreachable() {
        this.unreachable = true;
        return this;
    }

    /** Answers every other read (asserts, catalog lookups). */
    public FakeClickHouse answer(Function<String, Table> answer) {
        this.answer = answer;
        return this;
    }

    public Fate fate(String queryId) {
        Query q = queries.get(queryId);
        return q == null ? null : q.fate;
    }

    @Override
    public ClickHouseClient connect(String host, int httpPort) {
        if (unreachable) {
            throw new ClickHouseException("connect to " + host + ":" + httpPort + " refused", null, true);
        }
        return new Client();
    }

    private final class Client implements ClickHouseClient {
        @Override
        public void execute(String sql, String queryId, Map<String, String> settings) {
            if (sql.equals("SYSTEM FLUSH LOGS")) {
                return;
            }
            synchronized (failOnce) {
                for (String text : failOnce) {
                    if (sql.contains(text)) {
                        failOnce.remove(text);
                        throw new ClickHouseException(refusals.getOrDefault(text, "Code: 999. refused once: " + text), null, false);
                    }
                }
            }
            statements.add(sql);
            if (queryId == null) {
                return;
            }
            if (hang.removeIf(sql::contains)) {
                java.util.concurrent.CountDownLatch latch = new java.util.concurrent.CountDownLatch(1);
                executed.add(queryId);
                queries.put(queryId, new Query(Fate.RUNNING, Integer.MAX_VALUE, 0, null));
                hanging.put(queryId, latch);
                try {
                    latch.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                hanging.remove(queryId);
                throw new ClickHouseException("Code: 394. Query was cancelled", null, false);
            }
            Send how = next;
            next = Send.OK;
            switch (how) {
                case LOST_BEFORE -> throw new ClickHouseException("connection reset", null, true);
                case LOST_AFTER -> {
                    executed.add(queryId);
                    queries.put(queryId, new Query(Fate.FINISHED, runningLooksAfterLoss, 7, null));
                    throw new ClickHouseException("read timed out", null, true);
                }
                case ERROR -> {
                    executed.add(queryId);
                    queries.put(queryId, new Query(Fate.FAILED, 0, 0, "Code: 62. Syntax error"));
                    throw new ClickHouseException("Code: 62. Syntax error", null, false);
                }
                default -> {
                    executed.add(queryId);
                    queries.put(queryId, new Query(Fate.FINISHED, 0, 7, null));
                }
            }
        }

        @Override
        public Table table(String sql, Map<String, String> settings) {
            reads.add(Map.entry(sql, Map.copyOf(settings)));
            return table(sql);
        }

        @Override
        public Table table(String sql) {
            Matcher m = QUERY_ID.matcher(sql);
            if (sql.startsWith("KILL QUERY") && m.find()) {
                killed.add(m.group(1));
                queries.put(m.group(1), new Query(Fate.FAILED, 0, 3, "Code: 394. Query was cancelled"));
                java.util.concurrent.CountDownLatch latch = hanging.get(m.group(1));
                if (latch != null) {
                    latch.countDown();
                }
                return new Table(List.of("kill_status"), List.of());
            }
            if (!m.find()) {
                return answer.apply(sql);
            }
            Query q = queries.get(m.group(1));
            if (sql.contains("FROM system.processes")) {
                if (q != null && q.runningLooks > 0) {
                    q.runningLooks--;
                    return new Table(List.of("elapsed", "read", "written"), List.of(List.of("1000", "10", "5")));
                }
                return new Table(List.of("elapsed", "read", "written"), List.of());
            }
            if (sql.contains("!= 1")) { // the logged end
                if (q == null || q.runningLooks > 0 || q.fate == Fate.STARTED_ONLY || q.fate == Fate.RUNNING) {
                    return new Table(List.of("type"), List.of());
                }
                List<String> row = new ArrayList<>(List.of(q.fate == Fate.FINISHED ? "2" : "3"));
                row.add(q.error == null ? "" : q.error);
                row.addAll(List.of("10", String.valueOf(q.written), "1000"));
                return new Table(List.of("type", "exception", "read_rows", "written_rows", "query_duration_ms"), List.of(row));
            }
            return new Table(List.of("1"), q == null ? List.of() : List.of(List.of("1"))); // a logged start
        }

        @Override
        public ServerVersion version() {
            return ServerVersion.parse("18.16.1");
        }

        @Override
        public void close() {
        }
    }
}
