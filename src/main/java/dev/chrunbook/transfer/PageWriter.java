package dev.chrunbook.transfer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Writes a page of events straight into the batch body, {@code {"api_key": ..., "batch": [{event,
 * distinct_id, properties, timestamp, uuid}, ...]}}, as rows arrive: the page is held as its bytes,
 * not as rows. Properties go in as the source holds them (JSON text), nothing added or replaced.
 */
final class PageWriter {
    private static final JsonFactory JSON = new JsonFactory();

    private final String apiKey;
    private ByteArrayOutputStream out;
    private JsonGenerator json;
    private int size;
    private String lastTime;
    private String lastId;

    PageWriter(HttpExport.Spec spec) {
        this.apiKey = spec.apiKey();
    }

    /** Adds a row: uuid, event, distinct_id, properties, time (yyyy-MM-dd HH:mm:ss, UTC). Always true: go on reading. */
    boolean add(List<String> row) {
        try {
            if (json == null) {
                out = new ByteArrayOutputStream(1 << 16);
                json = JSON.createGenerator(out);
                json.writeStartObject();
                json.writeStringField("api_key", apiKey);
                json.writeArrayFieldStart("batch");
            }
            json.writeStartObject();
            json.writeStringField("event", row.get(1));
            json.writeStringField("distinct_id", row.get(2));
            json.writeFieldName("properties");
            String properties = row.get(3);
            json.writeRawValue(properties == null || properties.isBlank() ? "{}" : properties);
            json.writeStringField("timestamp", row.get(4).replace(' ', 'T') + "Z");
            json.writeStringField("uuid", row.get(0));
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        size++;
        lastId = row.get(0);
        lastTime = row.get(4);
        return true;
    }

    int size() {
        return size;
    }

    String lastTime() {
        return lastTime;
    }

    String lastId() {
        return lastId;
    }

    /** The page written so far, ending at {@code position}; the writer starts a new one. */
    PageQueue.Page take(ExportCursor.Position position) {
        try {
            json.writeEndArray();
            json.writeEndObject();
            json.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PageQueue.Page page = new PageQueue.Page(out.toByteArray(), size, position);
        out = null;
        json = null;
        size = 0;
        return page;
    }
}
