-- create-staging @ shard-1-replica-1:8123
CREATE TABLE `posthog`.`sharded_events_mig` AS `posthog`.`sharded_events`
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/posthog.sharded_events_mig_20260101_000000_abcd', '{replica}', _timestamp)
ORDER BY (team_id, toDate(timestamp), event);
-- create-staging @ shard-2-replica-1:8123
CREATE TABLE `posthog`.`sharded_events_mig` AS `posthog`.`sharded_events`
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/posthog.sharded_events_mig_20260101_000000_abcd', '{replica}', _timestamp)
ORDER BY (team_id, toDate(timestamp), event);
-- copy @ shard-1-replica-1:8123
INSERT INTO `posthog`.`sharded_events_mig` (`uuid`, `event`, `timestamp`)
SELECT `uuid`, `event`, `timestamp` FROM `posthog`.`sharded_events`;
-- copy @ shard-2-replica-1:8123
INSERT INTO `posthog`.`sharded_events_mig` (`uuid`, `event`, `timestamp`)
SELECT `uuid`, `event`, `timestamp` FROM `posthog`.`sharded_events`;
-- swap @ shard-1-replica-1:8123
RENAME TABLE `posthog`.`sharded_events` TO `posthog`.`sharded_events_backup_20260101_000000_abcd`,
             `posthog`.`sharded_events_mig` TO `posthog`.`sharded_events` ON CLUSTER posthog;
SELECT 'events group 2', 'it\'s';
-- sync @ shard-1-replica-1:8123
SYSTEM SYNC REPLICA `posthog`.`sharded_events_mig`;
SELECT 1, 1, 's1r1', '1', 'shard-1-replica-1:8123';
-- sync @ shard-1-replica-2:8123
SYSTEM SYNC REPLICA `posthog`.`sharded_events_mig`;
SELECT 1, 2, 's1r2', '1', 'shard-1-replica-2:8123';
-- sync @ shard-2-replica-1:8123
SYSTEM SYNC REPLICA `posthog`.`sharded_events_mig`;
SELECT 2, 1, 's2r1', '2', 'shard-2-replica-1:8123';
-- sync @ shard-2-replica-2:8123
SYSTEM SYNC REPLICA `posthog`.`sharded_events_mig`;
SELECT 2, 2, 's2r2', '2', 'shard-2-replica-2:8123';
