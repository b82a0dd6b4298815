package dev.chrunbook.transfer;

import dev.chrunbook.catalog.Catalog;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.Node;
import dev.chrunbook.SqlQuoting;
import dev.chrunbook.clickhouse.ClickHouseClient;

import java.util.ArrayList;
import java.util.List;

/**
 * Which rows of the source belong on a target shard, by the sharding key of the target's
 * Distributed table: as that table would place them, the key's remainder modulo the shards' total
 * weight, in the shard's slot of weights. Each target shard then reads only its own rows from the
 * source: no row crosses the network twice, and no shard writes to another.
 */
public final class TargetSharding {
    private TargetSharding() {
    }

    /**
     * How the Distributed table places rows: its cluster, its sharding key, and each shard's slot of
     * weights with its first replica (where an insert through it with {@code load_balancing =
     * 'in_order'} writes that shard's rows).
     */
    public record Layout(String cluster, String key, long totalWeight, List<Slot> slots) {
        /** A shard's weights are the key's remainders in [offset, offset + weight). */
        public record Slot(int shard, long offset, long weight, String firstReplica) {
        }

        /** The rows of one shard, as a filter on the source; "" with one shard. */
        public String filter(int shard) {
            if (slots.size() <= 1) {
                return "";
            }
            Slot s = slots.stream().filter(x -> x.shard() == shard).findFirst().orElseThrow();
            String slot = slot();
            return s.weight() == 1 ? slot + " = " + s.offset() : slot + " >= " + s.offset() + " AND " + slot + " < " + (s.offset() + s.weight());
        }

        /** The shard number of a source row, as an expression (1 with one shard). */
        public String shardOf() {
            if (slots.size() <= 1) {
                return String.valueOf(slots.isEmpty() ? 1 : slots.get(0).shard());
            }
            StringBuilder b = new StringBuilder("multiIf(");
            for (Slot s : slots.subList(0, slots.size() - 1)) {
                b.append(slot()).append(" < ").append(s.offset() + s.weight()).append(", ").append(s.shard()).append(", ");
            }
            return b.append(slots.get(slots.size() - 1).shard()).append(")").toString();
        }

        private String slot() {
            return "((" + key + ") % " + totalWeight + ")";
        }
    }

    /** The filter of the node's shard; "" when the cluster has one shard. */
    public static String filter(ClickHouseClient client, String database, String distributed, Node node) {
        Layout layout = layout(client, database, distributed, node.id());
        if (layout.slots().stream().noneMatch(s -> s.shard() == node.shard())) {
            throw ChrunbookException.verificationFailed(node.id() + " (shard " + node.shard() + ") is not a shard of " + layout.cluster()
                    + ", the cluster of " + distributed);
        }
        return layout.filter(node.shard());
    }

    /** The placement of {@code distributed}, read on {@code where} (a node's id, for messages). */
    public static Layout layout(ClickHouseClient client, String database, String distributed, String where) {
        String engine = new Catalog(client).engineFull(database, distributed).orElse(null);
        if (engine == null || !engine.startsWith("Distributed(")) {
            throw ChrunbookException.verificationFailed(database + "." + distributed + " on " + where + " is "
                    + (engine == null ? "missing" : "not a Distributed table (" + engine + ")")
                    + ": remote.distributed names the target's Distributed table, whose sharding key places the rows");
        }
        List<String> args = arguments(engine.substring("Distributed(".length(), engine.lastIndexOf(')')));
        String cluster = args.get(0).replaceAll("^'|'$", "");
        List<List<String>> shards = client.select("SELECT shard_num, any(shard_weight), argMin(concat(host_address, ':', toString(port)),"
                + " replica_num) FROM system.clusters WHERE cluster = " + SqlQuoting.literal(cluster) + " GROUP BY shard_num ORDER BY shard_num");
        if (shards.size() > 1 && args.size() < 4) {
            throw ChrunbookException.verificationFailed(distributed + " has no sharding key, and its cluster " + cluster + " has "
                    + shards.size() + " shards: give the Distributed table a key, as writes through it need one");
        }
        String key = args.size() < 4 ? "0" : args.get(3);
        if (shards.size() > 1 && key.matches("(?s).*\\brand\\w*\\s*\\(.*")) {
            throw ChrunbookException.verificationFailed(distributed + "'s sharding key " + key + " places rows at random, so a shard"
                    + " cannot select its own rows from the source: use a table whose key is a function of the row's columns");
        }
        long total = 0;
        List<Layout.Slot> slots = new ArrayList<>();
        for (List<String> s : shards) {
            long weight = Long.parseLong(s.get(1));
            slots.add(new Layout.Slot(Integer.parseInt(s.get(0)), total, weight, s.get(2)));
            total += weight;
        }
        return new Layout(cluster, key, total, slots);
    }

    /** Top-level arguments of an engine's argument list (commas inside parentheses and quotes stay). */
    static List<String> arguments(String text) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '\'' && (i == 0 || text.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            } else if (!quoted && ch == '(') {
                depth++;
            } else if (!quoted && ch == ')') {
                depth--;
            } else if (!quoted && depth == 0 && ch == ',') {
                out.add(cur.toString().trim());
                cur.setLength(0);
                continue;
            }
            cur.append(ch);
        }
        out.add(cur.toString().trim());
        return out;
    }
}
