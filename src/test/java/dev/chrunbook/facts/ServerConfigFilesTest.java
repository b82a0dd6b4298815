package dev.chrunbook.facts;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.Node;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerConfigFilesTest {
    private static final Node NODE = new Node("ch-1", 8123, 9000, 1, 1, "r1", Map.of());

    @Test
    void laterFilesOverrideTheMainConfigAndUnsetKeysFallBack() {
        String out = """
                ==> /etc/clickhouse-server/config.xml <==
                <?xml version="1.0"?>
                <yandex>
                    <path>/var/lib/clickhouse/</path>
                    <!-- <max_table_size_to_drop>0</max_table_size_to_drop> -->
                    <max_table_size_to_drop>100</max_table_size_to_drop>
                    <remote_servers><posthog><shard/></posthog></remote_servers>
                </yandex>

                ==> /etc/clickhouse-server/config.d/a.xml <==
                <clickhouse><max_table_size_to_drop>200</max_table_size_to_drop></clickhouse>

                ==> /etc/clickhouse-server/config.d/b.xml <==
                <clickhouse><path>/data/ch/</path></clickhouse>
                """;
        ServerConfigFiles c = ServerConfigFiles.parse(out);
        assertEquals("200", c.value("max_table_size_to_drop", "50000000000"));
        assertEquals("/data/ch/", c.value("path", "/var/lib/clickhouse/"));
        assertEquals("x", c.value("max_server_memory_usage", "x"));
        assertEquals("x", c.value("remote_servers", "x"), "sections are not values");
    }

    @Test
    void aValueFromAnIncludeIsReportedNotGuessed() {
        ServerConfigFiles c = ServerConfigFiles.parse("""
                ==> /etc/ch/config.xml <==
                <yandex><max_table_size_to_drop incl="drop_limit"/></yandex>
                """);
        ChrunbookException e = assertThrows(ChrunbookException.class, () -> c.value("max_table_size_to_drop", "0"));
        assertTrue(e.getMessage().contains("include or the environment"), e.getMessage());
    }

    @Test
    void aBrokenFileNamesItself() {
        ChrunbookException e = assertThrows(ChrunbookException.class, () -> ServerConfigFiles.parse("""
                ==> /etc/ch/config.d/broken.xml <==
                <yandex><path>
                """));
        assertTrue(e.getMessage().contains("/etc/ch/config.d/broken.xml"), e.getMessage());
    }

    @Test
    void theCatCommandQuotesPathsForTheShell() {
        String cmd = ServerConfigFiles.catCommand("/srv/it's/config.xml");
        assertTrue(cmd.contains("'/srv/it'\\''s/config.xml'"), cmd);
        assertTrue(cmd.contains("'/srv/it'\\''s'/config.d/*.xml"), cmd);
    }

    @Test
    void dfAvailableBytesAreTheFourthColumn() {
        String df = """
                Filesystem         1-blocks        Used   Available Capacity Mounted on
                /dev/vda       270553174016 27603714048 81340579840      26% /
                """;
        assertEquals(81340579840L, ServerFacts.parseDfAvailable(df, NODE, "/var/lib/clickhouse/"));
        assertThrows(ChrunbookException.class, () -> ServerFacts.parseDfAvailable("df: no such file", NODE, "/x"));
    }
}
