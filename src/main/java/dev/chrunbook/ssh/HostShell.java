package dev.chrunbook.ssh;

import dev.chrunbook.Node;

/** Runs a read-only shell command on the machine a node runs on and returns what it printed. */
public interface HostShell {
    /** @throws SshException when the host cannot be reached or the command exits non-zero */
    String run(Node node, String command);

    /** The config file this node's server reads, as the connection file names it. */
    String configFile(Node node);

    /** {@code s} as one single-quoted shell word. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
