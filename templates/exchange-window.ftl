<#--
  The window around an exchange that mend fills and both-fed checks, as SQL over ingested_column:
  from the swap's start (or an earlier swap back's) minus catchup_margin_seconds to the swap's end
  plus as much (to now with mend_until = "now"). Sets: from (an SQL DateTime) and windowed (a WHERE).
  vars: ingested_column, catchup_margin_seconds; swap_step (default swap)
-->
<#assign swap = swap_step!"swap">
<#assign margin = catchup_margin_seconds>
<#-- step_started of a step that has not run is now: least() then picks the swap's own start -->
<#assign from>least(toDateTime(${lit(step_started(swap))}), toDateTime(${lit(step_started(swap + "-rollback"))})) - ${margin}</#assign>
<#assign windowed>${ident(ingested_column)} >= ${from}<#if (mend_until!"") != "now"> AND ${ident(ingested_column)} <= toDateTime(${lit(step_finished(swap))}) + ${margin}</#if></#assign>
