package dev.chrunbook.cluster;

import dev.chrunbook.Node;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.ssh.SshSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionSshTest {
    @TempDir
    Path dir;

    private ConnectionConfig load(String yaml) throws Exception {
        Path f = dir.resolve("connection.yaml");
        Files.writeString(f, yaml);
        return new ConnectionLoader(k -> null).load(f);
    }

    @Test
    void perNodeOverridesAndPathsRelativeToTheFile() throws Exception {
        Files.createDirectories(dir.resolve("keys"));
        Files.writeString(dir.resolve("keys/id"), "key");
        Files.writeString(dir.resolve("keys/known"), "");
        ConnectionConfig c = load("""
                seed: ch-1:8123
                ssh:
                  user: ops
                  identity_file: keys/id
                  known_hosts: keys/known
                  nodes:
                    "ch-2:9000": {host: ch-2.ssh, port: 2200, config_file: /srv/ch2/config.xml}
                """);
        SshSettings ssh = c.ssh().orElseThrow();
        assertEquals(dir.resolve("keys/id"), ssh.identityFile().orElseThrow());
        Node one = new Node("ch-1", 8123, 9000, 1, 1, "r1", Map.of());
        Node two = new Node("ch-2", 8123, 9000, 1, 2, "r2", Map.of());
        assertEquals(new SshSettings.SshTarget("ops", "ch-1", 22, "/etc/clickhouse-server/config.xml"), ssh.target(one));
        assertEquals(new SshSettings.SshTarget("ops", "ch-2.ssh", 2200, "/srv/ch2/config.xml"), ssh.target(two));
    }

    @Test
    void aMissingKeyFileIsAnInputErrorAtItsLine() {
        ChrunbookException e = assertThrows(ChrunbookException.class, () -> load("""
                seed: ch-1:8123
                ssh:
                  known_hosts: /nonexistent/known_hosts
                """));
        assertEquals(2, e.exitCode().code());
        assertTrue(e.getMessage().contains("connection.yaml:3") && e.getMessage().contains("file not found: /nonexistent/known_hosts"),
                e.getMessage());
    }

    @Test
    void anUnknownSshKeyIsRefused() {
        ChrunbookException e = assertThrows(ChrunbookException.class, () -> load("""
                seed: ch-1:8123
                ssh:
                  pasword: x
                """));
        assertTrue(e.getMessage().contains("pasword"), e.getMessage());
    }
}
