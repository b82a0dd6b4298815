package dev.chrunbook.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chrunbook.state.SourceRange;
import dev.chrunbook.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A page's body is the batch contract, with each event's properties exactly as the source holds them. */
class PageWriterTest {
    @Test
    void aPageIsTheBatchBodyWithPropertiesUntouchedAndIsoTimestamps() throws Exception {
        HttpExport.Spec spec = new HttpExport.Spec(Fixtures.step("export", "http-export"), Fixtures.NODE, "db", "events",
                new ExportColumns("uuid", "event", "distinct_id", "properties", "timestamp", "UUID"), "team_id", List.of(2L),
                "2024-01-01 00:00:00", "2024-02-01 00:00:00", 10, 1, HttpExport.Order.TIME, "phc_key", null, Optional.empty());
        PageWriter w = new PageWriter(spec);
        w.add(Arrays.asList("0d7c7d3e-0000-4000-8000-000000000001", "$pageview", "user-1",
                "{\"$lib\":\"posthog-ios\",\"nested\":{\"a\":[1,2]}}", "2024-01-03 04:05:06"));
        w.add(Arrays.asList("0d7c7d3e-0000-4000-8000-000000000002", "signed up", "user-2", "", "2024-01-03 04:05:07"));
        PageQueue.Page page = w.take(ExportCursor.Position.time(SourceRange.days(2, 19725, 19726), w.lastTime(), w.lastId()));
        JsonNode body = new ObjectMapper().readTree(page.body());
        assertEquals("phc_key", body.get("api_key").asText());
        assertEquals(2, page.events());
        JsonNode first = body.get("batch").get(0);
        assertEquals("posthog-ios", first.get("properties").get("$lib").asText(), "$lib as the source has it");
        assertEquals(2, first.get("properties").get("nested").get("a").get(1).asInt());
        assertEquals("2024-01-03T04:05:06Z", first.get("timestamp").asText());
        assertEquals("{}", body.get("batch").get(1).get("properties").toString(), "empty properties are an empty object");
        assertEquals("2024-01-03 04:05:07", page.position().time());
    }
}
