<#--
  copy (on: one-replica-per-shard)
  Server-side INSERT ... SELECT of every stored column (ordinary and DEFAULT: a DEFAULT column's
  values are data and are copied as they are); MATERIALIZED and ALIAS columns are computed.
  Rows never leave the node. Tuning goes in the step's settings, which chrunbook sends as
  per-query settings (a SETTINGS clause reaches only the SELECT side on older servers).
  vars: source, staging
-->
<#assign stored = table_columns(database, source)?filter(c -> c.default_kind == "" || c.default_kind == "DEFAULT")>
INSERT INTO ${ident(database, staging)} (<#list stored as c>${ident(c.name)}<#sep>, </#list>)
SELECT <#list stored as c>${ident(c.name)}<#sep>, </#list>
FROM ${ident(database, source)}
