package dev.chrunbook.cli;

import dev.chrunbook.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** serve refuses, before it listens, what would expose the page or cannot work: exit 2, naming the fix. */
class ServeCommandTest {
    private static final String RUNBOOK = "examples/quickstart/runbook.yaml";
    @TempDir
    Path dir;

    private Cli.Result serve(String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "serve";
        all[1] = RUNBOOK;
        all[2] = "--state-dir";
        all[3] = dir.resolve("state").toString();
        System.arraycopy(args, 0, all, 4, args.length);
        return Cli.run(all);
    }

    @Test
    void anAddressBeyondThisMachineNeedsAToken() {
        Cli.Result r = serve("--bind", "0.0.0.0", "--port", "0");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--bind 0.0.0.0 serves the page beyond this machine: give a token with --token-env VAR"), r.err());
    }

    @Test
    void aTokenThatIsNotThereIsNamed() throws Exception {
        Cli.Result unset = serve("--bind", "0.0.0.0", "--token-env", "CHRUNBOOK_TEST_TOKEN_THAT_IS_NOT_SET");
        assertEquals(2, unset.exitCode(), unset.toString());
        assertTrue(unset.err().contains("--token-env CHRUNBOOK_TEST_TOKEN_THAT_IS_NOT_SET: that environment variable is not set"), unset.err());
        Path empty = Files.writeString(dir.resolve("token"), "\n");
        Cli.Result blank = serve("--token-file", empty.toString());
        assertEquals(2, blank.exitCode(), blank.toString());
        assertTrue(blank.err().contains("is empty"), blank.err());
        Cli.Result both = serve("--token-file", empty.toString(), "--token-env", "HOME");
        assertEquals(2, both.exitCode(), both.toString());
    }

    @Test
    void aPortInUseIsAClearErrorNotAStackTrace() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Cli.Result r = serve("--port", String.valueOf(taken.getLocalPort()));
            assertEquals(2, r.exitCode(), r.toString());
            assertTrue(r.err().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()) && r.err().contains("--port"), r.err());
        }
    }
}
