package dev.chrunbook.ddl;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The staging table of a migration, derived from the source's own definition: every column,
 * index, projection, constraint, TTL and setting kept; only what the runbook declares changes
 * (ZooKeeper path, sort key, and the partition key or version column when asked). Columns that
 * are computed (MATERIALIZED, ALIAS) and the entries that use them are left for later, so the
 * copy inserts stored columns only; {@link Result#later()} lists them in the source's order.
 * A source that is not replicated (a single server) gets a staging table that is not either.
 */
public final class StagingDerivation {
    private StagingDerivation() {
    }

    /**
     * What the runbook changes. A null field keeps the source's clause; an empty text removes it.
     * The primary key follows the new sort key unless given.
     */
    public record Spec(String database, String name, String zookeeperPath, String orderBy, String primaryKey,
                       String sampleBy, String partitionBy, String versionColumn) {
    }

    /** An entry added after the copy with {@code ALTER TABLE ... ADD <sql> [AFTER <after>]}. */
    public record AddedLater(String kind, String name, String sql, String after) {
    }

    public record Result(CreateQuery staging, List<AddedLater> later) {
    }

    public static Result derive(CreateQuery source, Spec spec) {
        if (!source.objectKind().equals("TABLE") || !source.hasEngine()) {
            throw new DdlException(source.name() + " is a " + source.objectKind() + ", not a table with an engine");
        }
        Set<String> computed = new LinkedHashSet<>();
        for (TableElement c : source.columns()) {
            if (c.kind() == TableElement.Kind.COLUMN && !c.isStoredColumn() && !c.defaultKind().equals("EPHEMERAL")) {
                computed.add(c.name());
            }
        }
        List<TableElement> now = new ArrayList<>();
        List<AddedLater> later = new ArrayList<>();
        String previousColumn = "";
        for (TableElement e : source.elements()) {
            boolean deferred = e.kind() == TableElement.Kind.COLUMN ? computed.contains(e.name()) : e.mentions(computed);
            if (deferred) {
                later.add(new AddedLater(e.kind().name().toLowerCase(java.util.Locale.ROOT), e.name(), e.alterKeyword() + e.sql(),
                        e.kind() == TableElement.Kind.COLUMN ? previousColumn : ""));
            } else {
                now.add(e);
            }
            if (e.kind() == TableElement.Kind.COLUMN) {
                previousColumn = e.name();
            }
        }
        Engine engine = source.engine();
        if (engine.isReplicated() && spec.zookeeperPath() != null && !spec.zookeeperPath().isEmpty()) {
            engine = engine.withZookeeperPath(spec.zookeeperPath());
        } else if (engine.isReplicated()) {
            throw new DdlException(source.name() + " is replicated: the staging table needs a ZooKeeper path of its own");
        }
        if (spec.versionColumn() != null && !spec.versionColumn().isEmpty()) {
            engine = engine.withVersionColumn(spec.versionColumn());
        }
        CreateQuery staging = source.withName(spec.database(), spec.name()).withElements(now).withEngine(engine);
        if (spec.orderBy() != null) {
            if (spec.orderBy().isBlank()) {
                throw new DdlException("the new ORDER BY is empty");
            }
            staging = staging.withClause("ORDER BY", spec.orderBy())
                    .withClause("PRIMARY KEY", spec.primaryKey() == null ? "" : spec.primaryKey());
        } else if (spec.primaryKey() != null) {
            staging = staging.withClause("PRIMARY KEY", spec.primaryKey());
        }
        if (spec.sampleBy() != null) {
            staging = staging.withClause("SAMPLE BY", spec.sampleBy());
        }
        if (spec.partitionBy() != null) {
            staging = staging.withClause("PARTITION BY", spec.partitionBy());
        }
        for (String clause : List.of("PARTITION BY", "PRIMARY KEY", "ORDER BY", "SAMPLE BY", "TTL")) {
            String text = staging.clause(clause).orElse("");
            for (String c : computed) {
                if (SqlLexer.tokens(text).stream().anyMatch(t -> t.isName() && t.name().equals(c))) {
                    throw new DdlException(clause + " of " + spec.name() + " uses the computed column " + c
                            + ", which is added only after the copy: keep computed columns out of the table's keys and TTL");
                }
            }
        }
        return new Result(staging, List.copyOf(later));
    }
}
