package dev.chrunbook.facts;

import dev.chrunbook.catalog.Catalog;

import dev.chrunbook.clickhouse.ClickHouseClient;
import dev.chrunbook.clickhouse.ClickHouseConnector;
import dev.chrunbook.clickhouse.ClickHouseException;

import dev.chrunbook.ChrunbookException;
import dev.chrunbook.ExitCode;
import dev.chrunbook.SqlQuoting;
import dev.chrunbook.ssh.HostShell;
import dev.chrunbook.ssh.SshException;
import dev.chrunbook.Node;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Facts about a node's server and machine that checks need: free disk on its data path and its
 * server-level settings. The one place that knows where they come from on which version: current
 * servers answer in SQL ({@code system.disks}, {@code system.server_settings}); older ones (18.16
 * has neither) are asked over SSH ({@code df}, the config files).
 */
public final class ServerFacts {
    private static final Pattern DF_LINE = Pattern.compile("^\\S.*?\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+\\d+%\\s+/.*$", Pattern.MULTILINE);
    private static final String DEFAULT_DATA_PATH = "/var/lib/clickhouse/";

    private final ClickHouseConnector connector;
    private final Optional<HostShell> host;
    private final Map<String, Set<String>> systemTables = new ConcurrentHashMap<>();
    private final Map<String, ServerConfigFiles> configs = new ConcurrentHashMap<>();
    private final Map<String, Long> freeBytes = new ConcurrentHashMap<>();

    public ServerFacts(ClickHouseConnector connector, Optional<HostShell> host) {
        this.connector = connector;
        this.host = host;
    }

    /** Bytes free on the filesystem holding the node's data path, measured once per command. */
    public long freeDiskBytes(Node node) {
        return freeBytes.computeIfAbsent(node.id(), k -> measureFreeDisk(node));
    }

    private long measureFreeDisk(Node node) {
        if (systemTables(node).contains("disks")) {
            return Long.parseLong(query(node, "SELECT free_space FROM system.disks WHERE name = 'default'"));
        }
        HostShell shell = shell(node, "system.disks", "free disk");
        String path = config(node, shell).value("path", DEFAULT_DATA_PATH);
        return parseDfAvailable(ssh(() -> shell.run(node, "df -P -B1 -- " + HostShell.quote(path))), node, path);
    }

    /** A server-level setting (config.xml), or {@code fallback} when the server does not set it. */
    public String serverSetting(Node node, String name, String fallback) {
        if (systemTables(node).contains("server_settings")) {
            String v = query(node, "SELECT value FROM system.server_settings WHERE name = " + SqlQuoting.literal(name));
            return v == null ? fallback : v;
        }
        return config(node, shell(node, "system.server_settings", "server setting " + name)).value(name, fallback);
    }

    static long parseDfAvailable(String df, Node node, String path) {
        Matcher m = DF_LINE.matcher(df);
        if (!m.find()) {
            throw new ChrunbookException(ExitCode.VERIFICATION_FAILED, "cannot read free space of " + path + " on " + node.id()
                    + " from df: " + df.strip());
        }
        return Long.parseLong(m.group(3));
    }

    private ServerConfigFiles config(Node node, HostShell shell) {
        return configs.computeIfAbsent(node.id(),
                k -> ServerConfigFiles.parse(ssh(() -> shell.run(node, ServerConfigFiles.catCommand(shell.configFile(node))))));
    }

    private HostShell shell(Node node, String missingTable, String what) {
        return host.orElseThrow(() -> ChrunbookException.invalidInput("node " + node.id() + " has no " + missingTable
                + " (ClickHouse " + version(node) + "), so chrunbook reads its " + what + " on the host over SSH:"
                + " add an 'ssh:' section to the connection file (see README, 'Host checks over SSH')"));
    }

    private static String ssh(Supplier<String> call) {
        try {
            return call.get();
        } catch (SshException e) {
            throw new ChrunbookException(ExitCode.VERIFICATION_FAILED, e.getMessage(), e);
        }
    }

    private Set<String> systemTables(Node node) {
        return systemTables.computeIfAbsent(node.id(), k -> {
            try (ClickHouseClient c = connector.connect(node.host(), node.httpPort())) {
                // the tables older servers lack (18.16 has neither): free disk and server settings come over SSH there
                return new HashSet<>(new Catalog(c).tablesAmong("system", List.of("disks", "server_settings")));
            } catch (ClickHouseException e) {
                throw new ChrunbookException(ExitCode.VERIFICATION_FAILED, "cannot read system.tables on " + node.id() + ": " + e.getMessage(), e);
            }
        });
    }

    private String version(Node node) {
        try (ClickHouseClient c = connector.connect(node.host(), node.httpPort())) {
            return c.version().toString();
        }
    }

    private String query(Node node, String sql) {
        try (ClickHouseClient c = connector.connect(node.host(), node.httpPort())) {
            return c.selectOne(sql);
        } catch (ClickHouseException e) {
            throw new ChrunbookException(ExitCode.VERIFICATION_FAILED, node.id() + ": " + e.getMessage(), e);
        }
    }
}
