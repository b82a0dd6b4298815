<#--
  copy (on: one-replica-per-shard)
  Server-side INSERT ... SELECT of the base columns: rows never leave the node. Tuning goes in the
  step's settings, which chrunbook sends as per-query settings (a SETTINGS clause reaches only the
  SELECT side on older servers).
  vars: source, staging
-->
<#assign base = table_columns(database, source)?filter(c -> c.default_kind == "")>
INSERT INTO ${ident(database, staging)} (<#list base as c>${ident(c.name)}<#sep>, </#list>)
SELECT <#list base as c>${ident(c.name)}<#sep>, </#list>
FROM ${ident(database, source)}
