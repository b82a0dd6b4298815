package dev.chrunbook.state;

import dev.chrunbook.ChrunbookException;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An operator lease in ZooKeeper ({@code --lock zk://host:port/path}): an ephemeral node holding
 * owner, host and pid, so two operators on different machines cannot run the same runbook. It goes
 * away with the session when the CLI ends, even by kill -9 (after the session timeout).
 */
public final class ZkLease implements AutoCloseable {
    private static final int SESSION_MS = 10_000;

    private final ZooKeeper zk;

    private ZkLease(ZooKeeper zk) {
        this.zk = zk;
    }

    public static ZkLease acquire(String uri, Instant now) {
        URI u = URI.create(uri);
        if (!"zk".equals(u.getScheme()) || u.getHost() == null || u.getPath() == null || u.getPath().length() < 2) {
            throw ChrunbookException.invalidInput("--lock " + uri + ": expected zk://host:port/path");
        }
        String connect = u.getHost() + ":" + (u.getPort() > 0 ? u.getPort() : 2181);
        String path = u.getPath();
        ZooKeeper zk = connect(connect, uri);
        try {
            ensureParents(zk, path);
            String owner = "user=" + System.getProperty("user.name") + "\nhost=" + host() + "\npid="
                    + ProcessHandle.current().pid() + "\nsince=" + now + "\n";
            zk.create(path, owner.getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
            return new ZkLease(zk);
        } catch (KeeperException.NodeExistsException e) {
            String holder = holder(zk, path);
            close(zk);
            throw ChrunbookException.stateConflict("the runbook is leased to another operator (" + uri + "): "
                    + holder.strip().replace('\n', ' ') + ". Wait until that run ends; its lease disappears with it");
        } catch (KeeperException e) {
            close(zk);
            throw ChrunbookException.stateConflict("cannot take the lease " + uri + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(zk);
            throw ChrunbookException.stateConflict("interrupted while taking the lease " + uri);
        }
    }

    private static ZooKeeper connect(String connect, String uri) {
        CountDownLatch connected = new CountDownLatch(1);
        try {
            ZooKeeper zk = new ZooKeeper(connect, SESSION_MS, e -> {
                if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                    connected.countDown();
                }
            });
            if (!connected.await(SESSION_MS, TimeUnit.MILLISECONDS)) {
                close(zk);
                throw ChrunbookException.stateConflict("cannot reach ZooKeeper for the lease " + uri + " within "
                        + SESSION_MS / 1000 + " s; nothing was executed");
            }
            return zk;
        } catch (IOException e) {
            throw ChrunbookException.stateConflict("cannot reach ZooKeeper for the lease " + uri + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ChrunbookException.stateConflict("interrupted while connecting to ZooKeeper for " + uri);
        }
    }

    private static void ensureParents(ZooKeeper zk, String path) throws KeeperException, InterruptedException {
        StringBuilder p = new StringBuilder();
        String[] parts = path.substring(1).split("/");
        for (int i = 0; i < parts.length - 1; i++) {
            p.append('/').append(parts[i]);
            try {
                zk.create(p.toString(), new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
            } catch (KeeperException.NodeExistsException ignored) {
                // already there
            }
        }
    }

    private static String holder(ZooKeeper zk, String path) {
        try {
            return new String(zk.getData(path, false, null), StandardCharsets.UTF_8);
        } catch (KeeperException | InterruptedException e) {
            return "(holder unknown: " + e.getMessage() + ")";
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static void close(ZooKeeper zk) {
        try {
            zk.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(zk);
    }
}
