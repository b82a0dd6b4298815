package dev.chrunbook.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import dev.chrunbook.Node;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@link HostShell} over SSH (jsch): key authentication, host key checked against known_hosts. */
public final class JschShell implements HostShell {
    private static final Logger LOG = LoggerFactory.getLogger(JschShell.class);
    private static final String EXIT_MARK = "__chrunbook_exit=";

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
        String where = "ssh " + target + " (for " + node.id() + "): ";
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
            // stderr joins stdout and the exit code comes last, so one blocking read to EOF says it all
            // (a subshell, so that an 'exit' in the command still reaches the printf)
            channel.setCommand("( " + command + "\n) 2>&1; printf '\\n" + EXIT_MARK + "%d\\n' $?");
            InputStream in = channel.getInputStream();
            channel.connect(timeoutMs);
            String all = readToEnd(in, target.host(), where, command);
            int mark = all.lastIndexOf("\n" + EXIT_MARK);
            if (mark < 0) {
                throw new SshException(where + "'" + command + "' ended without an exit"
                        + " code (is the login shell a POSIX shell?): " + all.strip(), null);
            }
            String output = all.substring(0, mark);
            int exit = Integer.parseInt(all.substring(mark + 1 + EXIT_MARK.length()).strip());
            LOG.debug("ssh {}: {} -> exit {}", target, command, exit);
            if (exit != 0) {
                throw new SshException(where + "'" + command + "' exited with "
                        + exit + ": " + output.strip(), null);
            }
            return output;
        } catch (JSchException | IOException e) {
            throw new SshException(where + e.getMessage() + hint(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SshException(where + "interrupted", e);
        } finally {
            if (channel != null) {
                channel.disconnect();
            }
            if (session != null) {
                session.disconnect();
            }
        }
    }

    /** Reads the channel to its end, for at most the timeout: the read blocks, so it runs on its own thread. */
    private String readToEnd(InputStream in, String host, String where, String command) throws InterruptedException {
        FutureTask<byte[]> read = new FutureTask<>(in::readAllBytes);
        Thread reader = new Thread(read, "chrunbook-ssh-" + host);
        reader.setDaemon(true);
        reader.start();
        try {
            return new String(read.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS), StandardCharsets.UTF_8);
        } catch (TimeoutException e) {
            throw new SshException(where + "'" + command + "' still running after "
                    + settings.timeout().toSeconds() + " s", e);
        } catch (ExecutionException e) {
            throw new SshException(where + "reading the output failed: "
                    + e.getCause().getMessage(), e.getCause());
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

    private String hint(Exception e) {
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
