package dev.chrunbook.transfer;

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

    /** The filter of the node's shard; "" when the cluster has one shard. */
    public static String filter(ClickHouseClient client, String database, String distributed, Node node) {
        String engine = client.selectOne("SELECT engine_full FROM system.tables WHERE database = " + SqlQuoting.literal(database)
                + " AND name = " + SqlQuoting.literal(distributed));
        if (engine == null || !engine.startsWith("Distributed(")) {
            throw ChrunbookException.verificationFailed(database + "." + distributed + " on " + node.id() + " is "
                    + (engine == null ? "missing" : "not a Distributed table (" + engine + ")")
                    + ": remote.distributed names the target's Distributed table, whose sharding key places the rows");
        }
        List<String> args = arguments(engine.substring("Distributed(".length(), engine.lastIndexOf(')')));
        String cluster = args.get(0).replaceAll("^'|'$", "");
        List<List<String>> shards = client.select("SELECT shard_num, any(shard_weight) FROM system.clusters WHERE cluster = "
                + SqlQuoting.literal(cluster) + " GROUP BY shard_num ORDER BY shard_num");
        if (shards.size() <= 1) {
            return "";
        }
        if (args.size() < 4) {
            throw ChrunbookException.verificationFailed(distributed + " has no sharding key, and its cluster " + cluster + " has "
                    + shards.size() + " shards: give the Distributed table a key, as writes through it need one");
        }
        String key = args.get(3);
        if (key.matches("(?s).*\\brand\\w*\\s*\\(.*")) {
            throw ChrunbookException.verificationFailed(distributed + "'s sharding key " + key + " places rows at random, so a shard"
                    + " cannot select its own rows from the source: use a table whose key is a function of the row's columns");
        }
        long total = 0;
        long offset = -1;
        long weight = 0;
        for (List<String> s : shards) {
            if (Integer.parseInt(s.get(0)) == node.shard()) {
                offset = total;
                weight = Long.parseLong(s.get(1));
            }
            total += Long.parseLong(s.get(1));
        }
        if (offset < 0) {
            throw ChrunbookException.verificationFailed(node.id() + " (shard " + node.shard() + ") is not a shard of " + cluster
                    + ", the cluster of " + distributed);
        }
        String slot = "((" + key + ") % " + total + ")";
        return weight == 1 ? slot + " = " + offset : slot + " >= " + offset + " AND " + slot + " < " + (offset + weight);
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
