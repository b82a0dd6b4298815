package dev.chrunbook.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A runbook of the shipped recheck template alone, after a dedupe step that only marks when the dedupe began. */
public final class RecheckRunbook {
    private RecheckRunbook() {
    }

    public static Path write(Path file, String database, String source, String staging, String idColumn, String ingestedColumn,
                             int settleSeconds) throws IOException {
        Files.writeString(file, """
                name: recheck
                cluster: posthog
                database: %s
                vars:
                  source: %s
                  staging: %s
                  id_column: %s
                  ingested_column: %s
                  dedupe_step: dedupe
                  recheck_settle_seconds: %d
                steps:
                  - id: dedupe
                    kind: check
                    on: one-replica-per-shard
                    sql: SELECT 1 WHERE 0
                  - id: recheck
                    kind: check
                    on: one-replica-per-shard
                    template: recheck.sql.ftl
                """.formatted(database, source, staging, idColumn, ingestedColumn, settleSeconds));
        return file;
    }
}
