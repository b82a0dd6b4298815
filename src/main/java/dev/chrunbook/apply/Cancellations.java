package dev.chrunbook.apply;

import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseConnector;
import dev.chrunbook.clickhouse.ClickHouseException;
import dev.chrunbook.SqlQuoting;
import dev.chrunbook.Node;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which statements are running where, so an operator's cancel can KILL them on their nodes, and
 * which were cancelled, so their failure says what partial data they left.
 */
public final class Cancellations {
    private static final Logger LOG = LoggerFactory.getLogger(Cancellations.class);

    private final ClickHouseConnector connector;
    private final Map<String, Node> running = new ConcurrentHashMap<>();
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    public Cancellations(ClickHouseConnector connector) {
        this.connector = connector;
    }

    public void started(String queryId, Node node) {
        running.put(queryId, node);
    }

    public void ended(String queryId) {
        running.remove(queryId);
    }

    public boolean wasCancelled(String queryId) {
        return cancelled.contains(queryId);
    }

    /** Whether the operator cancelled the run: nothing more is to be sent, on any node. */
    public boolean stopping() {
        return stopping;
    }

    /**
     * KILL QUERY ... SYNC for every running statement; returns the query ids it killed. From now on
     * {@link #stopping()} holds, so that a node between two statements (or chunks) sends no next one.
     */
    public List<String> cancelAll() {
        stopping = true;
        List<String> killed = new ArrayList<>();
        running.forEach((queryId, node) -> {
            cancelled.add(queryId);
            try (ClickHouseClient client = connector.connect(node.host(), node.httpPort())) {
                client.select("KILL QUERY WHERE query_id = " + SqlQuoting.literal(queryId) + " SYNC");
                killed.add(queryId + " on " + node.id());
            } catch (ClickHouseException e) {
                LOG.warn("could not kill {} on {}: {}", queryId, node.id(), e.getMessage());
            }
        });
        return killed;
    }
}
