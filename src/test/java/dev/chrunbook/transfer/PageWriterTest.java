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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A page's body is capture's batch contract: the historical flag, each event's properties as the source
 * holds them with $geoip_disable (and an autocapture event's $elements_chain) put first, and bodies
 * and events within their limits.
 */
class PageWriterTest {
    @Test
    void aPageIsTheBatchBodyWithPropertiesUntouchedAndIsoTimestamps() throws Exception {
        HttpExport.Spec spec = new HttpExport.Spec(Fixtures.step("export", "http-export"), Fixtures.NODE, "db", "events",
                new ExportColumns("uuid", "event", "distinct_id", "properties", "timestamp", "UUID", "DateTime", ""), "team_id", List.of(2L),
                "2024-01-01 00:00:00", "2024-02-01 00:00:00", 10, 1, HttpExport.Order.TIME, "phc_key", null, Optional.empty(),
                ExportContract.DEFAULTS, 1);
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
        assertEquals("{\"$geoip_disable\":true}", body.get("batch").get(1).get("properties").toString(),
                "empty properties are an object with the flag only");
        assertTrue(first.get("properties").get("$geoip_disable").asBoolean(), "Cloud stamps no exporter's location on it");
        assertTrue(body.get("historical_migration").asBoolean(), "the historical pipeline, as PostHog's migration docs ask");
        assertEquals("2024-01-03 04:05:07", page.position().time());
    }

    static HttpExport.Spec spec(ExportContract contract) {
        return new HttpExport.Spec(Fixtures.step("export", "http-export"), Fixtures.NODE, "db", "events",
                new ExportColumns("uuid", "event", "distinct_id", "properties", "timestamp", "UUID", "DateTime64(6, 'UTC')", "elements_chain"),
                "team_id", List.of(2L), "2024-01-01 00:00:00", "2024-02-01 00:00:00", 1000, 1, HttpExport.Order.TIME, "phc_key", null,
                Optional.empty(), contract, 1);
    }

    @Test
    void anAutocaptureEventCarriesItsElementsChainAndTheFlagsCanBeTurnedOff() throws Exception {
        PageWriter w = new PageWriter(spec(new ExportContract(false, false, 1 << 20, 1 << 20, false)));
        w.add(Arrays.asList("0d7c7d3e-0000-4000-8000-000000000001", "$autocapture", "u", "{\"a\":1}", "2024-01-03 04:05:06.123456",
                "a:href=\"/x\"nth-child=\"1\""));
        w.add(Arrays.asList("0d7c7d3e-0000-4000-8000-000000000002", "$pageview", "u", "{\"a\":1}", "2024-01-03 04:05:07.5", "div"));
        JsonNode body = new ObjectMapper().readTree(w.take(null).body());
        assertTrue(body.get("historical_migration") == null, "off for a live-like import");
        assertEquals("a:href=\"/x\"nth-child=\"1\"", body.get("batch").get(0).get("properties").get("$elements_chain").asText());
        assertEquals("{\"a\":1}", body.get("batch").get(1).get("properties").toString(), "only autocapture events carry the chain");
        assertEquals("2024-01-03T04:05:06.123456Z", body.get("batch").get(0).get("timestamp").asText(), "a DateTime64 keeps its fraction");
    }

    @Test
    void aPageStopsBeforeItsBodyPassesTheLimitAndAnEventOverItsOwnLimitIsNotAdded() throws Exception {
        PageWriter w = new PageWriter(spec(new ExportContract(true, true, 1000, 600, false)));
        String props = "{\"p\":\"" + "x".repeat(300) + "\"}";
        assertEquals(PageWriter.Added.ADDED, w.add(Arrays.asList("id-1", "e", "u", props, "2024-01-03 04:05:06", "")));
        assertEquals(PageWriter.Added.ADDED, w.add(Arrays.asList("id-2", "e", "u", props, "2024-01-03 04:05:07", "")));
        assertEquals(PageWriter.Added.FULL, w.add(Arrays.asList("id-3", "e", "u", props, "2024-01-03 04:05:08", "")));
        assertEquals(PageWriter.Added.OVERSIZED, w.add(Arrays.asList("id-4", "e", "u", "{\"p\":\"" + "y".repeat(700) + "\"}",
                "2024-01-03 04:05:09", "")));
        assertTrue(w.lastOversized().startsWith("id-4 ("), w.lastOversized());
        PageQueue.Page page = w.take(null);
        assertEquals(2, page.events());
        assertTrue(page.body().length <= 1000, "the body within the limit: " + page.body().length);
        assertEquals("id-2", new ObjectMapper().readTree(page.body()).get("batch").get(1).get("uuid").asText());
    }
}
