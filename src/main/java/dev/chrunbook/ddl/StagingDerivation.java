package dev.chrunbook.ddl;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The staging table of a migration, derived from the source's own definition: every column,
 * index, projection, constraint, TTL and setting kept; only what the runbook declares changes
 * (ZooKeeper path, sort key, the partition key or version column, settings when asked).
 * MATERIALIZED columns stay in it and the copy writes their stored values as data: an expression
 * changed in place (MODIFY COLUMN) leaves older rows' values as they were written, and computing
 * them again would change them. Only when the runbook asks to recompute them are the computed
 * columns (MATERIALIZED, ALIAS) and the entries that use them left for later, as the handbook did
 * for speed; {@link Result#later()} lists them in the source's order.
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
                       String sampleBy, String partitionBy, String versionColumn, java.util.Map<String, String> settings,
                       boolean recomputeMaterialized) {
        /** The settings are SQL values as the SETTINGS clause takes them; recomputing is off. */
        public Spec(String database, String name, String zookeeperPath, String orderBy, String primaryKey,
                    String sampleBy, String partitionBy, String versionColumn) {
            this(database, name, zookeeperPath, orderBy, primaryKey, sampleBy, partitionBy, versionColumn, java.util.Map.of(), false);
        }
    }

    /**
     * What a merging engine (Replacing, Collapsing, ...) with a projection needs on current servers, which
     * refuse to create one without it (Code 344); a table created before the setting existed has none in
     * its definition. rebuild keeps the projection right where a merge drops or collapses rows.
     */
    static final String PROJECTION_MODE = "deduplicate_merge_projection_mode";

    /** The differences from the source a derivation may make by itself, which a schema comparison accepts. */
    public static final Set<String> OWN_CHANGES = Set.of("setting " + PROJECTION_MODE);

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
            if (spec.recomputeMaterialized() && c.kind() == TableElement.Kind.COLUMN && !c.isStoredColumn()
                    && !c.defaultKind().equals("EPHEMERAL")) {
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
        for (java.util.Map.Entry<String, String> e : spec.settings().entrySet()) {
            staging = staging.withSetting(e.getKey(), e.getValue());
        }
        boolean merging = !engine.family().equals("MergeTree") && engine.family().endsWith("MergeTree");
        boolean projections = now.stream().anyMatch(e -> e.kind() == TableElement.Kind.PROJECTION);
        if (merging && projections && !spec.settings().containsKey(PROJECTION_MODE)
                && !staging.clause("SETTINGS").orElse("").contains(PROJECTION_MODE)) {
            staging = staging.withSetting(PROJECTION_MODE, "'rebuild'");
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
