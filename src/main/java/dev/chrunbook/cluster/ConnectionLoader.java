package dev.chrunbook.cluster;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.Node;
import dev.chrunbook.clickhouse.Credentials;
import dev.chrunbook.runbook.YamlFields;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** Reads a connection file (YAML). Passwords come from an environment variable or a file only. */
public final class ConnectionLoader {
    private static final Set<String> KEYS = Set.of("seed", "nodes", "user", "password_env", "password_file",
            "tls", "http_port", "http_ports", "ssh",
            "distributed_ddl");
    private static final Set<String> NODE_KEYS = Set.of("host", "port", "native_port", "shard", "replica", "macros");

    private final Function<String, String> env;

    public ConnectionLoader(Function<String, String> env) {
        this.env = env;
    }

    public ConnectionConfig load(Path file) {
        YamlFields f = YamlFields.parse(file);
        if (f.has("password")) {
            // the value is never echoed: it is a password
            throw f.errorAt("password", "a password does not belong in the connection file: give 'password_env: VAR'"
                    + " (an environment variable holding it) or 'password_file: FILE' (a file holding it)");
        }
        f.onlyKeys(KEYS);
        Optional<String> seed = Optional.ofNullable(f.optionalString("seed", null));
        seed.ifPresent(s -> hostPort(f, "seed", s));
        List<Node> nodes = new ArrayList<>();
        for (YamlFields n : f.mappingList("nodes")) {
            nodes.add(node(n.onlyKeys(NODE_KEYS)));
        }
        if (seed.isPresent() == !nodes.isEmpty()) {
            throw f.errorAt("seed", "give either 'seed: host:port' (discover the cluster) or a 'nodes:' list, not "
                    + (seed.isPresent() ? "both" : "neither"));
        }
        Map<String, Integer> httpPorts = new LinkedHashMap<>();
        f.scalarMap("http_ports").forEach((k, v) -> {
            hostPort(f, "http_ports", k);
            httpPorts.put(k, port(f, "http_ports", v));
        });
        return new ConnectionConfig(seed, List.copyOf(nodes), new Credentials(f.optionalString("user", "default"),
                password(f)), f.optionalBoolean("tls", false), f.optionalInt("http_port", 8123),
                Map.copyOf(httpPorts), Optional.ofNullable(f.nested("ssh")).map(SshSection::read),
                f.has("distributed_ddl") ? Optional.of(f.optionalBoolean("distributed_ddl", true)) : Optional.empty(), file);
    }

    private String password(YamlFields f) {
        String var = f.optionalString("password_env", null);
        String path = f.optionalString("password_file", null);
        if (var != null && path != null) {
            throw f.errorAt("password_file", "give password_env or password_file, not both");
        }
        if (var != null) {
            if (!var.matches("[A-Za-z_][A-Za-z0-9_]{0,127}")) {
                // not a variable name: perhaps the password itself, which must not be echoed
                throw f.errorAt("password_env", "password_env must name an environment variable (letters, digits, '_'),"
                        + " not hold the password; put the password into that variable");
            }
            String value = env.apply(var);
            if (value == null) {
                throw f.errorAt("password_env", "the environment variable that password_env names is not set; export it"
                        + " or remove password_env");
            }
            return value;
        }
        if (path != null) {
            Path secret = f.file().resolveSibling(path);
            if (!Files.isRegularFile(secret)) {
                // the value is not echoed: it may be the password itself
                throw f.errorAt("password_file", "the file that password_file names does not exist or is not a file"
                        + " (a path relative to the connection file); it must hold the password, not be it");
            }
            try {
                return Files.readString(secret, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw f.errorAt("password_file", "the file that password_file names cannot be read ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
        return "";
    }

    private static Node node(YamlFields n) {
        String host = n.requiredString("host");
        if (!host.matches("[A-Za-z0-9._\\-\\[\\]:]+")) {
            throw n.errorAt("host", host.contains("@") ? "'host' must be a host name or address, without user or password"
                    : ChrunbookException.shown(host) + " is not a host name or address");
        }
        int port = n.optionalInt("port", 8123);
        int shard = n.optionalInt("shard", 0);
        if (shard < 1) {
            throw n.errorAt("shard", "node " + host + ":" + port + " needs 'shard: N' (N >= 1)");
        }
        String replica = n.optionalString("replica", host + ":" + port);
        Map<String, String> macros = new LinkedHashMap<>(n.scalarMap("macros"));
        macros.putIfAbsent("shard", String.valueOf(shard));
        macros.putIfAbsent("replica", replica);
        return new Node(host, port, n.optionalInt("native_port", 0), shard, 0, replica, Map.copyOf(macros));
    }

    private static String[] hostPort(YamlFields f, String key, String value) {
        if (value.contains("@")) {
            // user-info may carry a password: name the field, never the value
            throw f.errorAt(key, "'" + key + "' must be host:port without user or password; give them as 'user:' and"
                    + " 'password_env:' or 'password_file:'");
        }
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || !value.substring(0, colon).matches("[A-Za-z0-9._\\-\\[\\]:]+")) {
            throw f.errorAt(key, ChrunbookException.shown(value) + " must be host:port (a host name or address, a colon, a port)");
        }
        port(f, key, value.substring(colon + 1));
        return new String[] {value.substring(0, colon), value.substring(colon + 1)};
    }

    private static int port(YamlFields f, String key, String value) {
        try {
            int p = Integer.parseInt(value);
            if (p > 0 && p < 65536) {
                return p;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw f.errorAt(key, "'" + value + "' is not a port number");
    }
}
