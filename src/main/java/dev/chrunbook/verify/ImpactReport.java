package dev.chrunbook.verify;

import dev.chrunbook.catalog.Catalog;

import dev.chrunbook.ddl.OnCluster;
import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseConnector;
import dev.chrunbook.clickhouse.ClickHouseException;
import dev.chrunbook.Node;
import dev.chrunbook.cluster.Topology;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a destructive step will drop or rename, per node, with rows and bytes: shown before the
 * operator confirms. Reads the tables named by DROP TABLE and RENAME TABLE ... TO statements.
 */
public final class ImpactReport {
    private static final String NAME = "(?:`([^`]+)`|([A-Za-z_][A-Za-z0-9_]*))\\.(?:`([^`]+)`|([A-Za-z_][A-Za-z0-9_]*))";
    private static final Pattern DROP = Pattern.compile("^\\s*DROP\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?" + NAME, Pattern.CASE_INSENSITIVE);
    private static final Pattern RENAMED = Pattern.compile(NAME + "\\s+TO\\s+", Pattern.CASE_INSENSITIVE);
    private static final Pattern RENAME = Pattern.compile("^\\s*RENAME\\s+TABLE", Pattern.CASE_INSENSITIVE);

    private final ClickHouseConnector connector;
    private final Topology topology;

    public ImpactReport(ClickHouseConnector connector, Topology topology) {
        this.connector = connector;
        this.topology = topology;
    }

    /** Lines describing each affected table on each node it lives on; empty when nothing is dropped or renamed. */
    public List<String> describe(List<String> statements, List<Node> runsOn) {
        Set<String> dropped = new LinkedHashSet<>();
        Set<String> renamed = new LinkedHashSet<>();
        boolean cluster = false;
        for (String sql : statements) {
            cluster |= OnCluster.present(sql);
            Matcher d = DROP.matcher(sql);
            if (d.find()) {
                dropped.add(name(d));
            } else if (RENAME.matcher(sql).find()) {
                Matcher r = RENAMED.matcher(sql);
                while (r.find()) {
                    renamed.add(name(r));
                }
            }
        }
        List<String> lines = new ArrayList<>();
        if (dropped.isEmpty() && renamed.isEmpty()) {
            return lines;
        }
        for (Node node : cluster ? topology.nodes() : runsOn) {
            try (ClickHouseClient client = connector.connect(node.host(), node.httpPort())) {
                dropped.forEach(t -> lines.add(line(client, node, "drops", t)));
                renamed.forEach(t -> lines.add(line(client, node, "renames", t)));
            } catch (ClickHouseException e) {
                lines.add(String.format("  %-22s cannot tell what changes (%s)", node.id(), e.getMessage()));
            }
        }
        return lines;
    }

    private static String line(ClickHouseClient client, Node node, String verb, String table) {
        String[] dt = table.split("\\.", 2);
        try {
            Catalog catalog = new Catalog(client);
            java.util.Optional<String> engine = catalog.engine(dt[0], dt[1]);
            if (engine.isEmpty()) {
                return String.format("  %-22s %s %s: not there", node.id(), verb, table);
            }
            Catalog.Size size = catalog.size(dt[0], dt[1]);
            return String.format("  %-22s %s %s (%s): %,d rows, %s", node.id(), verb, table, engine.get(), size.rows(), readable(size.bytes()));
        } catch (ClickHouseException e) {
            return String.format("  %-22s %s %s: cannot tell (%s)", node.id(), verb, table, e.getMessage());
        }
    }

    /** Bytes as the server's formatReadableSize writes them: 1.50 GiB. */
    static String readable(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.2f %s", v, units[u]);
    }

    private static String name(Matcher m) {
        return (m.group(1) != null ? m.group(1) : m.group(2)) + "." + (m.group(3) != null ? m.group(3) : m.group(4));
    }
}
