package dev.chrunbook.transfer;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.Sleeper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Posts one page of events to a batch ingestion endpoint ({@code POST <url>/batch/}, the JSON body
 * already written) until it is acknowledged (2xx). A 429 or 5xx, or a broken connection, is tried
 * again after the response's Retry-After or an exponential backoff (capture's 429 carries none); a
 * 413 (the body over capture's 20 MiB) sends the page again in halves; any other 4xx stops the export
 * with the response's body, since sending it again would be refused again.
 */
public final class BatchSender {
    private static final Duration FIRST_PAUSE = Duration.ofMillis(250);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(30);
    private static final com.fasterxml.jackson.databind.ObjectMapper SPLITTER = new com.fasterxml.jackson.databind.ObjectMapper();

    private final HttpClient http;
    private final URI endpoint;
    private final int retries;
    private final Duration timeout;
    private final Sleeper sleeper;

    public BatchSender(String url, int retries, Duration timeout, Sleeper sleeper) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.endpoint = URI.create(url.replaceAll("/+$", "") + "/batch/");
        this.retries = retries;
        this.timeout = timeout;
        this.sleeper = sleeper;
    }

    public URI endpoint() {
        return endpoint;
    }

    /**
     * @param retrying told why a try failed and how long it waits before the next
     * @return the tries it took
     * @throws ChrunbookException (step failed) on a refusal, or once the retries are spent
     */
    public int send(byte[] body, Consumer<String> retrying) throws InterruptedException {
        String last = "";
        for (int attempt = 0; attempt <= retries; attempt++) {
            Duration pause = backoff(attempt);
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(endpoint).timeout(timeout)
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                int code = r.statusCode();
                if (code / 100 == 2) {
                    return attempt + 1;
                }
                String text = r.body().length() > 500 ? r.body().substring(0, 500) + "..." : r.body();
                if (code == 413) {
                    return attempt + 1 + halves(body, retrying, text);
                }
                if (code != 429 && code / 100 != 5) {
                    // a refusal is a precondition that failed (a wrong key, a malformed event): exit 4, as a failed check
                    throw ChrunbookException.verificationFailed(endpoint + " refused a page with HTTP " + code + ": " + text
                            + (code == 401 || code == 403 ? " (check the API key: api_key_env / api_key_file)" : ""));
                }
                last = "HTTP " + code + (text.isBlank() ? "" : ": " + text);
                pause = retryAfter(r).orElse(pause);
            } catch (IOException e) {
                last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            if (attempt < retries) {
                retrying.accept(last + "; again in " + pause.toMillis() + " ms (try " + (attempt + 2) + " of " + (retries + 1) + ")");
                sleeper.sleep(pause);
            }
        }
        throw ChrunbookException.stepFailed(endpoint + " did not take a page after " + (retries + 1) + " tries: " + last);
    }

    /**
     * A page the endpoint found too large (413) sent again as two halves, each split again while it is
     * refused; a single event it refuses stops the export.
     *
     * @return the tries the halves took
     */
    private int halves(byte[] body, Consumer<String> retrying, String text) throws InterruptedException {
        com.fasterxml.jackson.databind.node.ObjectNode page;
        try {
            page = (com.fasterxml.jackson.databind.node.ObjectNode) SPLITTER.readTree(body);
        } catch (IOException | ClassCastException e) {
            throw ChrunbookException.verificationFailed(endpoint + " refused a page as too large (HTTP 413: " + text + ") and it is no batch to split");
        }
        com.fasterxml.jackson.databind.JsonNode batch = page.path("batch");
        if (batch.size() < 2) {
            throw ChrunbookException.verificationFailed(endpoint + " refused an event of " + body.length + " bytes as too large (HTTP 413: "
                    + text + "): lower http.max_event_bytes to skip or stop on such events before they are sent");
        }
        retrying.accept("HTTP 413 for a page of " + batch.size() + " events, " + body.length + " bytes: sent again as two halves");
        int tries = 0;
        int half = batch.size() / 2;
        for (int[] range : new int[][] {{0, half}, {half, batch.size()}}) {
            com.fasterxml.jackson.databind.node.ObjectNode part = page.deepCopy();
            com.fasterxml.jackson.databind.node.ArrayNode events = part.putArray("batch");
            for (int i = range[0]; i < range[1]; i++) {
                events.add(batch.get(i));
            }
            try {
                tries += send(SPLITTER.writeValueAsBytes(part), retrying);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return tries;
    }

    static Duration backoff(int attempt) {
        Duration d = FIRST_PAUSE.multipliedBy(1L << Math.min(attempt, 10));
        return d.compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : d;
    }

    /** Retry-After in seconds (an HTTP date is not honoured: the backoff applies). */
    static java.util.Optional<Duration> retryAfter(HttpResponse<?> r) {
        return r.headers().firstValue("Retry-After").flatMap(v -> {
            try {
                return java.util.Optional.of(Duration.ofMillis((long) (Double.parseDouble(v.trim()) * 1000)));
            } catch (NumberFormatException e) {
                return java.util.Optional.empty();
            }
        }).map(d -> d.compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : d);
    }
}
