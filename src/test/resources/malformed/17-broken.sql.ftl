SELECT 1
<#if node.shard == 1>
FROM x
