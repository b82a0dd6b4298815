<#--
  What the swap will do on this topology, and the ingestion pause to expect: plan and run --dry-run
  print it under the step (its expect:). Plain text, not SQL.
  vars: cutover, source, staging, writable, kafka_mv, revert_window_seconds
  The figures are bench/cutover-pause's and bench/cutover-pause-current's (see the README).
-->
<#assign engine = database_engine(database)>
<#assign window = revert_window_seconds!3600>
<#if (cutover!"exchange") == "recreate">
cut-over: drop and recreate (cutover: recreate). stop-ingestion drops the catch-up view and the main view ${kafka_mv}
(a DROP waits for the Kafka block in flight); swap renames the tables, gives the catch-up's Kafka table the main one's name
and creates ${kafka_mv} again on it. Ingestion pauses from the first DROP to that CREATE: measured 1.7 to 3.2 s on 18.16,
0.5 to 1.4 s on 26.7. The main consumer group takes the catch-up's name. No revert window: rollback --step swap copies back
by ingestion time what the new table received.
<#elseif !table_exists(database, writable) || !table_clause(database, writable, "ENGINE")?starts_with("Distributed")>
cut-over: EXCHANGE needs the main view to write through a Distributed table over ${source}, and ${writable} is
<#if table_exists(database, writable)>not one<#else>not there</#if> on this node: without one, the view would keep
writing into the old table after the swap. Set writable to the view's Distributed table, or cutover: recreate (a pause of seconds).
<#elseif engine == "Atomic">
cut-over: EXCHANGE TABLES ${source} AND ${staging} (database ${database} is Atomic). Nothing is dropped or recreated: ${kafka_mv}
and its consumer group keep writing through ${writable} into whichever table has the name ${source}. No ingestion pause is
expected (measured on 26.7: no gap beyond normal ingestion). The catch-up keeps the old table fed for the revert window
(${window} s); rollback --step swap exchanges back the same way, and end-feed closes the window.
<#else>
cut-over: one RENAME of three pairs through ${source}_exchange_<run_id> (database ${database} is ${engine}, which has
no EXCHANGE). The name ${source} is missing for the RENAME's milliseconds; a Distributed insert that lands then fails and is
sent again. Expect no gap beyond normal ingestion (measured on 18.16: at most 2 s, as normal ingestion). The catch-up keeps
the old table fed for the revert window (${window} s); rollback --step swap renames back the same way.
</#if>
