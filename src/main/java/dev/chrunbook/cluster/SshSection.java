package dev.chrunbook.cluster;

import dev.chrunbook.runbook.YamlFields;
import dev.chrunbook.ssh.SshSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The {@code ssh:} section of a connection file. Local paths are relative to the connection file. */
final class SshSection {
    private static final Set<String> KEYS = Set.of("user", "port", "identity_file", "known_hosts", "config_file",
            "timeout_seconds", "nodes");
    private static final Set<String> NODE_KEYS = Set.of("host", "port", "config_file");

    private SshSection() {
    }

    static SshSettings read(YamlFields ssh) {
        ssh.onlyKeys(KEYS);
        String home = System.getProperty("user.home");
        Optional<Path> identity = Optional.ofNullable(ssh.optionalString("identity_file", null))
                .map(p -> existing(ssh, "identity_file", local(ssh, p, home)));
        Path knownHosts = existing(ssh, "known_hosts", local(ssh, ssh.optionalString("known_hosts", "~/.ssh/known_hosts"), home));
        Map<String, SshSettings.NodeOverride> perNode = new LinkedHashMap<>();
        YamlFields nodes = ssh.nested("nodes");
        if (nodes != null) {
            for (String key : nodes.keys()) {
                if (key.lastIndexOf(':') <= 0) {
                    throw nodes.errorAt(key, "'" + key + "' must name a node as host:http_port or host:native_port");
                }
                YamlFields n = nodes.nested(key).onlyKeys(NODE_KEYS);
                perNode.put(key, new SshSettings.NodeOverride(Optional.ofNullable(n.optionalString("host", null)),
                        n.has("port") ? Optional.of(n.optionalInt("port", 22)) : Optional.empty(),
                        Optional.ofNullable(n.optionalString("config_file", null))));
            }
        }
        return new SshSettings(ssh.optionalString("user", System.getProperty("user.name")), ssh.optionalInt("port", 22),
                identity, knownHosts, ssh.optionalString("config_file", SshSettings.DEFAULT_CONFIG_FILE),
                Duration.ofSeconds(ssh.optionalInt("timeout_seconds", 20)), Map.copyOf(perNode));
    }

    private static Path local(YamlFields f, String path, String home) {
        if (path.startsWith("~/")) {
            return Path.of(home, path.substring(2));
        }
        return f.file().resolveSibling(path).normalize();
    }

    private static Path existing(YamlFields f, String key, Path p) {
        if (!Files.isRegularFile(p)) {
            throw f.errorAt(key, "file not found: " + p);
        }
        return p;
    }
}
