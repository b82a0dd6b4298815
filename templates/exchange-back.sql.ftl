<#--
  exchange-back (the rollback of an exchange swap; on: cluster-once)
  Swaps back the same way (one EXCHANGE, or the RENAME of three pairs): the pre-migration table
  takes the source's name again while both pipelines keep running, so nothing pauses, and the
  migrated table keeps being fed (through the catch-up) for a later swap. Then, at once, each table
  gets the ids the other has and it lacks among the rows ingested since the swap (minus the margin):
  the events one group read before and the other after either exchange. A swap that comes later
  mends this window again with its own.
  vars: those of exchange and mend
-->
<#include "exchange.sql.ftl">;
<#assign mend_until = "now">
<#include "mend.sql.ftl">
