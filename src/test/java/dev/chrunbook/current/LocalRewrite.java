package dev.chrunbook.current;

import java.util.regex.Pattern;

/**
 * What a single local engine cannot do, rewritten in the test and nowhere else: replication (the
 * Replicated engines become their plain family, ON CLUSTER goes) and what needs ZooKeeper, replicas
 * or other servers, which is only parsed (EXPLAIN AST).
 */
final class LocalRewrite {
    private static final Pattern ON_CLUSTER = Pattern.compile("\\s+ON CLUSTER\\s+(`[^`]*`|\\w+)");
    private static final Pattern REPLICATED = Pattern.compile("Replicated(\\w*MergeTree)\\(\\s*'[^']*'\\s*,\\s*'[^']*'\\s*,?\\s*");
    private static final Pattern SYNC_REPLICA = Pattern.compile("(?is)^\\s*SYSTEM\\s+SYNC\\s+REPLICA\\b.*");

    private LocalRewrite() {
    }

    static String forLocal(String sql) {
        return REPLICATED.matcher(ON_CLUSTER.matcher(sql).replaceAll("")).replaceAll("$1(");
    }

    /** Statements the engine can only parse here: they need ZooKeeper, replicas or another server. */
    static boolean parseOnly(String sql) {
        return sql.contains("system.zookeeper") || SYNC_REPLICA.matcher(sql).matches() || sql.contains("cluster(");
    }
}
