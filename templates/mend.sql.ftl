<#--
  mend (on: cluster-once)
  Both tables hold every event, each once, around an exchange. Each is fed by its own pipeline (the
  main view and the catch-up view read the same topic in their own consumer groups), and an event
  that one group read before the exchange and the other after it reaches only one of the two tables
  (the other group's read landing in the same one). Each table gets, by identity, the ids of the
  other that it lacks among the rows ingested in the window around the exchange, both directions,
  read through cluster() and written through the Distributed table that feeds it (writable for the
  source, catchup_writable for staging), so every shard's rows land on their shard. What arrived twice (a block the catch-up and the copy share, a group's read repeated) is
  removed as the catch-up overlap is: by the ReplacingMergeTree's merges, and dedupe.
  The window: from the exchange's start (or an earlier swap back's) minus catchup_margin_seconds to
  its end plus as much, or to now (mend_until: now, for the swap back, which mends at once).
  vars: source, staging, writable, catchup_writable, id_column, ingested_column, catchup_margin_seconds;
        swap_step (default swap); flush_distributed (default true; 18.16 cannot, and the local cluster
        sends Distributed inserts synchronously)
  With cutover: recreate it renders nothing.
-->
<#if (cutover!"exchange") == "exchange">
<#include "exchange-window.ftl">
<#if flush_distributed!true>
<#-- blocks queued before the exchange are sent now, so that what each table lacks is read after them -->
SYSTEM FLUSH DISTRIBUTED ${ident(database, writable)} ON CLUSTER ${cluster};
SYSTEM FLUSH DISTRIBUTED ${ident(database, catchup_writable)} ON CLUSTER ${cluster};
</#if>
<#-- the columns both a table stores and its Distributed table writes (PostHog's writable_events lacks inserted_at and
     the dmat_ columns: those of a mended row take their defaults) -->
<#assign through = table_columns(database, writable)?map(c -> c.name)>
<#assign stored = table_columns(database, source)?filter(c -> (c.default_kind == "" || c.default_kind == "DEFAULT") && through?seq_contains(c.name))>
<#list [[writable, staging, source], [catchup_writable, source, staging]] as pair>
INSERT INTO ${ident(database, pair[0])} (<#list stored as c>${ident(c.name)}<#sep>, </#list>)
SELECT <#list stored as c>${ident(c.name)}<#sep>, </#list>
FROM cluster(${cluster}, ${database}, ${pair[1]})
WHERE ${windowed}
  AND ${ident(id_column)} NOT IN (SELECT ${ident(id_column)} FROM cluster(${cluster}, ${database}, ${pair[2]})
                                  WHERE ${ident(ingested_column)} >= ${from} - ${margin});
</#list>
</#if>
