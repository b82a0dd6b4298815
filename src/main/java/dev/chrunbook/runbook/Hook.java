package dev.chrunbook.runbook;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One entry of a runbook's {@code hooks:}: a command (argv, no shell) or a webhook (a JSON POST with
 * a Slack-compatible {@code text}) run on some events. The webhook's address, a secret where Slack is
 * concerned, comes from {@code url_env} or {@code url_file}, or from {@code url} for a local receiver.
 *
 * @param required a failing {@code before_*} hook blocks its step (exit 4); any other failing hook is reported only
 * @param line     where the hook is in the runbook, for messages
 */
public record Hook(Set<String> events, List<String> command, String url, String urlEnv, String urlFile, Duration timeout,
                   boolean required, int line) {

    /** The events a hook may be run on. */
    public static final List<String> EVENTS = List.of("step_started", "step_finished", "step_failed", "waiting", "before_cutover");

    public boolean webhook() {
        return command.isEmpty();
    }

    /** How messages name it: its command or the source of its address (never the address itself). */
    public String label() {
        return webhook() ? "webhook " + (urlEnv != null ? "$" + urlEnv : urlFile != null ? "from " + urlFile : url)
                : "command " + String.join(" ", command);
    }
}
