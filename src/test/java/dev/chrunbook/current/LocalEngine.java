package dev.chrunbook.current;

import dev.chrunbook.testing.LocalCluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The current ClickHouse engine (clickhouse-local as a library, installed by scripts/current-engine)
 * as a command: one process per call over one data folder, with a config that declares the cluster
 * and the node's macros. The engine reports errors on stderr and still exits 0, so every call
 * looks for them there.
 */
final class LocalEngine {
    private static final Pattern ERROR = Pattern.compile("Code: (\\d+)\\. DB::Exception: (.*)");

    private final Path launcher;
    private final Path data;
    private final Path config;

    LocalEngine(Path dir) throws IOException, InterruptedException {
        this.launcher = install();
        this.data = Files.createDirectories(dir.resolve("data"));
        this.config = dir.resolve("config.xml");
        Files.writeString(config, """
                <clickhouse>
                  <macros><shard>1</shard><replica>r1</replica></macros>
                  <remote_servers><posthog><shard><replica><host>127.0.0.1</host><port>1</port></replica></shard></posthog></remote_servers>
                </clickhouse>
                """);
    }

    /**
     * Runs SQL (several statements allowed) and returns what it printed; an engine error is an exception.
     * One at a time: the engine is a process per query over one data directory, which it locks, where a
     * server would run the queries of chrunbook's threads (chunk workers, the assembler, the throttle) side by side.
     */
    synchronized String query(String sql, Map<String, String> settings) {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString(), "--path", data.toString(), "--config-file", config.toString(),
                "--multiquery", "--query", sql));
        settings.forEach((k, v) -> cmd.add("--" + k + "=" + v));
        try {
            Process p = new ProcessBuilder(cmd).start();
            byte[] out = p.getInputStream().readAllBytes();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new EngineException(0, "the engine did not finish within 5 minutes: " + sql);
            }
            Matcher m = ERROR.matcher(err);
            if (m.find() || p.exitValue() != 0) {
                throw m.find(0) ? new EngineException(Integer.parseInt(m.group(1)), m.group(2) + "\n  in: " + sql)
                        : new EngineException(0, "exit " + p.exitValue() + ": " + err + "\n  in: " + sql);
            }
            return new String(out, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String query(String sql) {
        return query(sql, Map.of());
    }

    /** The launcher's path: scripts/current-engine installs it when missing and prints it. */
    private static Path install() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(LocalCluster.ROOT.resolve("scripts/current-engine").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("scripts/current-engine failed; see its output above");
        }
        return Path.of(out.lines().reduce((a, b) -> b).orElseThrow());
    }

    /** An error the engine reported, with its code. */
    static final class EngineException extends RuntimeException {
        final int code;

        EngineException(int code, String message) {
            super("Code " + code + ": " + message);
            this.code = code;
        }
    }
}
