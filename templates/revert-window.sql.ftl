<#--
  revert-window (kind: check, on: first-node)
  The swap can be taken back (chrunbook rollback --step swap, no pause, nothing lost) until
  revert_window_seconds (default 3600) have passed since it ended; ending the second feed closes
  that. This gate refuses before then.
  vars: revert_window_seconds; swap_step (default swap)
  With cutover: recreate it renders nothing (rollback copies back by identity instead).
-->
<#if (cutover!"exchange") == "exchange">
SELECT 'the revert window is still open: chrunbook rollback --step ${swap_step!"swap"} swaps back without a pause until then' AS problem,
       toDateTime(${lit(step_finished(swap_step!"swap"))}) + ${revert_window_seconds!3600} AS until
FROM system.one
WHERE now() < toDateTime(${lit(step_finished(swap_step!"swap"))}) + ${revert_window_seconds!3600}
</#if>
