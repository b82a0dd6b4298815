package dev.chrunbook.transfer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes a page of events straight into the batch body, {@code {"api_key": ..., "historical_migration":
 * true, "batch": [{event, distinct_id, properties, timestamp, uuid}, ...]}}, as rows arrive: the page is
 * held as its bytes, not as rows, and never grows past the contract's body limit. Properties go in
 * as the source holds them (JSON text), with {@code $geoip_disable} and an autocapture event's
 * {@code $elements_chain} put first (a key the source already has comes later, and wins).
 */
final class PageWriter {
    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] END = "]}".getBytes(StandardCharsets.UTF_8);

    /** What became of a row. */
    enum Added {
        /** In the page. */
        ADDED,
        /** Not in it: the page is full (its body would pass the limit); take it, then add the row to the next. */
        FULL,
        /** Not in it: the event alone is over the per-event limit ({@link #lastOversized}). */
        OVERSIZED
    }

    private final String apiKey;
    private final ExportContract contract;
    private ByteArrayOutputStream out;
    private int size;
    private String lastTime;
    private String lastId;
    private String oversized = "";

    PageWriter(HttpExport.Spec spec) {
        this.apiKey = spec.apiKey();
        this.contract = spec.contract();
    }

    /** Adds a row: uuid, event, distinct_id, properties, time (yyyy-MM-dd HH:mm:ss[.f], UTC), elements chain. */
    Added add(List<String> row) {
        byte[] event = event(row);
        if (event.length > contract.maxEventBytes()) {
            oversized = row.get(0) + " (" + event.length + " bytes)";
            return Added.OVERSIZED;
        }
        if (out == null) {
            out = new ByteArrayOutputStream(1 << 16);
            String head = "{\"api_key\":" + quoted(apiKey) + (contract.historical() ? ",\"historical_migration\":true" : "") + ",\"batch\":[";
            out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        } else if (out.size() + 1 + event.length + END.length > contract.maxBodyBytes()) {
            return Added.FULL;
        }
        if (size > 0) {
            out.write(',');
        }
        out.writeBytes(event);
        size++;
        lastId = row.get(0);
        lastTime = row.get(4);
        return Added.ADDED;
    }

    private byte[] event(List<String> row) {
        ByteArrayOutputStream e = new ByteArrayOutputStream(1024);
        try (JsonGenerator json = JSON.createGenerator(e)) {
            json.writeStartObject();
            json.writeStringField("event", row.get(1));
            json.writeStringField("distinct_id", row.get(2));
            json.writeFieldName("properties");
            json.writeRawValue(properties(row));
            json.writeStringField("timestamp", row.get(4).replace(' ', 'T') + "Z");
            json.writeStringField("uuid", row.get(0));
            json.writeEndObject();
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        return e.toByteArray();
    }

    /** The source's properties with what the contract adds put first. */
    private String properties(List<String> row) {
        String source = row.get(3) == null || row.get(3).isBlank() ? "{}" : row.get(3).strip();
        StringBuilder added = new StringBuilder();
        if (contract.geoipDisable()) {
            added.append("\"$geoip_disable\":true");
        }
        String chain = row.size() > 5 ? row.get(5) : "";
        if ("$autocapture".equals(row.get(1)) && chain != null && !chain.isEmpty()) {
            added.append(added.length() > 0 ? "," : "").append("\"$elements_chain\":").append(quoted(chain));
        }
        if (added.length() == 0 || !source.startsWith("{")) {
            return source;
        }
        String rest = source.substring(1).strip();
        return "{" + added + (rest.startsWith("}") ? "" : ",") + rest;
    }

    private static String quoted(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        b.append(String.format("\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    int size() {
        return size;
    }

    /** The last row refused as over the per-event limit: its id and size. */
    String lastOversized() {
        return oversized;
    }

    String lastTime() {
        return lastTime;
    }

    String lastId() {
        return lastId;
    }

    /** The page written so far, ending at {@code position}; the writer starts a new one. */
    PageQueue.Page take(ExportCursor.Position position) {
        out.writeBytes(END);
        PageQueue.Page page = new PageQueue.Page(out.toByteArray(), size, position);
        out = null;
        size = 0;
        return page;
    }
}
