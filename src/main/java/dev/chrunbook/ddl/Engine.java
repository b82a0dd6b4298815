package dev.chrunbook.ddl;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A table engine with its arguments, e.g. {@code ReplicatedReplacingMergeTree('/zk/path', '{replica}', _timestamp)}. */
public record Engine(String name, List<String> args, boolean hasParentheses) {

    static Engine parse(List<Token> body) {
        List<Token> t = SqlLexer.strip(body);
        if (t.isEmpty() || t.get(0).kind() != Token.Kind.WORD) {
            throw new DdlException("cannot read the engine '" + SqlLexer.join(body) + "'");
        }
        String name = t.get(0).text();
        int open = 1;
        while (open < t.size() && t.get(open).isBlank()) {
            open++;
        }
        if (open >= t.size() || !t.get(open).isSymbol('(')) {
            return new Engine(name, List.of(), false);
        }
        int close = SqlLexer.closingParen(t, open);
        List<String> args = new ArrayList<>();
        for (List<Token> a : SqlLexer.splitTopLevel(t.subList(open + 1, close), ',')) {
            args.add(SqlLexer.join(a));
        }
        return new Engine(name, List.copyOf(args), true);
    }

    public boolean isReplicated() {
        return name.startsWith("Replicated");
    }

    /** The MergeTree family without replication: ReplicatedReplacingMergeTree is ReplacingMergeTree. */
    public String family() {
        return isReplicated() ? name.substring("Replicated".length()) : name;
    }

    /** How many leading arguments are the replication path and replica name (0 when they are left to defaults). */
    int replicationArgs() {
        return isReplicated() && !args.isEmpty() && args.get(0).startsWith("'") ? Math.min(2, args.size()) : 0;
    }

    /** The engine's own parameters after the replication arguments (a Replacing engine's version column, ...). */
    public List<String> params() {
        return args.subList(replicationArgs(), args.size());
    }

    public Optional<String> zookeeperPath() {
        return replicationArgs() > 0 ? Optional.of(args.get(0)) : Optional.empty();
    }

    /** The same engine replicated under another ZooKeeper path ({replica} for the replica name when it had none). */
    public Engine withZookeeperPath(String path) {
        if (!isReplicated()) {
            throw new DdlException("engine " + name + " is not replicated: there is no ZooKeeper path to set");
        }
        List<String> out = new ArrayList<>();
        out.add(Names.literal(path));
        out.add(replicationArgs() == 2 ? args.get(1) : "'{replica}'");
        out.addAll(params());
        return new Engine(name, List.copyOf(out), true);
    }

    /** The engine without replication, for a table local to one node with the same parts (ReplacingMergeTree(v) of ReplicatedReplacingMergeTree(path, replica, v)). */
    public Engine unreplicated() {
        return isReplicated() ? new Engine(family(), params(), true) : this;
    }

    /** A Replacing/Collapsing engine's version column set, or added when the source has none. */
    public Engine withVersionColumn(String column) {
        if (!family().equals("ReplacingMergeTree")) {
            throw new DdlException("engine " + name + " has no version column (only ReplacingMergeTree does)");
        }
        List<String> out = new ArrayList<>(args.subList(0, replicationArgs()));
        out.add(Names.quote(column));
        out.addAll(params().size() > 1 ? params().subList(1, params().size()) : List.of());
        return new Engine(name, List.copyOf(out), true);
    }

    /** A Distributed engine reading another local table (the third argument). */
    public Engine withDistributedTable(String table) {
        if (!name.equals("Distributed") || args.size() < 3) {
            throw new DdlException("engine " + name + " is not Distributed(cluster, database, table, ...)");
        }
        List<String> out = new ArrayList<>(args);
        out.set(2, args.get(2).startsWith("'") ? Names.literal(table) : Names.quote(table));
        return new Engine(name, List.copyOf(out), true);
    }

    /** The Kafka engine's positional arguments, in ClickHouse's order (StorageKafka). */
    private static final List<String> KAFKA_POSITIONS = List.of("kafka_broker_list", "kafka_topic_list", "kafka_group_name",
            "kafka_format", "kafka_row_delimiter", "kafka_schema", "kafka_num_consumers", "kafka_max_block_size",
            "kafka_skip_broken_messages", "kafka_commit_every_batch");

    /**
     * A Kafka engine with one of its settings given in its arguments, however they are written:
     * {@code key = value} arguments (over a named collection or not) get the key set in place or
     * added, which overrides the collection's; positional arguments get the key's position set.
     * A position past the last argument cannot be given without giving the ones before it: refused.
     */
    public Engine withKafkaSetting(String key, String valueSql) {
        if (!name.equals("Kafka") || args.isEmpty()) {
            throw new DdlException("engine " + sql() + " has no Kafka arguments to set " + key + " in");
        }
        boolean named = !args.get(0).contains("=") && !args.get(0).startsWith("'");
        boolean keyValue = named || args.stream().anyMatch(a -> keyOf(a) != null);
        List<String> out = new ArrayList<>(args);
        if (keyValue) {
            for (int i = 0; i < out.size(); i++) {
                if (key.equals(keyOf(out.get(i)))) {
                    out.set(i, key + " = " + valueSql);
                    return new Engine(name, List.copyOf(out), true);
                }
            }
            out.add(key + " = " + valueSql);
            return new Engine(name, List.copyOf(out), true);
        }
        int at = KAFKA_POSITIONS.indexOf(key);
        if (at < 0 || at >= out.size()) {
            throw new DdlException("engine " + sql() + " gives " + out.size() + " positional arguments: " + key
                    + " is not among them; give the table ENGINE = Kafka SETTINGS ... or key = value arguments to set it");
        }
        out.set(at, valueSql);
        return new Engine(name, List.copyOf(out), true);
    }

    /** The key of a {@code key = value} argument, or null. */
    private static String keyOf(String arg) {
        int eq = arg.indexOf('=');
        if (eq <= 0) {
            return null;
        }
        String k = arg.substring(0, eq).strip();
        return k.matches("[A-Za-z_][A-Za-z0-9_]*") ? k : null;
    }

    public String sql() {
        return hasParentheses ? name + "(" + String.join(", ", args) + ")" : name;
    }
}
