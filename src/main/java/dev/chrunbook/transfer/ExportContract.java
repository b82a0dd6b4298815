package dev.chrunbook.transfer;

/**
 * What PostHog's capture service takes, as its code defines it (PostHog/posthog rust/capture:
 * router.rs, api.rs, token.rs, events/analytics.rs), and how an export meets it.
 *
 * @param historical     {@code "historical_migration": true} on every batch: capture routes it to the
 *                       historical pipeline (DataType::AnalyticsHistorical), as PostHog's migration docs ask
 * @param geoipDisable   {@code "$geoip_disable": true} in each event's properties, as PostHog's own migration
 *                       tool sends: without it Cloud stamps an event without $ip with the exporter's location
 * @param maxBodyBytes   a page's body at most this (capture refuses a body over 20 MiB with 413: BATCH_BODY_SIZE)
 * @param maxEventBytes  an event over this is not sent (capture answers 400 EventTooBig for an event over
 *                       its Kafka message limit, about 1 MB)
 * @param skipOversized  such an event is skipped and reported (id, size), else the step stops on it
 */
public record ExportContract(boolean historical, boolean geoipDisable, long maxBodyBytes, long maxEventBytes, boolean skipOversized) {
    public static final long BODY_LIMIT = 20L * 1024 * 1024;
    public static final ExportContract DEFAULTS = new ExportContract(true, true, 16L * 1024 * 1024, 1_000_000, false);

    /**
     * What capture's token check refuses (token.rs: empty, over 64 characters, not ASCII, a personal
     * key phx_..., a NUL); empty when the key has the right shape. A key of the right shape for
     * another project is accepted there: no request proves it, and the first page is the only check.
     */
    public static java.util.Optional<String> keyProblem(String key) {
        String k = key == null ? "" : key.trim();
        if (k.isEmpty()) {
            return java.util.Optional.of("it is empty");
        }
        if (k.length() > 64) {
            return java.util.Optional.of("it is longer than 64 characters");
        }
        if (!k.chars().allMatch(c -> c < 128)) {
            return java.util.Optional.of("it is not ASCII");
        }
        if (k.startsWith("phx_")) {
            return java.util.Optional.of("it is a personal API key (phx_...): give the project API key (phc_...)");
        }
        if (k.indexOf('\0') >= 0) {
            return java.util.Optional.of("it holds a NUL byte");
        }
        return java.util.Optional.empty();
    }
}
