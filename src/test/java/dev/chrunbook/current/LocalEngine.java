package dev.chrunbook.current;

import dev.chrunbook.testing.LocalCluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The current ClickHouse engine (clickhouse-local as a library, installed by scripts/current-engine)
 * as one session over one data folder, with a config that declares the cluster and the node's
 * macros: a process (chl-session) that answers the queries written to it, one at a time.
 */
final class LocalEngine implements AutoCloseable {
    private static final Pattern ERROR = Pattern.compile("Code: (\\d+)\\. DB::Exception: (.*)", Pattern.DOTALL);

    private final Path session;
    private final Path data;
    private final Path config;
    private final Path log;
    private Process process;
    private OutputStream requests;
    private InputStream answers;

    LocalEngine(Path dir) throws IOException, InterruptedException {
        this.session = install().resolveSibling("chl-session");
        this.data = Files.createDirectories(dir.resolve("data"));
        this.config = dir.resolve("config.xml");
        this.log = dir.resolve("engine.log");
        Files.writeString(config, """
                <clickhouse>
                  <macros><shard>1</shard><replica>r1</replica></macros>
                  <remote_servers><posthog><shard><replica><host>127.0.0.1</host><port>1</port></replica></shard></posthog></remote_servers>
                </clickhouse>
                """);
    }

    /**
     * Runs SQL (several statements allowed) and returns what it printed; an engine error is an exception.
     * One at a time: the session answers one query after another, where a server would run the queries
     * of chrunbook's threads (chunk workers, the assembler, the throttle) side by side. Settings hold
     * for this query only.
     */
    synchronized String query(String sql, Map<String, String> settings) {
        settings.forEach((k, v) -> ask("SET " + k + " = " + literal(v)));
        try {
            return ask(sql).strip();
        } finally {
            settings.keySet().forEach(k -> ask("SET " + k + " = DEFAULT"));
        }
    }

    private static String literal(String v) {
        return v.matches("-?\\d+(\\.\\d+)?") ? v : "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private String ask(String sql) {
        try {
            if (process == null || !process.isAlive()) {
                process = new ProcessBuilder(session.toString(), "--path", data.toString(), "--config-file", config.toString(),
                        "--multiquery").redirectError(log.toFile()).start();
                requests = process.getOutputStream();
                answers = new java.io.BufferedInputStream(process.getInputStream());
            }
            byte[] query = sql.getBytes(StandardCharsets.UTF_8);
            requests.write((query.length + "\n").getBytes(StandardCharsets.US_ASCII));
            requests.write(query);
            requests.flush();
            String header = line();
            if (header == null) {
                throw new EngineException(0, "the engine session ended: " + Files.readString(log) + "\n  in: " + sql);
            }
            byte[] body = answers.readNBytes(Integer.parseInt(header.substring(header.indexOf(' ') + 1)));
            String text = new String(body, StandardCharsets.UTF_8);
            if (header.startsWith("ERR")) {
                Matcher m = ERROR.matcher(text);
                throw m.find() ? new EngineException(Integer.parseInt(m.group(1)), m.group(2).strip() + "\n  in: " + sql)
                        : new EngineException(0, text + "\n  in: " + sql);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String line() throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = answers.read()) != -1 && c != '\n') {
            b.append((char) c);
        }
        return c == -1 && b.length() == 0 ? null : b.toString();
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            try {
                requests.close(); // the session ends at the end of its input
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                process.destroyForcibly();
            }
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
