package dev.chrunbook.runbook;

import java.util.Set;

/**
 * The names the renderer puts into every template's model, the one list of them: a var may not
 * shadow one. Tests hold the renderer's model and runbooks/runbook.schema.json to it.
 */
public final class TemplateNames {
    public static final Set<String> RESERVED =
            Set.of("node", "runbook", "run_id", "cluster", "cluster_form", "database", "step", "settings",
                    "ident", "lit", "sql", "table_columns", "step_started", "step_finished", "free_disk_bytes",
                    "server_setting", "partitions_written_since", "staging_table", "added_later", "mirror", "table_clause", "schema_differences",
                    "remember_definition", "table_exists", "column_names", "database_engine");

    private TemplateNames() {
    }
}
