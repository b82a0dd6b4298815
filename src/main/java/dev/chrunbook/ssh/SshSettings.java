package dev.chrunbook.ssh;

import dev.chrunbook.Node;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * How to reach the machines the nodes run on, for the checks a server cannot answer in SQL
 * (free disk, its own config file on older servers). Host keys are always verified.
 *
 * @param identityFile private key; empty means the first of ~/.ssh/id_ed25519, id_ecdsa, id_rsa that exists
 * @param configFile   the server's main config file on the host (config.d/ and conf.d/ beside it are read too)
 * @param perNode      overrides by node id (host:http_port) or native address (host:port)
 */
public record SshSettings(String user, int port, Optional<Path> identityFile, Path knownHosts, String configFile,
                          Duration timeout, Map<String, NodeOverride> perNode) {

    public static final String DEFAULT_CONFIG_FILE = "/etc/clickhouse-server/config.xml";

    /** @param host empty: the node's own host */
    public record NodeOverride(Optional<String> host, Optional<Integer> port, Optional<String> configFile) {
    }

    /** Where this node's host is reached and which config file its server reads. */
    public SshTarget target(Node node) {
        NodeOverride o = perNode.entrySet().stream().filter(e -> node.matches(e.getKey())).map(Map.Entry::getValue)
                .findFirst().orElse(new NodeOverride(Optional.empty(), Optional.empty(), Optional.empty()));
        return new SshTarget(user, o.host().orElse(node.host()), o.port().orElse(port), o.configFile().orElse(configFile));
    }

    public record SshTarget(String user, String host, int port, String configFile) {
        @Override
        public String toString() {
            return user + "@" + host + ":" + port;
        }
    }
}
