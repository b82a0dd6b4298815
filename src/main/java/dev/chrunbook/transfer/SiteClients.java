package dev.chrunbook.transfer;

import dev.chrunbook.Node;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseConnector;

import dev.chrunbook.chunks.Lanes;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Sessions to the nodes of a copy, each lent to one user at a time and kept for the next: a chunk
 * sends a dozen short statements to every site, which then need no new session each. A session whose
 * statement failed is closed, not lent again. A statement for every site runs on all of them at once.
 */
final class SiteClients implements AutoCloseable {
    /** What is done with a lent session. */
    interface Use<T> {
        T apply(ClickHouseClient client) throws InterruptedException;
    }

    private final ClickHouseConnector connector;
    private final Placement placement;
    private final Node coordinator;
    private final Map<String, Queue<ClickHouseClient>> idle = new ConcurrentHashMap<>();
    private final ExecutorService sideways = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "chrunbook-remote-site");
        t.setDaemon(true);
        return t;
    });

    /** @param coordinator the node the copy statements run on */
    SiteClients(ClickHouseConnector connector, Placement placement, Node coordinator) {
        this.connector = connector;
        this.placement = placement;
        this.coordinator = coordinator;
    }

    /**
     * {@code use} on every site at once, by shard: the coordinator's site through {@code here} (its
     * caller's session, or a lent one when null), the others through lent sessions.
     */
    <T> Map<Integer, T> each(ClickHouseClient here, Use<T> use) throws InterruptedException {
        Map<Integer, Future<T>> elsewhere = new TreeMap<>();
        Placement.Site local = null;
        for (Placement.Site s : placement.sites()) {
            if (here != null && s.node().id().equals(coordinator.id())) {
                local = s;
            } else {
                elsewhere.put(s.shard(), sideways.submit(() -> with(s.node(), use)));
            }
        }
        Map<Integer, T> out = new TreeMap<>();
        if (local != null) {
            out.put(local.shard(), use.apply(here));
        }
        for (Map.Entry<Integer, Future<T>> e : elsewhere.entrySet()) {
            out.put(e.getKey(), Lanes.joined(e.getValue()));
        }
        return out;
    }

    /** {@code use} on the coordinator through a lent session. */
    <T> T coordinator(Use<T> use) throws InterruptedException {
        return with(coordinator, use);
    }

    <T> T with(Node node, Use<T> use) throws InterruptedException {
        Queue<ClickHouseClient> free = idle.computeIfAbsent(node.id(), k -> new ConcurrentLinkedQueue<>());
        ClickHouseClient client = free.poll();
        if (client == null) {
            client = connector.connect(node.host(), node.httpPort());
        }
        boolean healthy = false;
        try {
            T result = use.apply(client);
            healthy = true;
            return result;
        } finally {
            if (healthy) {
                free.add(client);
            } else {
                client.close();
            }
        }
    }

    @Override
    public void close() {
        sideways.shutdownNow();
        idle.values().forEach(q -> {
            for (ClickHouseClient c; (c = q.poll()) != null; ) {
                c.close();
            }
        });
    }
}
