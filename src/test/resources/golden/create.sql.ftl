<#-- one statement per node; {shard}/{replica} stay for the server to expand -->
CREATE TABLE ${ident(database, staging)} AS ${ident(database, source)}
ENGINE = ReplicatedReplacingMergeTree('${zk_root}/{shard}/${database}.${staging}_${run_id}', '{replica}', _timestamp)
ORDER BY (team_id, toDate(timestamp), event)
