package dev.chrunbook.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import dev.chrunbook.topology.Node;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@link HostShell} over SSH (jsch): key authentication, host key checked against known_hosts. */
public final class JschShell implements HostShell {
    private static final Logger LOG = LoggerFactory.getLogger(JschShell.class);

    private final SshSettings settings;

    public JschShell(SshSettings settings) {
        this.settings = settings;
    }

    @Override
    public String configFile(Node node) {
        return settings.target(node).configFile();
    }

    @Override
    public String run(Node node, String command) {
        SshSettings.SshTarget target = settings.target(node);
        int timeoutMs = (int) settings.timeout().toMillis();
        Session session = null;
        ChannelExec channel = null;
        try {
            JSch jsch = new JSch();
            jsch.setKnownHosts(settings.knownHosts().toString());
            jsch.addIdentity(identity().toString());
            session = jsch.getSession(target.user(), target.host(), target.port());
            session.setConfig("StrictHostKeyChecking", "yes");
            session.setConfig("PreferredAuthentications", "publickey");
            session.connect(timeoutMs);
            channel = (ChannelExec) session.openChannel("exec");
            channel.setCommand(command);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            channel.setOutputStream(out);
            channel.setErrStream(err);
            channel.connect(timeoutMs);
            long deadline = System.nanoTime() + settings.timeout().toNanos();
            while (!channel.isClosed()) {
                if (System.nanoTime() > deadline) {
                    throw new SshException("ssh " + target + " (for " + node.id() + "): '" + command + "' still running after "
                            + settings.timeout().toSeconds() + " s", null);
                }
                Thread.sleep(10);
            }
            LOG.debug("ssh {}: {} -> exit {}", target, command, channel.getExitStatus());
            if (channel.getExitStatus() != 0) {
                throw new SshException("ssh " + target + " (for " + node.id() + "): '" + command + "' exited with "
                        + channel.getExitStatus() + ": " + err.toString(StandardCharsets.UTF_8).strip(), null);
            }
            return out.toString(StandardCharsets.UTF_8);
        } catch (JSchException e) {
            throw new SshException("ssh " + target + " (for " + node.id() + "): " + e.getMessage() + hint(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SshException("ssh " + target + ": interrupted", e);
        } finally {
            if (channel != null) {
                channel.disconnect();
            }
            if (session != null) {
                session.disconnect();
            }
        }
    }

    private Path identity() {
        if (settings.identityFile().isPresent()) {
            return settings.identityFile().get();
        }
        Path ssh = Path.of(System.getProperty("user.home"), ".ssh");
        return List.of("id_ed25519", "id_ecdsa", "id_rsa").stream().map(ssh::resolve).filter(Files::isRegularFile)
                .findFirst().orElseThrow(() -> new SshException("no SSH key: set ssh.identity_file in the connection file"
                        + " (none of ~/.ssh/id_ed25519, id_ecdsa, id_rsa exists)", null));
    }

    private String hint(JSchException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("UnknownHostKey") || m.contains("reject HostKey")) {
            return "; the host key is not in " + settings.knownHosts() + ": verify it and add it (ssh-keyscan -p PORT HOST)";
        }
        if (m.contains("HostKey has been changed")) {
            return "; the host key differs from " + settings.knownHosts() + ": find out why before you trust this host";
        }
        if (m.contains("Auth fail")) {
            return "; the key was refused: check ssh.user and ssh.identity_file";
        }
        return "";
    }
}
