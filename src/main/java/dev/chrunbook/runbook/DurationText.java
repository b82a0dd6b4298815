package dev.chrunbook.runbook;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as a runbook writes them: 500ms, 90s, 30m, 2h. */
public final class DurationText {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    private DurationText() {
    }

    public static Optional<Duration> parse(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches() || m.group(1).length() > 9) {
            return Optional.empty(); // more than 9 digits is no duration anyone means
        }
        long n = Long.parseLong(m.group(1));
        return Optional.of(switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        });
    }

    /** The duration at {@code key} of a YAML mapping, empty when absent; a malformed one is an error there. */
    public static Optional<Duration> field(YamlFields f, String id, String key) {
        String text = f.optionalString(key, null);
        if (text == null) {
            return Optional.empty();
        }
        return Optional.of(parse(text).orElseThrow(() -> f.errorAt(key,
                "step '" + id + "': " + key + " '" + text + "' is not a duration like 90s, 30m or 2h")));
    }
}
