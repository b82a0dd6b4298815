<#-- A replicated table; {shard} and {replica} are expanded by each server from its macros. -->
CREATE TABLE IF NOT EXISTS ${ident(database, table)}
(
    id UInt64,
    shard UInt8,
    created DateTime
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/${database}.${table}_${run_id}', '{replica}')
PARTITION BY toYYYYMM(created)
ORDER BY id
